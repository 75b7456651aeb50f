"""Chart builders: pure functions (arrays, tokens) -> Chart, a Vega-Lite spec and its table.

Looking for Altair? The specs here are plain Vega-Lite dictionaries, the grammar Altair writes,
built by hand on purpose: on the rerun path a heatmap costs ~0.4 ms this way against ~5 ms
through Altair (measured), every slider move. tests/test_charts.py checks every builder's output
with Altair's public `alt.Chart.from_dict` instead, once, in the tests.

Attention weights use a fixed 0–1 sequential scale (viridis); signed values a diverging scale
centred on 0, negative blue and positive orange (bars included). Both are safe for colour-blind
readers. Token axes are labelled "i·token" and kept in sentence order, so a repeated word keeps
its own row, and every token keeps its label (Vega would drop labels that touch; a long one is
cut with "…" instead). A signed legend writes the numbers at its ends, read from the data: the
spec stays the same while a slider moves, only the data changes.
"""

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from ui import image

WEIGHTS_SCHEME = "viridis"
SIGNED_SCHEME = "blueorange"
MASKED_COLOR = "#d9d9d9"
POSITIVE_COLOR = image.BLUE_ORANGE[-3]  # bars: positive orange, negative blue, as the heatmaps
NEGATIVE_COLOR = image.BLUE_ORANGE[1]
MARK_COLOR = "#d62728"  # the outline of a chosen row
CELL = 20  # pixels per heatmap row: a label at LABEL_FONT fits, Hangul included
SMALL_CELL = 14  # pixels per row of a picture taller than MAX_ROWS (positions past a sentence)
MAX_LABELLED = 64  # rows of a picture that all keep a label (a larger vocabulary may thin out)
LABEL_FONT = 11
LABEL_LIMIT = 110  # pixels of a row label; a longer token is cut with "…", never dropped
COLUMN_LIMIT = 80  # pixels of a rotated column label
# A chart fits the page's width, and its rows get their height: the height in a spec is the
# rows' (CELL · rows), the axes and the legend come on top of it (autosize "fit-x"; Streamlit's
# default, "fit", would squeeze the rows to leave room for them). Row counts alone fix a height.
FIT_WIDTH = {"autosize": {"type": "fit-x", "contains": "padding"}}
MAX_GRID_CELLS = 2048  # a head grid with more cells is drawn as a picture (see show.head_grid)
MAX_COLS = 64  # wider matrices are drawn as a labelled picture, hover values for the first columns
MAX_ROWS = 32  # ... and so are taller ones: 32 tokens (the most a sentence has) stay a chart
MAX_CELLS = 24 * 64  # ... and larger ones (e.g. 32 × 64): every mark costs the browser time on a
# slider move, a labelled picture redraws many times faster (the largest chart of cells is as
# large as it was when pictures came in for speed; 32 × 32 tokens stay hoverable cells)
HOVER_COLS = 16  # ... the first HOVER_COLS of them: a handful teaches hovering as well as 64
# The legend of a signed scale writes its two ends and 0: the domain comes from the data.
ENDS = "[extent(domain('color'))[0], 0, extent(domain('color'))[1]]"
# How the browser draws a chart that is only looked at: on a canvas (thousands of SVG nodes
# redraw slowly) and without an ARIA description per mark (one per cell is noise to a screen
# reader, and each costs an expression evaluated per datum). Clickable charts keep SVG and ARIA.
FAST = {"usermeta": {"embedOptions": {"renderer": "canvas"}}, "config": {"mark": {"aria": False}}}


@dataclass(frozen=True)
class Chart:
    """A Vega-Lite spec without data, and the table it draws (shipped apart, as Arrow)."""

    spec: dict
    data: pa.Table
    ends: float | None = None  # a signed heatmap: the |value| at the colour scale's ends


