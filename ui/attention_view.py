"""Pieces of the attention pages: picking a token or a head, and one query's numbers as a table."""

import numpy as np
import pandas as pd
import streamlit as st

from core.attention import QueryTrace
from ui.i18n import t


def follow_chart_pick(chart_key: str, param: str, labels: list[str], target_key: str):
    """An on_select callback: a click on a heatmap row sets the selectbox `target_key`.

    The selectbox holds the choice; a click writes into it, so the last action wins.
    """

    def callback() -> None:
        picked = st.session_state[chart_key]["selection"].get(param) or []
        row = picked[0].get("row") if picked else None
        if row in labels:
            st.session_state[target_key] = labels.index(row)

    return callback


def pick_index(label: str, key: str, labels: list[str], help: str | None = None) -> int:
    """A selectbox over positions 0 … n−1 shown by their labels; returns the position."""
    return st.selectbox(label, range(len(labels)), key=key, help=help,
                        format_func=labels.__getitem__)


def query_table(row: QueryTrace, labels: list[str], sqrt_d_k: str) -> None:
    """Key by key: q·k_j, ÷ √d_k (or "masked"), and the weight, rounded to 4 decimals."""
    masked = t("attention.masked")
    scores = [masked if np.isneginf(s) else f"{s:.4f}" for s in row.scores]
    st.dataframe(pd.DataFrame({
        t("common.key_token"): labels,
        "q·k_j": np.round(row.dot_products, 4),
        f"q·k_j ÷ {sqrt_d_k}": scores,
        t("common.weight"): np.round(row.weights, 4),
    }), hide_index=True, width="stretch")


def with_sum_row(row: QueryTrace, labels: list[str]) -> tuple[np.ndarray, list[str]]:
    """The contributions w_j·v_j with their sum as a last row, and the row labels to match."""
    values = np.vstack([row.contributions, row.output[None, :]])  # (seq_k + 1, d_v)
    return values, [*labels, t("attention.sum_row")]
