"""Small drawing helpers shared by pages: a matrix with its shape, a formula, prose, a table."""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from ui.code import code_that_ran  # noqa: F401  (pages call show.code_that_ran)
from ui.i18n import prose, t


def shape_text(name: str, array: np.ndarray, dims: str) -> str:
    """'W_Q: (d_model, d_model) = (64, 64)' — the paper's letters and the numbers."""
    numbers = " × ".join(str(n) for n in array.shape)
    return f"{name} : ({dims}) = ({numbers})"


def altair(figure: alt.TopLevelMixin, **kwargs):
    """Draw an Altair chart, fast: its data ships once as Arrow, and its spec is not validated
    against the Vega-Lite schema on every rerun (that check costs ~10 ms a chart; the chart
    builders are validated once by the tests instead)."""
    data = figure.data if isinstance(figure.data, pd.DataFrame) else None
    if data is not None:
        figure = figure.copy(deep=False)
        figure.data = alt.Undefined
    spec = figure.to_dict(validate=False)
    if data is not None:  # the data goes next to the spec, not inside it
        spec.pop("data", None)
        spec.pop("datasets", None)
    kwargs.setdefault("width", "stretch")
    return st.vega_lite_chart(data, spec, **kwargs)


def chart(figure: alt.TopLevelMixin, name: str, array: np.ndarray, dims: str, **kwargs):
    """Draw a chart with its shape written above it."""
    st.markdown(f"**{name}** &nbsp; `({dims})` = `{' × '.join(str(n) for n in array.shape)}`")
    return altair(figure, **kwargs)


def section(page: str, name: str) -> None:
    """A Markdown section of the page's prose (our own text, never the learner's)."""
    st.markdown(prose(page, name))


def formula(latex: str) -> None:
    st.latex(latex)


def tokens_table(tokens, ids=None) -> None:
    """The learner's tokens as a wide table, one column per position.

    A dataframe shows text as text: the learner's input never passes through Markdown or HTML.
    """
    rows = {t("common.token"): list(tokens)}
    if ids is not None:
        rows["id"] = [str(int(i)) for i in ids]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=[str(i) for i in range(len(tokens))])
    st.dataframe(table, width="stretch")
