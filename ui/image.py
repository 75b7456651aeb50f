"""A large matrix as a small picture: one colour index per cell instead of one mark per cell.

A 32 × 512 heatmap drawn as Vega marks ships every cell and paints ~16 000 rectangles on each
slider move; the same matrix as a palette PNG (ui/pictures.py) is a few kilobytes and paints at
once. The colours match the charts': viridis for 0–1 weights, Vega's blue–orange for signed
values. Pure NumPy: what colour each cell gets, not how the file is written.
"""

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
WHITE_RGB = (255, 255, 255)
LEVELS = 254  # colour steps of a scale; two more palette entries hold grey and white
MASKED = LEVELS  # the palette index of a masked (−∞) cell
WHITE = LEVELS + 1  # the palette index of the gaps between pictures


def _palette(anchors: tuple[str, ...], n: int = LEVELS) -> np.ndarray:
    """(n, 3) uint8 colours running through the anchors."""
    rgb = np.array([[int(h[i : i + 2], 16) for i in (1, 3, 5)] for h in anchors], dtype=float)
    at = np.linspace(0, 1, len(anchors))
    x = np.linspace(0, 1, n)
    return (
        np.stack([np.interp(x, at, rgb[:, c]) for c in range(3)], axis=1).round().astype(np.uint8)
    )


SCALES = {"weights": _palette(VIRIDIS), "signed": _palette(BLUE_ORANGE)}  # (LEVELS, 3) each
# A picture's whole palette: the scale's colours, then grey (masked) and white (gaps).
PALETTES = {
    kind: np.vstack([scale, [MASKED_RGB, WHITE_RGB]]).astype(np.uint8)  # (256, 3)
    for kind, scale in SCALES.items()
}


def to_unit_bound(values: np.ndarray, kind: str) -> float:
    """The value drawn at the ends of the colour scale: 1 for weights, max |value| if signed."""
    if kind == "weights":
        return 1.0
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size and finite.max() > 0 else 1.0


def to_unit(values: np.ndarray, kind: str, bound: float | None = None) -> np.ndarray:
    """Map values to [0, 1]: weights as they are; signed values so that 0 sits in the middle and
    ±bound (default: the largest |value|; a shared scale may give a larger one) at the ends."""
    finite = np.where(np.isfinite(values), values, 0.0)
    if kind == "weights":
        return np.clip(finite, 0.0, 1.0)
    bound = bound or to_unit_bound(values, kind)
    return np.clip(0.5 + 0.5 * finite / bound, 0.0, 1.0)


def matrix_image(
    values: np.ndarray, kind: str, cell_h: int = 1, cell_w: int = 1, bound: float | None = None
) -> np.ndarray:
    """(rows·cell_h, cols·cell_w) uint8 palette indices of a matrix; -inf (masked) cells grey."""
    index = (to_unit(values, kind, bound) * (LEVELS - 1)).round().astype(np.uint8)  # (rows, cols)
    index[np.isneginf(values)] = MASKED
    return np.repeat(np.repeat(index, cell_h, axis=0), cell_w, axis=1)


def mosaic(pictures: list[np.ndarray], columns: int, gap: int = 8) -> np.ndarray:
    """Same-sized (h, w) pictures in reading order, `columns` per row, on white with a gap."""
    h, w = pictures[0].shape
    n_rows = -(-len(pictures) // columns)
    n_cols = min(columns, len(pictures))
    canvas = np.full((n_rows * (h + gap) - gap, n_cols * (w + gap) - gap), WHITE, np.uint8)
    for i, picture in enumerate(pictures):
        top, left = (i // columns) * (h + gap), (i % columns) * (w + gap)
        canvas[top : top + h, left : left + w] = picture
    return canvas
