"""Pictures of large matrices: palette PNGs (Pillow) inline in the page, enlarged without blur.

A picture is drawn at one pixel (or a few) per cell and enlarged by the browser without
smoothing (CSS `image-rendering: pixelated`): a few kB to send and decode instead of a
megapixel, cells still crisp. Palette mode stores one byte per pixel: smaller files and less
CPU than RGB. Pictures travel inline as data URLs: a separate media file can be deleted by
Streamlit before a slow browser fetches it.
"""

import base64
import io
import math

import numpy as np
import streamlit as st
from PIL import Image

from ui import image

PIXELATED = "<style>[data-testid='stImage'] img {image-rendering: pixelated;}</style>"


def style() -> None:
    """Once per page: enlarge pictures without blurring their cells (our own CSS, no content)."""
    st.html(PIXELATED)


def png(indices: np.ndarray, kind: str) -> bytes:
    """(height, width) uint8 palette indices -> a palette PNG file in the colours of `kind`."""
    height, width = indices.shape
    picture = Image.frombytes("P", (width, height), np.ascontiguousarray(indices).tobytes())
    picture.putpalette(image.PALETTES[kind].ravel().tolist())
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def data_url(indices: np.ndarray, kind: str) -> str:
    return "data:image/png;base64," + base64.b64encode(png(indices, kind)).decode("ascii")


@st.cache_data(max_entries=64, show_spinner=False)
def matrix_picture(values: np.ndarray, kind: str, square: bool = False) -> str:
    """The matrix as a PNG data URL: square cells, or, for a wide matrix, cells as tall as
    they were when drawn 1024 pixels wide and 8 high, in the fewest pixels."""
    cell_w = cell_h = 1
    if not square:
        cell_w, cell_h = max(1, 1024 // values.shape[1]), 8
        common = math.gcd(cell_w, cell_h)
        cell_w, cell_h = cell_w // common, cell_h // common
    return data_url(image.matrix_image(values, kind, cell_h=cell_h, cell_w=cell_w), kind)


@st.cache_data(max_entries=16, show_spinner=False)
def grid_picture(weights: np.ndarray, columns: int) -> str:
    """Every head's (seq_len, seq_len) weights as one picture, `columns` heads per row, one
    pixel per cell and a one-pixel gap."""
    heads = [image.matrix_image(w, "weights") for w in weights]
    return data_url(image.mosaic(heads, columns, gap=1), "weights")
