"""A large matrix as a small picture: colour-mapped uint8 pixels instead of one mark per cell.

A 32 × 512 heatmap drawn as Vega marks ships every cell and paints ~16 000 rectangles on each
slider move; the same matrix as a PNG is a few tens of kilobytes and paints at once. The colours
match the charts': viridis for 0–1 weights, Vega's blue–orange for signed values.
"""

import struct
import zlib

import numpy as np

# Anchor colours, evenly spaced over [0, 1]; colours in between are interpolated linearly.
VIRIDIS = (
    "#440154",
    "#472d7b",
    "#3b528b",
    "#2c728e",
    "#21918c",
    "#28ae80",
    "#5ec962",
    "#addc30",
    "#fde725",
)
BLUE_ORANGE = (
    "#134b85",
    "#2f78b3",
    "#5da2cb",
    "#9dcae1",
    "#d2e5ef",
    "#f2f0eb",
    "#fce0ba",
    "#fbbf74",
    "#e8932f",
    "#c5690d",
    "#904a07",
)
MASKED_RGB = (217, 217, 217)


def _palette(anchors: tuple[str, ...], n: int = 256) -> np.ndarray:
    """(n, 3) uint8 colours running through the anchors."""
    rgb = np.array([[int(h[i : i + 2], 16) for i in (1, 3, 5)] for h in anchors], dtype=float)
    at = np.linspace(0, 1, len(anchors))
    x = np.linspace(0, 1, n)
    return (
        np.stack([np.interp(x, at, rgb[:, c]) for c in range(3)], axis=1).round().astype(np.uint8)
    )


PALETTES = {"weights": _palette(VIRIDIS), "signed": _palette(BLUE_ORANGE)}


def to_unit_bound(values: np.ndarray, kind: str) -> float:
    """The value drawn at the ends of the colour scale: 1 for weights, max |value| if signed."""
    if kind == "weights":
        return 1.0
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size and finite.max() > 0 else 1.0


def to_unit(values: np.ndarray, kind: str) -> np.ndarray:
    """Map values to [0, 1]: weights as they are; signed values so that 0 sits in the middle."""
    finite = np.where(np.isfinite(values), values, 0.0)
    if kind == "weights":
        return np.clip(finite, 0.0, 1.0)
    return 0.5 + 0.5 * finite / to_unit_bound(values, kind)


def matrix_image(values: np.ndarray, kind: str, cell_h: int = 8, cell_w: int = 2) -> np.ndarray:
    """(rows·cell_h, cols·cell_w, 3) uint8 picture of a matrix; -inf (masked) cells grey."""
    index = (to_unit(values, kind) * 255).round().astype(np.intp)  # (rows, cols)
    pixels = PALETTES[kind][index]  # (rows, cols, 3)
    pixels[np.isneginf(values)] = MASKED_RGB
    return np.repeat(np.repeat(pixels, cell_h, axis=0), cell_w, axis=1)


def mosaic(pictures: list[np.ndarray], columns: int, gap: int = 8) -> np.ndarray:
    """Same-sized (h, w, 3) pictures in reading order, `columns` per row, on white with a gap."""
    h, w, _ = pictures[0].shape
    n_rows = -(-len(pictures) // columns)
    n_cols = min(columns, len(pictures))
    canvas = np.full((n_rows * (h + gap) - gap, n_cols * (w + gap) - gap, 3), 255, np.uint8)
    for i, picture in enumerate(pictures):
        top, left = (i // columns) * (h + gap), (i % columns) * (w + gap)
        canvas[top : top + h, left : left + w] = picture
    return canvas


def png(pixels: np.ndarray) -> bytes:
    """Encode (height, width, 3) uint8 pixels as a PNG file (no filter, zlib-compressed rows)."""
    height, width, _ = pixels.shape
    rows = np.concatenate(
        [np.zeros((height, 1), np.uint8), pixels.reshape(height, width * 3)], axis=1
    )  # (height, 1 + 3·width): filter byte 0, then RGB

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
        + chunk(b"IEND", b"")
    )
