"""Chart builders: pure functions (arrays, tokens) -> Chart, a Vega-Lite spec and its table.

Looking for Altair? The specs here are plain Vega-Lite dictionaries, the grammar Altair writes,
built by hand on purpose: on the rerun path a heatmap costs ~0.4 ms this way against ~5 ms
through Altair (measured), every slider move. tests/test_charts.py checks every builder's output
with Altair's public `alt.Chart.from_dict` instead, once, in the tests.

Attention weights use a fixed 0–1 sequential scale (viridis); signed values a diverging scale
centred on 0, negative blue and positive orange (bars included). Both are safe for colour-blind
readers. Token axes are labelled "i·token" and kept in sentence order, so a repeated word keeps
its own row.
"""

import json
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
CELL = 20  # pixels per heatmap row
AXIS_ROOM = 110  # pixels for the rotated column labels and the axis titles
MAX_GRID_CELLS = 2048  # a head grid with more cells is drawn as a picture (see show.head_grid)
MAX_COLS = 64  # wider matrices are drawn as a picture, with hover values for the first columns
MAX_ROWS = 24  # ... and so are taller ones (e.g. 32 × 32 tokens): their labels crowd the axis,
# every mark costs the browser time on each slider move, and a picture redraws many times faster
HOVER_COLS = 16  # ... the first HOVER_COLS of them: a handful teaches hovering as well as 64
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

    kind: str = "signed"  # "weights" (0–1) or "signed" (±, coloured by tone)
    row_title: str = ""
    col_title: str = ""
    value_title: str = ""
    select: str | None = None  # the click selection's name: SVG marks with ARIA labels
    picture: bool = False  # draw as a picture whatever its size
    masked_label: str = "masked (−∞)"
    ends_labels: tuple[str, str] = ("−max", "+max")  # the legend's ends of a signed scale
    marked_row: int | None = None  # a row drawn with a dark outline (the chosen query)


@dataclass(frozen=True)
class WideMatrix:
    """A matrix too large to draw cell by cell: a picture of all of it, plus a hoverable part
    built only when asked for (the page shows it in a box, drawn only while open)."""

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


def token_labels(tokens) -> list[str]:
    """Unique, ordered axis labels: '0·The', '1·cat', ... ."""
    return [f"{i}·{token}" for i, token in enumerate(tokens)]


def position_labels(tokens, n_positions: int) -> list[str]:
    """Row labels for positions: 'i·token' inside the sentence, a bare 'i' after its end.

    A bare number never contains '·', so it cannot collide with a token label.
    """
    labels = token_labels(tokens)[:n_positions]
    return labels + [str(i) for i in range(len(labels), n_positions)]


def _labels(codes: np.ndarray, labels: list[str]) -> pa.DictionaryArray:
    """A column of labels as small integer codes plus each label once (Arrow's dictionary)."""
    return pa.DictionaryArray.from_arrays(
        pa.array(codes.astype(np.int32)), pa.array([str(label) for label in labels], pa.string())
    )


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


def _scale(kind: str) -> dict:
    """Weights on a fixed 0–1 scale; signed values as tones in [−1, 1] (value ÷ the matrix's
    largest |value|), centred on 0. Fixed domains keep the spec the same from rerun to rerun."""
    if kind == "weights":
        return {"scheme": WEIGHTS_SCHEME, "domain": [0, 1]}
    return {"scheme": SIGNED_SCHEME, "domain": [-1, 1], "domainMid": 0}


def heatmap(
    values: np.ndarray, rows: list[str], cols: list[str], options: HeatmapOptions
) -> Chart | WideMatrix:
    """A matrix as coloured cells with hover values (kind "weights": 0–1, "signed": ±).

    Masked entries (-inf) are drawn grey and read `masked_label` on hover, never as a number.
    Signed values are coloured by their tone (value ÷ largest |value|, the Chart's `ends`); the
    legend's ends read `ends_labels` and the page writes the number (see ui.matrices.chart).
    A matrix wider than MAX_COLS or taller than MAX_ROWS, or any matrix when `picture` is set,
    comes back as a WideMatrix (a picture and a hoverable part): thousands of marks redraw too
    slowly on a slider move.
    """
    # the whole matrix's ends, for its picture and its hoverable part alike
    ends = image.to_unit_bound(values, options.kind) if options.kind == "signed" else None
    large = values.shape[1] > MAX_COLS or values.shape[0] > MAX_ROWS
    if not options.select and (options.picture or large):  # a clickable chart keeps its marks
        shown = HOVER_COLS if values.shape[1] > MAX_COLS else values.shape[1]  # all, unless wide
        return WideMatrix(values, shown, list(rows), list(cols), options, ends)
    return _cells(values, rows, cols, options, ends)


