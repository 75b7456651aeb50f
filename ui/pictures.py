"""Pictures of large matrices: palette PNGs (Pillow) inline in the page, enlarged without blur.

A picture is drawn at one pixel per cell and enlarged by the browser without smoothing (in a
chart: the image mark's `smooth: false`; in st.image: CSS `image-rendering: pixelated`): a few kB
to send and decode instead of a megapixel, cells still crisp. Palette mode stores one byte per pixel: smaller files and less
CPU than RGB. Pictures travel inline as data URLs: a separate media file can be deleted by
Streamlit before a slow browser fetches it.
"""

import base64
import io

import numpy as np
import streamlit as st
from PIL import Image

from ui import image

# Our own CSS, once per page (no content in it):
# - pictures enlarged without blurring their cells;
# - nothing wider than a phone: a picture, a chart or a formula never reaches past its column. A
#   grid of heads (an SVG of fixed size) and a picture shrink to the column; a formula, or
#   anything else still too wide, scrolls sideways inside itself (the page does not pan).
STYLE = """<style>
[data-testid='stImage'] img {image-rendering: pixelated; max-width: 100%; height: auto;}
[data-testid='stVegaLiteChart'] {max-width: 100%; overflow-x: auto; overflow-y: hidden;}
[data-testid='stVegaLiteChart'] svg.marks {max-width: 100%; height: auto;}
.katex-display {overflow-x: auto; overflow-y: hidden; max-width: 100%;}
</style>"""


def style() -> None:
    """Once per page: enlarge pictures without blurring their cells; keep everything inside the
    screen's width (our own CSS, no content)."""
    st.html(STYLE)


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
def matrix_picture(values: np.ndarray, kind: str, bound: float | None = None) -> str:
    """The matrix as a PNG data URL, one pixel per cell (the chart enlarges it without smoothing);
    a signed matrix coloured on ±bound (default: its own largest |value|)."""
    return data_url(image.matrix_image(values, kind, bound=bound), kind)


@st.cache_data(max_entries=16, show_spinner=False)
def grid_picture(weights: np.ndarray, columns: int) -> str:
    """Every head's (seq_len, seq_len) weights as one picture, `columns` heads per row, one
    pixel per cell and a one-pixel gap."""
    heads = [image.matrix_image(w, "weights") for w in weights]
    return data_url(image.mosaic(heads, columns, gap=1), "weights")
