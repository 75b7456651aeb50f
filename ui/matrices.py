"""Matrices on a page: a named heatmap with its shape, a picture for a large one, a head grid."""

import hashlib

import numpy as np
import streamlit as st

from ui import charts, pictures
from ui.i18n import t
from ui.text import size_text

GRID_COLUMNS = 4  # heads per row in the multi-head page's grid


def vega(figure: charts.Chart, **kwargs):
    """Draw a chart: its table ships as Arrow next to its Vega-Lite spec."""
    kwargs.setdefault("width", "stretch")
    return st.vega_lite_chart(figure.data, figure.spec, **kwargs)


def options(**chosen) -> charts.HeatmapOptions:
    """Heatmap options with the titles and labels in the learner's language, unless given."""
    defaults = {
        "row_title": t("common.token"),
        "col_title": t("common.dimension"),
        "value_title": t("common.value"),
        "masked_label": t("common.masked"),
        "ends_labels": (t("common.ends_low"), t("common.ends_high")),
    }
    return charts.HeatmapOptions(**{**defaults, **{k: v for k, v in chosen.items() if v}})


def wide(matrix: charts.WideMatrix, name: str, **kwargs):
    """A large matrix: all of it as a picture; its values on hover (all, or the first columns of
    a wide one) in a box that is drawn only while it is open (a chart redraws on every slider
    move, a picture costs far less)."""
    rows, cols = matrix.values.shape
    square = rows == cols  # e.g. position × position: square cells, not stretched to the page
    scale = matrix.ends or 1.0  # signed: its largest |value|; weights: 1
    hover = "every" if matrix.shown == cols else "first"
    caption = (
        t(f"common.wide_caption_{matrix.kind}", cols=cols, bound=scale)
        + " "
        + t(f"common.hover_{hover}_caption", shown=matrix.shown)
    )  # the picture's own caption: one element less to redraw than an st.caption
    width = 480 if square else "stretch"
    url = pictures.matrix_picture(matrix.values, matrix.kind, square)
    st.image(url, caption=caption, width=width)
    label = t(f"common.hover_{hover}_values", name=name, shown=matrix.shown, cols=cols)
    key = "hover_" + hashlib.blake2b(name.encode(), digest_size=4).hexdigest()  # names are unique
    box = st.expander(label, key=key, on_change="rerun")
    if box.open:
        with box:
            return vega(matrix.part(), **kwargs)
    return None


def head_grid(name: str, weights: np.ndarray, labels: list[str], heads: list[str]):
    """Every head's weights side by side on one 0–1 scale: hoverable small multiples, or, past
    MAX_GRID_CELLS cells, one picture of all heads (thousands of marks redraw too slowly)."""
    n_heads = len(weights)
    if weights.size <= charts.MAX_GRID_CELLS:
        figure = charts.head_grid(
            weights,
            labels,
            heads,
            row_title=t("common.query_token"),
            col_title=t("common.key_token"),
            value_title=t("common.weight"),
            head_title=t("multihead.head"),
            columns=GRID_COLUMNS,
        )
        return chart(figure, name, weights, "n_heads, seq_len, seq_len")
    _header(name, weights, "n_heads, seq_len, seq_len")
    # One picture for all heads: each element costs the browser a redraw on every rerun.
    caption = t(
        "multihead.grid_pictures", cells=weights.size, columns=GRID_COLUMNS, last=n_heads - 1
    )
    st.image(pictures.grid_picture(weights, GRID_COLUMNS), caption=caption, width="stretch")


def _header(name: str, array: np.ndarray, dims: str, ends: float | None = None) -> None:
    """The matrix's name and its shape, in the paper's letters and in numbers; for a signed
    heatmap also the value at its colour scale's ends."""
    line = f"**{name}** &nbsp; `({dims})` = `{size_text(array)}`"
    if ends is not None:
        line += " &nbsp; · &nbsp; " + t("common.colour_ends", bound=ends)
    st.markdown(line)


def chart(
    figure: charts.Chart | charts.WideMatrix, name: str, array: np.ndarray, dims: str, **kwargs
):
    """Draw a chart with its shape written above it (our own labels, never the learner's)."""
    _header(name, array, dims, figure.ends)
    if isinstance(figure, charts.WideMatrix):
        return wide(figure, name, **kwargs)
    return vega(figure, **kwargs)


def matrix(
    name: str,
    values: np.ndarray,
    dims: str,
    rows: list[str],
    cols: list[str] | None = None,
    style: charts.HeatmapOptions | None = None,
    *,
    on_select=None,
    key: str | None = None,
    **chosen,
):
    """A named matrix as a heatmap with its shape: tokens down and dimensions across unless told
    otherwise (`style`, or any HeatmapOptions field by name); masked (−∞) cells grey. Large ones
    (or any, with picture=True) as a picture with hover values in a box (see charts.heatmap)."""
    cols = cols if cols is not None else [str(d) for d in range(values.shape[1])]
    figure = charts.heatmap(values, rows, cols, style or options(**chosen))
    clicks = {"on_select": on_select, "key": key} if on_select else {}
    return chart(figure, name, values, dims, **clicks)


def square(name: str, values: np.ndarray, labels: list[str], **chosen):
    """A (seq_len, seq_len) matrix: queries down, keys across (weights on the 0–1 scale)."""
    style = options(
        **{
            "kind": "weights",
            "row_title": t("common.query_token"),
            "col_title": t("common.key_token"),
            "value_title": t("common.weight"),
            **chosen,
        }
    )
    return matrix(name, values, "seq_len, seq_len", labels, labels, style)
