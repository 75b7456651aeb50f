"""Chart builders: pure functions (arrays, tokens) -> Chart, a Vega-Lite spec and its table.

This module holds what every builder shares: Chart, HeatmapOptions, token labels, the axes and
the colour scales. The builders live beside it, one module per kind of chart:

chart_heatmap   a matrix as coloured cells, or as a labelled picture when it is large
chart_grid      every head's attention weights as small multiples (the multi-head page)
chart_bars      one number per label: bars, and two series side by side (paired bars)
chart_plots     numbers against numbers: lines, and labelled points (scatter)

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
POSITIVE_COLOR = image.BLUE_ORANGE[-3]  # bars: positive orange, negative blue, as the heatmaps
NEGATIVE_COLOR = image.BLUE_ORANGE[1]
CELL = 20  # pixels per heatmap row: a label at LABEL_FONT fits, Hangul included
LABEL_FONT = 11
LABEL_LIMIT = 110  # pixels of a row label; a longer token is cut with "…", never dropped
COLUMN_LIMIT = 80  # pixels of a rotated column label
# A chart fits the page's width, and its rows get their height: the height in a spec is the
# rows' (CELL · rows), the axes and the legend come on top of it (autosize "fit-x"; Streamlit's
# default, "fit", would squeeze the rows to leave room for them). Row counts alone fix a height.
FIT_WIDTH = {"autosize": {"type": "fit-x", "contains": "padding"}}
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
    """How a heatmap is drawn: one object for chart_heatmap.heatmap and ui.matrices.matrix."""

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


def label_column(codes: np.ndarray, labels: list[str]) -> pa.DictionaryArray:
    """A column of labels as small integer codes plus each label once (Arrow's dictionary)."""
    return pa.DictionaryArray.from_arrays(
        pa.array(codes.astype(np.int32)), pa.array([str(label) for label in labels], pa.string())
    )


def first_only(value: float, n: int) -> pa.Array:
    """A column that holds `value` in its first row and nothing (null) below: a number the
    chart needs once (the colour scale's end), sent as data so the spec stays the same."""
    return pa.array([value] + [None] * (n - 1), pa.float32())


def nominal(name: str, title: str, **axis) -> dict:
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
    return nominal(name, title, **axis)


def _legend(kind: str) -> dict:
    """Above the chart (a narrow screen keeps its width for the cells); a signed scale writes
    its ends and 0 in numbers."""
    legend = {"orient": "top", "direction": "horizontal", "gradientLength": 160}
    if kind == "signed":
        legend.update(values={"expr": ENDS}, format="+.2f")
    return legend


def color_encoding(kind: str, title: str, ends: bool = False) -> dict:
    """Weights on a fixed 0–1 scale; signed values centred on 0, their ends read from the data
    (see ends_layer, `ends`): both keep the spec the same from rerun to rerun."""
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


def ends_layer(kind: str, title: str) -> dict:
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
        "encoding": {"color": color_encoding(kind, title, ends=True)},
    }