@dataclass(frozen=True)
class HeatmapOptions:
    """How a heatmap is drawn: one object for charts.heatmap and ui.matrices.matrix alike."""

    kind: str = "signed"  # "weights" (0–1) or "signed" (±, centred on 0)
    row_title: str = ""
    col_title: str = ""
    value_title: str = ""
    select: str | None = None  # the click selection's name: SVG marks with ARIA labels
    picture: bool = False  # draw as a picture whatever its size
    masked_label: str = "masked (−∞)"
    marked_row: int | None = None  # a row drawn with a dark outline (the chosen query)
    bound: float | None = None  # signed: the colour scale's ends, shared by compared matrices
    description: str = ""  # the chart in words, for a screen reader (Vega-Lite `description`)


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


def token_labels(tokens) -> list[str]:
    """Unique, ordered axis labels: '0·The', '1·cat', ... ."""
    return [f"{i}·{token}" for i, token in enumerate(tokens)]


def position_labels(tokens, n_positions: int) -> list[str]:
    """Row labels for positions: 'i·token' inside the sentence, a bare 'i' after its end.

    A bare number never contains '·', so it cannot collide with a token label.
    """
    labels = token_labels(tokens)[:n_positions]
    return labels + [str(i) for i in range(len(labels), n_positions)]


def shared_bound(*arrays: np.ndarray) -> float:
    """One colour scale for matrices a lesson compares: the largest finite |value| of them all."""
    return max(image.to_unit_bound(np.asarray(a), "signed") for a in arrays)


def _labels(codes: np.ndarray, labels: list[str]) -> pa.DictionaryArray:
    """A column of labels as small integer codes plus each label once (Arrow's dictionary)."""
    return pa.DictionaryArray.from_arrays(
        pa.array(codes.astype(np.int32)), pa.array([str(label) for label in labels], pa.string())
    )


def _first_only(value: float, n: int) -> pa.Array:
    """A column that holds `value` in its first row and nothing (null) below: a number the
    chart needs once (the colour scale's end), sent as data so the spec stays the same."""
    return pa.array([value] + [None] * (n - 1), pa.float32())


def _axis_table(values: np.ndarray, rows: list[str], cols: list[str]) -> pa.Table:
    """Long form, compact: one row per cell; labels dictionary-encoded, values as float32."""
    n_rows, n_cols = values.shape
    return pa.table(
        {
            "row": _labels(np.repeat(np.arange(n_rows), n_cols), rows),
            "col": _labels(np.tile(np.arange(n_cols), n_rows), cols),
            "value": pa.array(np.round(values, 4).astype(np.float32).ravel()),
        }
    )


def _nominal(name: str, title: str, **axis) -> dict:
    """A label axis in the order the labels first appear in the data (sentence order). No list
    of labels in the spec: a spec that stays the same lets the browser swap the data of a
    drawn chart instead of building the chart again on every slider move."""
    return {
        "field": name,
        "type": "nominal",
        "sort": None,
        "title": title,
        **({"axis": axis} if axis else {}),
    }


def token_axis(name: str, title: str, *, across: bool = False) -> dict:
    """A nominal axis of tokens where every label stays: Vega drops labels that touch unless
    told not to (labelOverlap false), and a long token is cut with "…" (labelLimit). Across the
    top of a chart the labels stand upright (−90°): the narrowest way to keep them all."""
    axis = {"labelOverlap": False, "labelFontSize": LABEL_FONT, "labelLimit": LABEL_LIMIT}
    if across:  # on a narrow screen the letters shrink with the columns (down to 6 px)
        font = {"expr": f"clamp(bandwidth('x') * 0.85, 6, {LABEL_FONT})"}
        axis.update(labelAngle=-90, labelLimit=COLUMN_LIMIT, labelFontSize=font)
    return _nominal(name, title, **axis)


def _legend(kind: str) -> dict:
    """Above the chart (a narrow screen keeps its width for the cells); a signed scale writes
    its ends and 0 in numbers."""
    legend = {"orient": "top", "direction": "horizontal", "gradientLength": 160}
    if kind == "signed":
        legend.update(values={"expr": ENDS}, format="+.2f")
    return legend


