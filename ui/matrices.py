"""Matrices on a page: a named heatmap with its shape, a picture for a large one, a head grid."""

import hashlib
import re

import numpy as np
import streamlit as st

from ui import chart_grid, chart_heatmap, charts, downloads, pictures, tables
from ui.i18n import t
from ui.text import size_text

GRID_COLUMNS = 4  # heads per row in the multi-head page's grid


def vega(figure: charts.Chart, **kwargs):
    """Draw a chart: its table ships as Arrow next to its Vega-Lite spec, which always carries a
    description in the learner's language (what a screen reader says for it)."""
    kwargs.setdefault("width", "stretch")
    spec = figure.spec
    if not spec.get("description"):
        spec = {**spec, "description": describe(spec)}
    return st.vega_lite_chart(figure.data, spec, **kwargs)


def _title(encodings: list[dict], channel: str) -> str:
    """The first title a channel has in any layer."""
    found = (e.get(channel, {}).get("title") for e in encodings)
    return str(next((title for title in found if title), ""))


def describe(spec: dict) -> str:
    """A chart in words, from its own titles: what it is, what runs down and across, what its
    colour (or length) means. No numbers that change with a slider, so the spec stays the same."""
    layers = spec.get("layer") or [spec]
    encodings = [spec.get("encoding", {})] + [layer.get("encoding", {}) for layer in layers]
    marks = [layer.get("mark", {}).get("type") for layer in layers]
    # the layer that shows the data (a heatmap's first, invisible layer only sets its ends)
    mark = next((m for m in ("image", "bar", "line", "rect") if m in marks), "point")
    titles = {c: _title(encodings, c) for c in ("x", "y", "color", "shape")}
    if any("facet" in encoding for encoding in encodings):
        return t("charts.describe_grid", rows=titles["y"], cols=titles["x"], value=titles["color"])
    if mark == "image":
        return t(
            "charts.describe_picture", rows=titles["y"], cols=titles["x"], value=titles["color"]
        )
    if mark == "rect":
        return t(
            "charts.describe_heatmap", rows=titles["y"], cols=titles["x"], value=titles["color"]
        )
    if mark == "bar":
        return t("charts.describe_bars", label=titles["y"], value=titles["x"])
    if mark == "line":
        return t("charts.describe_lines", y=titles["y"], x=titles["x"], series=titles["shape"])
    return t("charts.describe_scatter", x=titles["x"], y=titles["y"])


def options(**chosen) -> charts.HeatmapOptions:
    """Heatmap options with the titles and labels in the learner's language, unless given."""
    defaults = {
        "row_title": t("common.token"),
        "col_title": t("common.dimension"),
        "value_title": t("common.value"),
        "masked_label": t("common.masked"),
    }
    return charts.HeatmapOptions(**{**defaults, **{k: v for k, v in chosen.items() if v}})


def wide(matrix: chart_heatmap.WideMatrix, name: str, **kwargs):
    """A large matrix: all of it as a labelled picture (one image, not thousands of marks, to
    redraw on a slider move); its values on hover (all, or the first columns of a wide one) in
    a box that is drawn only while it is open."""
    rows, cols = matrix.values.shape
    url = pictures.matrix_picture(matrix.values, matrix.kind, matrix.ends)
    vega(matrix.picture(url))
    hover = "every" if matrix.shown == cols else "first"
    label = t(f"charts.hover_{hover}", name=name, rows=rows, cols=cols, shown=matrix.shown)
    key = hover_key(name)
    box = st.expander(label, key=key, on_change="rerun")
    if box.open:
        with box:
            return vega(matrix.part(), **kwargs)
    return None


def numbers_box(name: str, values: np.ndarray, rows: list[str], cols: list[str]) -> None:
    """A labelled heatmap's numbers as a table, in a box drawn only while open. It takes the
    place the hover box takes under a picture (same key), so the page below does not move when
    a slider turns one into the other, and an open box stays open."""
    label = t("charts.numbers", name=name, rows=len(rows), cols=len(cols))
    box = st.expander(label, key=hover_key(name), on_change="rerun")
    if box.open:
        with box:
            tables.table(tables.number_table(values, rows, max_cols=len(cols), cols=cols))


