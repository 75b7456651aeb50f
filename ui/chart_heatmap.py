"""A matrix as a chart: coloured cells with hover values, or, when it is large, a labelled
picture (one pixel per cell) with a hoverable part built only when asked for.

Masked entries (−∞) are grey and read as masked on hover, never as a number. A heatmap's rows
are CELL pixels tall, and a picture is as tall as a heatmap of as many rows, so a page keeps its
height when a slider turns one into the other. The shared pieces (Chart, HeatmapOptions, axes,
colour scales) are in ui/charts.py.
"""

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ui import image
from ui.charts import (
    CELL,
    FAST,
    FIT_WIDTH,
    Chart,
    HeatmapOptions,
    color_encoding,
    ends_layer,
    first_only,
    label_column,
    nominal,
    token_axis,
)

MASKED_COLOR = "#d9d9d9"
MARK_COLOR = "#d62728"  # the outline of a chosen row
SMALL_CELL = 14  # pixels per row of a picture taller than MAX_ROWS (positions past a sentence)
MAX_LABELLED = 64  # rows of a picture that all keep a label (a larger vocabulary may thin out)
MAX_COLS = 64  # wider matrices are drawn as a labelled picture, hover values for the first columns
MAX_ROWS = 32  # ... and so are taller ones: 32 tokens (the most a sentence has) stay a chart
MAX_CELLS = 24 * 64  # ... and larger ones (e.g. 32 × 64): every mark costs the browser time on a
# slider move, a labelled picture redraws many times faster (the largest chart of cells is as
# large as it was when pictures came in for speed; 32 × 32 tokens stay hoverable cells)
HOVER_COLS = 16  # ... the first HOVER_COLS of them: a handful teaches hovering as well as 64


@dataclass(frozen=True)
class WideMatrix:
    """A matrix too large to draw cell by cell: a labelled picture of all of it, plus a
    hoverable part built only when asked for (the page shows it in a box, drawn while open)."""

    values: np.ndarray  # (rows, cols) the whole matrix
    shown: int  # the part's columns: all of them, or the first HOVER_COLS of a wide matrix
    rows: list[str]
    cols: list[str]
    options: HeatmapOptions  # how to draw the part (and the picture's colour scale: kind)
    ends: float | None  # signed: the |value| at the colour scale's ends

    @property
    def kind(self) -> str:
        """ "weights" or "signed": the colour scale of the picture and of the part."""
        return self.options.kind

    def part(self) -> Chart:
        """A heatmap of the first `shown` columns, with hover values."""
        shown = self.shown
        return _cells(self.values[:, :shown], self.rows, self.cols[:shown], self.options, self.ends)

    def picture(self, url: str) -> Chart:
        """All of it: the picture at `url` (one pixel per cell) under labelled rows and a legend."""
        return picture(url, self.values.shape, self.rows, self.options, self.ends)


def _axis_table(values: np.ndarray, rows: list[str], cols: list[str]) -> pa.Table:
    """Long form, compact: one row per cell; labels dictionary-encoded, values as float32."""
    n_rows, n_cols = values.shape
    return pa.table(
        {
            "row": label_column(np.repeat(np.arange(n_rows), n_cols), rows),
            "col": label_column(np.tile(np.arange(n_cols), n_rows), cols),
            "value": pa.array(np.round(values, 4).astype(np.float32).ravel()),
        }
    )


def heatmap(
    values: np.ndarray, rows: list[str], cols: list[str], options: HeatmapOptions
) -> Chart | WideMatrix:
    """A matrix as coloured cells with hover values (kind "weights": 0–1, "signed": ±).

    Masked entries (-inf) are drawn grey and read `masked_label` on hover, never as a number.
    A signed scale runs from −bound to +bound, bound = the matrix's largest |value| or the shared
    `options.bound` (the Chart's `ends`); the legend writes both ends.
    A matrix wider than MAX_COLS, taller than MAX_ROWS or larger than MAX_CELLS, or any matrix
    when `picture` is set, comes back as a WideMatrix (a labelled picture and a hoverable part):
    thousands of marks redraw too slowly on a slider move.
    """
    ends = None
    if options.kind == "signed":  # the whole matrix's ends, for its picture and part alike
        ends = max(image.to_unit_bound(values, "signed"), options.bound or 0.0)
    n_rows, n_cols = values.shape
    large = n_cols > MAX_COLS or n_rows > MAX_ROWS or n_rows * n_cols > MAX_CELLS
    if not options.select and (options.picture or large):  # a clickable chart keeps its marks
        shown = HOVER_COLS if n_cols > MAX_COLS else n_cols  # all, unless wide
        return WideMatrix(values, shown, list(rows), list(cols), options, ends)
    return _cells(values, rows, cols, options, ends)


def _across(rows: list[str], cols: list[str]) -> str:
    """What the columns are: the rows' own labels (tokens, positions, heads) or numbers."""
    return "tokens" if list(rows) == list(cols) else "numbers"


