"""Small drawing helpers shared by pages: a matrix with its shape, a formula, prose, a table."""

import base64
import hashlib
import math

import numpy as np
import pyarrow as pa
import streamlit as st

from ui import charts, image
from ui.code import code_that_ran  # noqa: F401  (pages call show.code_that_ran)
from ui.i18n import prose, t

GRID_COLUMNS = 4  # heads per row in the multi-head page's grid


def size_text(array: np.ndarray) -> str:
    """An array's shape in numbers: '13 × 64'."""
    return " × ".join(str(n) for n in array.shape)


def shape_text(name: str, array: np.ndarray, dims: str) -> str:
    """'W_Q : (d_model, d_model) = (64 × 64)' — the paper's letters and the numbers."""
    return f"{name} : ({dims}) = ({size_text(array)})"


def vega(figure: charts.Chart, **kwargs):
    """Draw a chart: its table ships as Arrow next to its Vega-Lite spec."""
    kwargs.setdefault("width", "stretch")
    return st.vega_lite_chart(figure.data, figure.spec, **kwargs)


def _data_url(pixels: np.ndarray) -> str:
    """A picture as a PNG data URL. Inline, it travels with the rerun's message: a separate
    media file can be deleted by Streamlit before a slow browser fetches it."""
    return "data:image/png;base64," + base64.b64encode(image.png(pixels)).decode("ascii")


# Pictures are drawn with one pixel (or a few) per cell and enlarged by the browser without
# smoothing: a few kB to send and decode per picture instead of a megapixel, cells still crisp.
PIXELATED = "<style>[data-testid='stImage'] img {image-rendering: pixelated;}</style>"


def picture_style() -> None:
    """Once per page: enlarge pictures without blurring their cells (our own CSS, no content)."""
    st.html(PIXELATED)


@st.cache_data(max_entries=64, show_spinner=False)
def _picture(values: np.ndarray, kind: str, square: bool = False) -> str:
    """The matrix as a PNG data URL: square cells, or, for a wide matrix, cells as tall as
    they were when drawn 1024 pixels wide and 8 high, in the fewest pixels."""
    cell_w = cell_h = 1
    if not square:
        cell_w, cell_h = max(1, 1024 // values.shape[1]), 8
        common = math.gcd(cell_w, cell_h)
        cell_w, cell_h = cell_w // common, cell_h // common
    return _data_url(image.matrix_image(values, kind, cell_h=cell_h, cell_w=cell_w))


@st.cache_data(max_entries=16, show_spinner=False)
def _grid_picture(weights: np.ndarray, columns: int) -> str:
    """Every head's (seq_len, seq_len) weights as one picture, `columns` heads per row, one
    pixel per cell and a one-pixel gap."""
    heads = [image.matrix_image(w, "weights", cell_h=1, cell_w=1) for w in weights]
    return _data_url(image.mosaic(heads, columns, gap=1))


def wide(matrix: charts.WideMatrix, name: str, **kwargs):
    """A large matrix: all of it as a picture; its values on hover (all, or the first columns of
    a wide one) in a box that is drawn only while it is open (a chart redraws on every slider
    move, a picture costs far less)."""
    rows, cols = matrix.values.shape
    square = rows == cols  # e.g. position × position: square cells, not stretched to the page
    scale = matrix.style.ends or 1.0  # signed: its largest |value|; weights: 1
    hover = "every" if matrix.shown == cols else "first"
    caption = (
        t(f"common.wide_caption_{matrix.kind}", cols=cols, bound=scale)
        + " "
        + t(f"common.hover_{hover}_caption", shown=matrix.shown)
    )  # the picture's own caption: one element less to redraw than an st.caption
    width = 480 if square else "stretch"
    st.image(_picture(matrix.values, matrix.kind, square), caption=caption, width=width)
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
    st.image(_grid_picture(weights, GRID_COLUMNS), caption=caption, width="stretch")


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
    _header(name, array, dims, figure.ends if isinstance(figure, charts.Chart) else None)
    if isinstance(figure, charts.WideMatrix):
        return wide(figure, name, **kwargs)
    return vega(figure, **kwargs)


def matrix(
    name: str,
    values: np.ndarray,
    dims: str,
    rows: list[str],
    cols=None,
    *,
    kind: str = "signed",
    row_title: str | None = None,
    col_title: str | None = None,
    value_title: str | None = None,
    select: str | None = None,
    picture: bool = False,
    **kwargs,
):
    """A named matrix as a heatmap with its shape: tokens down and dimensions across unless
    told otherwise; masked (−∞) cells grey. Large ones (or any, with `picture`) as a picture
    with hover values in a box (see charts.heatmap)."""
    cols = cols if cols is not None else [str(d) for d in range(values.shape[1])]
    figure = charts.heatmap(
        values,
        rows,
        cols,
        kind=kind,
        select=select,
        picture=picture,
        masked_label=t("common.masked"),
        ends_labels=(t("common.ends_low"), t("common.ends_high")),
        row_title=row_title or t("common.token"),
        col_title=col_title or t("common.dimension"),
        value_title=value_title or t("common.value"),
    )
    return chart(figure, name, values, dims, **kwargs)


def square(
    name: str,
    values: np.ndarray,
    labels: list[str],
    *,
    kind: str = "weights",
    value_title: str | None = None,
    **kwargs,
):
    """A (seq_len, seq_len) matrix: queries down, keys across (weights on the 0–1 scale)."""
    return matrix(
        name,
        values,
        "seq_len, seq_len",
        labels,
        labels,
        kind=kind,
        row_title=t("common.query_token"),
        col_title=t("common.key_token"),
        value_title=value_title or t("common.weight"),
        **kwargs,
    )


def section(page: str, name: str) -> None:
    """A Markdown section of the page's prose (our own text, never the learner's)."""
    st.markdown(prose(page, name))


def formula(latex: str) -> None:
    st.latex(latex)


def table(data: pa.Table) -> None:
    """A table across the page; its first column names the rows (see charts.token_rows)."""
    st.dataframe(data, width="stretch", hide_index=True)


def tokens_table(tokens, ids=None) -> None:
    """The learner's tokens as a wide table, one column per position.

    A dataframe shows text as text: the learner's input never passes through Markdown or HTML.
    """
    rows = {t("common.token"): list(tokens)}
    if ids is not None:
        rows["id"] = [str(int(i)) for i in ids]
    table(charts.token_rows(rows))