def grid_figure(weights: np.ndarray, labels: list[str], heads: list[str]) -> charts.Chart:
    """Every head's weights as small multiples, titled in the learner's language."""
    return chart_grid.head_grid(
        weights,
        labels,
        heads,
        row_title=t("common.query_token"),
        col_title=t("common.key_token"),
        value_title=t("common.weight"),
        head_title=t("multihead.head"),
        columns=GRID_COLUMNS,
    )


def head_grid(name: str, weights: np.ndarray, labels: list[str], heads: list[str]):
    """Every head's weights side by side on one 0–1 scale: hoverable small multiples, or, past
    MAX_GRID_CELLS cells, one picture of all heads (thousands of marks redraw too slowly)."""
    n_heads = len(weights)
    if weights.size <= chart_grid.MAX_GRID_CELLS:
        figure = grid_figure(weights, labels, heads)
        shown = chart(figure, name, weights, "n_heads, seq_len, seq_len")
        downloads.grid_csv_button(name, weights, labels, heads)
        return shown
    _header(name, weights, "n_heads, seq_len, seq_len")
    # One picture for all heads: each element costs the browser a redraw on every rerun.
    caption = t(
        "charts.grid_caption",
        heads=n_heads,
        cells=weights.size,
        columns=GRID_COLUMNS,
        last=n_heads - 1,
    )
    url = pictures.grid_picture(weights, GRID_COLUMNS)
    alt = t("charts.grid_alt", heads=n_heads, rows=weights.shape[1])
    st.image(url, caption=caption, width="stretch", alt=alt)
    downloads.grid_csv_button(name, weights, labels, heads)


def _header(
    name: str, array: np.ndarray, dims: str, ends: float | None = None, shared: bool = False
) -> None:
    """The matrix's name and its shape, in the paper's letters and in numbers; for a signed
    heatmap also the numbers at its colour scale's ends (and whether compared matrices share
    that scale)."""
    line = f"**{name}** &nbsp; `({dims})` = `{size_text(array)}`"
    if ends is not None:
        scale = "charts.scale_shared" if shared else "charts.scale_signed"
        line += " &nbsp; · &nbsp; " + t(scale, bound=ends)
    st.markdown(line)


def chart(
    figure: charts.Chart | chart_heatmap.WideMatrix,
    name: str,
    array: np.ndarray,
    dims: str,
    *,
    shared: bool = False,
    **kwargs,
):
    """Draw a chart with its shape written above it (our own labels, never the learner's)."""
    _header(name, array, dims, figure.ends, shared)
    if isinstance(figure, chart_heatmap.WideMatrix):
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
    otherwise (`style`, or any HeatmapOptions field by name, e.g. `bound` for a colour scale
    shared with the matrices it is compared with); masked (−∞) cells grey. Large ones (or any,
    with picture=True) as a labelled picture with hover values in a box (see
    chart_heatmap.heatmap)."""
    cols = cols if cols is not None else [str(d) for d in range(values.shape[1])]
    style = style or options(**chosen)
    figure = chart_heatmap.heatmap(values, rows, cols, style)
    clicks = {"on_select": on_select, "key": key} if on_select else {}
    shown = chart(figure, name, values, dims, shared=style.bound is not None, **clicks)
    if not isinstance(figure, chart_heatmap.WideMatrix):  # a picture has its own box (wide)
        numbers_box(name, values, rows, cols)
    downloads.csv_button(name, values, rows, cols, style.row_title)  # built only when clicked
    return shown


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


def hover_key(name: str) -> str:
    """A hover box's key, from its matrix's name without the numbers in it (a head, √d_k), so a
    slider move or another head keeps an open box open."""
    stable = re.sub(r"\d+", "#", name)
    return "hover_" + hashlib.blake2b(stable.encode(), digest_size=4).hexdigest()
