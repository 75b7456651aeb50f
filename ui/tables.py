"""Tables: the learner's tokens and a matrix's numbers, built as Arrow and shown as dataframes.

A dataframe shows text as text: the learner's input never passes through Markdown or HTML.
Arrow is what Streamlit ships; building it directly skips pandas (~3 ms per wide table).
"""

import numpy as np
import pyarrow as pa
import streamlit as st

from ui.i18n import t

ROW_NAMES = ""  # the header of a table's first column, which names its rows


def token_rows(rows: dict[str, list]) -> pa.Table:
    """Several rows of tokens (or numbers) as one wide table: the rows' names, then one column
    per position."""
    width = max((len(row) for row in rows.values()), default=0)
    columns = {ROW_NAMES: list(rows)}
    for i in range(width):
        columns[str(i)] = [str(row[i]) if i < len(row) else "" for row in rows.values()]
    return pa.table(columns)


def number_table(
    values: np.ndarray, rows: list[str], max_cols: int = 16, cols: list[str] | None = None
) -> pa.Table:
    """A matrix as a table: the rows' names, then its columns (the first max_cols; named by
    `cols`, else numbered), rounded to 4 decimals."""
    shown = np.round(values[:, :max_cols].astype(np.float64), 4)  # (rows, ≤ max_cols)
    names = cols if cols is not None else [str(d) for d in range(values.shape[1])]
    columns = {ROW_NAMES: [str(row) for row in rows]}
    for d in range(shown.shape[1]):
        columns[names[d]] = pa.array(shown[:, d])
    return pa.table(columns)


def table(data: pa.Table) -> None:
    """A table across the page; its first column names the rows (see token_rows)."""
    st.dataframe(data, width="stretch", hide_index=True)


def tokens_table(tokens, ids=None) -> None:
    """The learner's tokens as a wide table, one column per position (and their ids)."""
    rows = {t("common.token"): list(tokens)}
    if ids is not None:
        rows["id"] = [str(int(i)) for i in ids]
    table(token_rows(rows))