def _cells(
    values: np.ndarray, rows: list[str], cols: list[str], style: HeatmapOptions, ends: float | None
) -> Chart:
    """The heatmap itself: one rect per cell."""
    masked = np.isneginf(values)
    finite = np.where(masked, 0.0, values)
    data = _axis_table(finite, rows, cols)
    color = {
        "field": "value",
        "type": "quantitative",
        "scale": _scale(style.kind),
        "title": style.value_title,
    }
    if ends is not None:  # signed: the colour follows the tone, the tooltip the value
        tone = np.clip(np.round(finite / ends, 3), -1.0, 1.0).astype(np.float32).ravel()
        data = data.append_column("tone", pa.array(tone))
        low, high = (json.dumps(label) for label in style.ends_labels)
        color["field"] = "tone"
        color["legend"] = {
            "values": [-1, 0, 1],
            "labelExpr": f"datum.value < 0 ? {low} : datum.value > 0 ? {high} : '0'",
        }
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
        shown = f"datum.masked ? {json.dumps(style.masked_label)} : format(datum.value, '.4f')"
        transform = [{"calculate": shown, "as": "shown"}]
        value = {"field": "shown", "type": "nominal", "title": style.value_title}
    spec = {
        "mark": {"type": "rect"},
        # Streamlit fits a chart to a fixed height (a step size is ignored): rows + axis room.
        "height": CELL * len(rows) + AXIS_ROOM,
        **({"transform": transform} if transform else {}),
        "encoding": {
            "x": _nominal("col", style.col_title, labelAngle=-45),
            "y": _nominal("row", style.row_title),
            "color": color,
            "tooltip": [
                {"field": "row", "type": "nominal", "title": style.row_title},
                {"field": "col", "type": "nominal", "title": style.col_title},
                value,
            ],
            **marks,
        },
    }
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
    spec = {
        "mark": {"type": "rect"},
        "width": cell * n_cols,
        "height": cell * n_rows,
        "encoding": {
            "x": _nominal("col", col_title, labelAngle=-45, labelFontSize=font),
            "y": _nominal("row", row_title, labelFontSize=font),
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
        **FAST,
    }
    return Chart(spec, data)


def bars(
    values: np.ndarray,
    labels: list[str],
    *,
    label_title: str,
    value_title: str,
    kind: str = "signed",
) -> Chart:
    """One bar per label, in the given order; weights on a fixed 0–1 axis."""
    unique = {label: i for i, label in enumerate(dict.fromkeys(labels))}
    data = pa.table(
        {
            "label": _labels(np.array([unique[label] for label in labels]), list(unique)),
            "value": pa.array(np.round(values, 4).astype(np.float32)),
        }
    )
    y = {"field": "value", "type": "quantitative", "title": value_title}
    if kind == "weights":
        y["scale"] = {"domain": [0, 1]}
    spec = {
        "mark": {"type": "bar"},
        "height": 220,
        "encoding": {
            "x": _nominal("label", label_title, labelAngle=-45),
            "y": y,
            "color": {
                "condition": {"test": "datum.value >= 0", "value": POSITIVE_COLOR},
                "value": NEGATIVE_COLOR,
            },
            "tooltip": [
                {"field": "label", "type": "nominal", "title": label_title},
                {"field": "value", "type": "quantitative", "title": value_title, "format": ".4f"},
            ],
        },
    }
    return Chart({**spec, **FAST}, data)


def lines(
    x,
    series: dict[str, np.ndarray],
    *,
    x_title: str,
    y_title: str,
    series_title: str,
    log2_x: bool = False,
) -> Chart:
    """Several curves over the same x, one colour each (colour-blind-safe palette).

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
    spec = {
        "mark": {"type": "line", "point": True},
        "height": 260,
        "encoding": {
            "x": x_enc,
            "y": {"field": "y", "type": "quantitative", "title": y_title},
            "color": {
                "field": "series",
                "type": "nominal",
                "title": series_title,
                "sort": None,
                "scale": {"scheme": "tableau10"},
            },
            "tooltip": [
                {"field": "series", "type": "nominal", "title": series_title},
                {"field": "x", "type": "quantitative", "title": x_title},
                {"field": "y", "type": "quantitative", "title": y_title, "format": ".4f"},
            ],
        },
    }
    return Chart({**spec, **FAST}, data)


def lines_log2(
    x, series: dict[str, np.ndarray], *, x_title: str, y_title: str, series_title: str
) -> Chart:
    """`lines` with x on a base-2 log axis, ticks at the given x values."""
    return lines(
        x, series, x_title=x_title, y_title=y_title, series_title=series_title, log2_x=True
    )


def scatter(points: np.ndarray, labels: list[str], *, x_title: str, y_title: str) -> Chart:
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
        "height": 320,
        "encoding": encoding,
        "layer": [
            {"mark": {"type": "circle", "size": 90}},
            {
                "mark": {"type": "text", "dx": 8, "align": "left"},
                "encoding": {"text": {"field": "label", "type": "nominal"}},
            },
        ],
    }
    return Chart({**spec, **FAST}, data)