def _color(kind: str, title: str, ends: bool = False) -> dict:
    """Weights on a fixed 0–1 scale; signed values centred on 0, their ends read from the data
    (see _ends_layer, `ends`): both keep the spec the same from rerun to rerun."""
    scale = {"scheme": WEIGHTS_SCHEME, "domain": [0, 1]}
    if kind == "signed":
        scale = {"scheme": SIGNED_SCHEME, "domainMid": 0, "nice": False}
        if ends:  # a scale that never collapses to a point, even before the data has arrived
            scale["domain"] = {"unionWith": [-1e-6, 1e-6]}
    return {
        "field": "value",
        "type": "quantitative",
        "scale": scale,
        "title": title,
        "legend": _legend(kind),
    }


def _ends_layer(kind: str, title: str) -> dict:
    """An invisible layer that gives the colour scale its ends, [−bound, +bound] from the data's
    first row (a weights scale: [0, 1]), and with them the legend. It lies under the others, so
    hovering finds the cells above it."""
    ends = "[-datum.bound, datum.bound]" if kind == "signed" else "[0, 1]"
    return {
        "transform": [
            {"filter": "isValid(datum.bound)"},
            {"calculate": ends, "as": "value"},
            {"flatten": ["value"]},
        ],
        "mark": {"type": "rect", "opacity": 0, "aria": False},  # a rect: the legend a gradient
        "encoding": {"color": _color(kind, title, ends=True)},
    }


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
    color = _color(style.kind, style.value_title)
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
        else _nominal("col", style.col_title, labelAngle=0)  # numbers: some may give way
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
        data = data.append_column("bound", _first_only(ends, len(data)))
        spec["layer"] = [_ends_layer("signed", style.value_title), cells]
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
            "row": _labels(np.arange(n_rows), rows),
            "url": pa.array([url] + [None] * (n_rows - 1), pa.string()),
            "left": _first_only(0.0, n_rows),
            "right": _first_only(float(n_cols), n_rows),
            "bound": _first_only(ends if ends is not None else 1.0, n_rows),
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
        "layer": [_ends_layer(style.kind, style.value_title), image_layer, rows_layer],
        **FAST,
    }
    return Chart(spec, data, ends)