def _cells(
    values: np.ndarray, rows: list[str], cols: list[str], style: HeatmapOptions, ends: float | None
) -> Chart:
    """The heatmap itself: one rect per cell (and, if signed, the layer that sets its ends)."""
    masked = np.isneginf(values)
    finite = np.where(masked, 0.0, values)
    data = _axis_table(finite, rows, cols)
    color = color_encoding(style.kind, style.value_title)
    value = {"field": "value", "type": "quantitative", "title": style.value_title, "format": ".4f"}
    marks = {}
    if style.marked_row is not None:  # the chosen row outlined; only the data says which
        chosen = np.repeat(np.arange(len(rows)) == style.marked_row, len(cols))
        data = data.append_column("marked", pa.array(chosen))
        marks = {
            "stroke": {"condition": {"test": "datum.marked", "value": MARK_COLOR}, "value": None},
            "strokeWidth": {"condition": {"test": "datum.marked", "value": 2}, "value": 0},
        }
    transform = []
    if masked.any():  # a masked cell reads the masked label, never a number
        data = data.append_column("masked", pa.array(masked.ravel()))
        color = {"condition": {"test": "datum.masked", "value": MASKED_COLOR}, **color}
        shown = f"datum.masked ? {_quote(style.masked_label)} : format(datum.value, '.4f')"
        transform = [{"calculate": shown, "as": "shown"}]
        value = {"field": "shown", "type": "nominal", "title": style.value_title}
    across = _across(rows, cols)
    x = (
        token_axis("col", style.col_title, across=True)
        if across == "tokens"
        else nominal("col", style.col_title, labelAngle=0)  # numbers: some may give way
    )
    cells = {
        "mark": {"type": "rect"},
        **({"transform": transform} if transform else {}),
        "encoding": {
            "x": x,
            "y": token_axis("row", style.row_title),
            "color": color,
            "tooltip": [
                {"field": "row", "type": "nominal", "title": style.row_title},
                {"field": "col", "type": "nominal", "title": style.col_title},
                value,
            ],
            **marks,
        },
    }
    spec = {"description": style.description, "height": _height(len(rows)), **FIT_WIDTH}
    if ends is not None:  # signed: a second, invisible layer sets the colour scale's ends
        data = data.append_column("bound", first_only(ends, len(data)))
        spec["layer"] = [ends_layer("signed", style.value_title), cells]
    else:
        spec.update(cells)
    if style.select:  # clickable: SVG marks with ARIA labels (what a click and a reader find)
        spec["params"] = [
            {
                "name": style.select,
                "select": {"type": "point", "fields": ["row"], "on": "click", "clear": False},
            }
        ]
    else:
        spec.update(FAST)
    return Chart(spec, data, ends)


def _height(n_rows: int) -> int:
    """The height of a heatmap's (or picture's) rows in pixels, from their number alone: CELL
    a row up to MAX_ROWS, SMALL_CELL up to MAX_LABELLED, then no taller than that."""
    if n_rows <= MAX_ROWS:
        return CELL * n_rows
    return SMALL_CELL * min(n_rows, MAX_LABELLED)


def _quote(text: str) -> str:
    """A string literal for a Vega expression."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def picture(
    url: str, shape: tuple[int, int], rows: list[str], style: HeatmapOptions, ends: float | None
) -> Chart:
    """A large matrix as one picture (a PNG, one pixel per cell, enlarged without smoothing)
    with every row labelled, the columns numbered and the colour legend: one image instead of
    thousands of marks, and the same height as a heatmap of as many rows."""
    n_rows, n_cols = shape
    data = pa.table(
        {
            "row": label_column(np.arange(n_rows), rows),
            "url": pa.array([url] + [None] * (n_rows - 1), pa.string()),
            "left": first_only(0.0, n_rows),
            "right": first_only(float(n_cols), n_rows),
            "bound": first_only(ends if ends is not None else 1.0, n_rows),
        }
    )
    image_layer = {
        "transform": [{"filter": "isValid(datum.url)"}],
        "mark": {
            "type": "image",
            "aspect": False,
            "smooth": False,  # every cell a crisp block, however large it is drawn
        },
        "encoding": {
            "url": {"field": "url", "type": "nominal"},
            "y": {"value": 0},
            "y2": {"value": "height"},
            "x": {
                "field": "left",
                "type": "quantitative",
                "title": style.col_title,
                "scale": {"nice": False, "zero": True},
                "axis": {"format": "d", "tickMinStep": 1},
            },
            "x2": {"field": "right"},
        },
    }
    y = token_axis("row", style.row_title)
    if n_rows > MAX_LABELLED:  # e.g. a trained model's whole vocabulary: labels may thin out
        y["axis"]["labelOverlap"] = "greedy"
    rows_layer = {  # one invisible band per row: the row axis, and the row's label on hover
        "mark": {"type": "rect", "opacity": 0},
        "encoding": {
            "y": y,
            "tooltip": [{"field": "row", "type": "nominal", "title": style.row_title}],
        },
    }
    spec = {
        "description": style.description,
        "height": _height(n_rows),
        **FIT_WIDTH,
        "layer": [ends_layer(style.kind, style.value_title), image_layer, rows_layer],
        **FAST,
    }
    return Chart(spec, data, ends)