def head_grid(
    weights: np.ndarray,
    labels: list[str],
    heads: list[str],
    *,
    row_title: str,
    col_title: str,
    value_title: str,
    head_title: str,
    columns: int = 4,
    description: str = "",
) -> Chart:
    """Every head's attention weights as small multiples, rows of `columns`, one fixed 0–1 scale.

    weights: (n_heads, seq_q, seq_k); labels: the token labels; heads: one title per head.
    """
    n_heads, n_rows, n_cols = weights.shape
    row_codes = np.repeat(np.arange(n_heads * n_rows), n_cols)  # (n_heads·seq_q·seq_k,)
    data = pa.table(
        {
            "row": _labels(row_codes % n_rows, labels),
            "col": _labels(np.tile(np.arange(n_cols), n_heads * n_rows), labels),
            "value": pa.array(np.round(weights, 4).astype(np.float32).ravel()),
            "head": _labels(row_codes // n_rows, heads),
        }
    )
    cell = min(20, max(4, 180 // max(n_rows, n_cols)))  # pixels per cell: 4 panels fit a laptop
    font = min(10, max(6, cell - 1))
    token = {"labelOverlap": False, "labelFontSize": font}
    spec = {
        "description": description,
        "mark": {"type": "rect"},
        "width": cell * n_cols,
        "height": cell * n_rows,
        "encoding": {
            "x": _nominal("col", col_title, **token, labelAngle=-90, labelLimit=COLUMN_LIMIT),
            "y": _nominal("row", row_title, **token, labelLimit=LABEL_LIMIT),
            "color": {
                "field": "value",
                "type": "quantitative",
                "title": value_title,
                "scale": {"scheme": WEIGHTS_SCHEME, "domain": [0, 1]},
                "legend": {"orient": "top"},
            },
            "facet": {
                "field": "head",
                "type": "nominal",
                "sort": None,
                "title": None,
                "columns": columns,
            },
            "tooltip": [
                {"field": "head", "type": "nominal", "title": head_title},
                {"field": "row", "type": "nominal", "title": row_title},
                {"field": "col", "type": "nominal", "title": col_title},
                {"field": "value", "type": "quantitative", "title": value_title, "format": ".4f"},
            ],
        },
        "resolve": {"scale": {"color": "shared"}},
        # SVG, not canvas: on a screen narrower than the grid the page shrinks the drawing to
        # the column (ui/pictures.STYLE) and hovering still finds the right cell.
        "usermeta": {"embedOptions": {"renderer": "svg"}},
        "config": FAST["config"],
    }
    return Chart(spec, data)


def bars(
    values: np.ndarray,
    labels: list[str],
    *,
    label_title: str,
    value_title: str,
    kind: str = "signed",
    description: str = "",
) -> Chart:
    """One bar per label, down the page in the given order, each with its number written at its
    end (a phone shows no hover box); weights on a fixed 0–1 axis. Lying bars keep every token
    label upright and readable, Hangul included, however narrow the screen."""
    unique = {label: i for i, label in enumerate(dict.fromkeys(labels))}
    data = pa.table(
        {
            "label": _labels(np.array([unique[label] for label in labels]), list(unique)),
            "value": pa.array(np.round(values, 4).astype(np.float32)),
        }
    )
    x = {"field": "value", "type": "quantitative", "title": value_title}
    if kind == "weights":
        x["scale"] = {"domain": [0, 1]}
    negative = "datum.value < 0"
    spec = {
        "description": description,
        "height": CELL * len(unique),
        **FIT_WIDTH,
        "encoding": {
            "y": token_axis("label", label_title),
            "x": x,
            "tooltip": [
                {"field": "label", "type": "nominal", "title": label_title},
                {"field": "value", "type": "quantitative", "title": value_title, "format": ".4f"},
            ],
        },
        "layer": [
            {
                "mark": {"type": "bar"},
                "encoding": {
                    "color": {
                        "condition": {"test": "datum.value >= 0", "value": POSITIVE_COLOR},
                        "value": NEGATIVE_COLOR,
                    }
                },
            },
            {
                "mark": {
                    "type": "text",
                    "fontSize": LABEL_FONT,
                    "align": {"expr": f"{negative} ? 'right' : 'left'"},
                    "dx": {"expr": f"{negative} ? -3 : 3"},
                },
                "encoding": {"text": {"field": "value", "type": "quantitative", "format": ".2f"}},
            },
        ],
    }
    return Chart({**spec, **FAST}, data)


def paired_bars(
    series: dict[str, np.ndarray],
    labels: list[str],
    *,
    label_title: str,
    value_title: str,
    series_title: str,
    description: str = "",
) -> Chart:
    """Two weights per label side by side (e.g. softmax with and without ÷ √d_k), each with
    its number: the first series filled, the second only outlined, so they differ without
    colour too; both named in the legend. Weights on a fixed 0–1 axis."""
    names = list(series)
    n = len(labels)
    values = np.concatenate([np.asarray(series[name], dtype=float) for name in names])
    data = pa.table(
        {
            "label": _labels(np.tile(np.arange(n), len(names)), labels),
            "series": _labels(np.repeat(np.arange(len(names)), n), names),
            "value": pa.array(np.round(values, 4).astype(np.float32)),
        }
    )
    by_series = {"field": "series", "type": "nominal", "sort": None, "title": series_title}
    legend = {"orient": "top", "direction": "vertical", "labelLimit": 360}
    spec = {
        "description": description,
        "height": (CELL + 10) * n,  # a band per label, its bars a little thinner than a row
        **FIT_WIDTH,
        "encoding": {
            "y": token_axis("label", label_title),
            "yOffset": by_series,
            "x": {
                "field": "value",
                "type": "quantitative",
                "title": value_title,
                "scale": {"domain": [0, 1]},
            },
            "tooltip": [
                {"field": "label", "type": "nominal", "title": label_title},
                {"field": "series", "type": "nominal", "title": series_title},
                {"field": "value", "type": "quantitative", "title": value_title, "format": ".4f"},
            ],
        },
        "layer": [
            {
                "mark": {"type": "bar", "stroke": POSITIVE_COLOR, "strokeWidth": 1.5},
                "encoding": {
                    "fill": {
                        **by_series,
                        "scale": {"range": [POSITIVE_COLOR, "#ffffff"]},
                        "legend": legend,
                    }
                },
            },
            {
                "mark": {"type": "text", "align": "left", "dx": 3, "fontSize": LABEL_FONT},
                "encoding": {"text": {"field": "value", "type": "quantitative", "format": ".2f"}},
            },
        ],
    }
    return Chart({**spec, **FAST}, data)


# Each line also has its own point shape and dash: colour never tells the lines apart alone.
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [1, 3]]


def lines(
    x,
    series: dict[str, np.ndarray],
    *,
    x_title: str,
    y_title: str,
    series_title: str,
    log2_x: bool = False,
    description: str = "",
) -> Chart:
    """Several curves over the same x, each with its own colour (colour-blind-safe palette),
    point shape and dash, named in the legend below.

    log2_x puts x on a base-2 log axis with a tick at every x (e.g. d_k = 4 … 512).
    """
    x = np.asarray(x, dtype=float)
    names = list(series)
    y = np.concatenate([np.asarray(series[n], dtype=float) for n in names])  # (n_series·len(x),)
    data = pa.table(
        {
            "x": pa.array(np.tile(x, len(names)).astype(np.float32)),
            "y": pa.array(y.astype(np.float32)),
            "series": _labels(np.repeat(np.arange(len(names)), len(x)), names),
        }
    )
    x_enc = {"field": "x", "type": "quantitative", "title": x_title}
    if log2_x:
        x_enc["scale"] = {"type": "log", "base": 2}
        x_enc["axis"] = {"values": [float(v) for v in x], "format": "d"}
    legend = {"orient": "bottom", "direction": "vertical", "labelLimit": 360, "symbolSize": 120}

    def by_series(values: list) -> dict:
        return {
            "field": "series",
            "type": "nominal",
            "title": series_title,
            "sort": None,
            "scale": {"range": values},
            "legend": legend,
        }

    spec = {
        "description": description,
        "mark": {"type": "line", "point": {"size": 60, "filled": True}},
        "height": 220,  # the plot's own: the legend below comes on top of it
        **FIT_WIDTH,
        "encoding": {
            "x": x_enc,
            "y": {"field": "y", "type": "quantitative", "title": y_title},
            "color": {**by_series([]), "scale": {"scheme": "tableau10"}},
            "shape": by_series(SHAPES),
            "strokeDash": by_series(DASHES),
            "tooltip": [
                {"field": "series", "type": "nominal", "title": series_title},
                {"field": "x", "type": "quantitative", "title": x_title},
                {"field": "y", "type": "quantitative", "title": y_title, "format": ".4f"},
            ],
        },
    }
    return Chart({**spec, **FAST}, data)


def lines_log2(
    x,
    series: dict[str, np.ndarray],
    *,
    x_title: str,
    y_title: str,
    series_title: str,
    description: str = "",
) -> Chart:
    """`lines` with x on a base-2 log axis, ticks at the given x values."""
    return lines(
        x,
        series,
        x_title=x_title,
        y_title=y_title,
        series_title=series_title,
        log2_x=True,
        description=description,
    )


def scatter(
    points: np.ndarray, labels: list[str], *, x_title: str, y_title: str, description: str = ""
) -> Chart:
    """Labelled points in 2-D (e.g. a PCA projection of token vectors)."""
    data = pa.table(
        {
            "x": pa.array(points[:, 0].astype(np.float32)),
            "y": pa.array(points[:, 1].astype(np.float32)),
            "label": pa.array([str(label) for label in labels], pa.string()),
        }
    )
    encoding = {
        "x": {"field": "x", "type": "quantitative", "title": x_title},
        "y": {"field": "y", "type": "quantitative", "title": y_title},
        "tooltip": [
            {"field": "label", "type": "nominal"},
            {"field": "x", "type": "quantitative", "format": ".3f"},
            {"field": "y", "type": "quantitative", "format": ".3f"},
        ],
    }
    spec = {
        "description": description,
        "height": 320,
        "encoding": encoding,
        "layer": [
            {"mark": {"type": "circle", "size": 90}},
            {
                "mark": {"type": "text", "dx": 8, "align": "left", "fontSize": LABEL_FONT},
                "encoding": {"text": {"field": "label", "type": "nominal"}},
            },
        ],
    }
    return Chart({**spec, **FAST}, data)
