"""Pieces of the attention pages: steps 1–2 as tabs, picking a token or a head, one query's numbers."""

import numpy as np
import pyarrow as pa
import streamlit as st

from core.attention import MultiHeadTrace, QueryTrace
from ui import show
from ui.i18n import t


def chart_key(base: str) -> str:
    """The clickable heatmap's key. It changes each time the selectbox is used, so the chart
    forgets its last click and a second click on that same row counts again."""
    return f"{base}_{st.session_state.get(base + '_round', 0)}"


def _next_round(base: str) -> None:
    st.session_state[base + "_round"] = st.session_state.get(base + "_round", 0) + 1


def follow_chart_pick(chart_base: str, param: str, labels: list[str], target_key: str):
    """An on_select callback: a click on a heatmap row sets the selectbox `target_key`.

    The selectbox holds the choice; a click writes into it, so the last action wins.
    """
    key = chart_key(chart_base)

    def callback() -> None:
        picked = st.session_state[key]["selection"].get(param) or []
        row = picked[0].get("row") if picked else None
        if row in labels:
            st.session_state[target_key] = labels.index(row)

    return callback


def pick_index(
    label: str, key: str, labels: list[str], chart_base: str | None = None, help: str | None = None
) -> int:
    """A selectbox over positions 0 … n−1 shown by their labels; returns the position.

    With `chart_base`, choosing here resets that clickable heatmap (see chart_key).
    """
    return st.selectbox(
        label,
        range(len(labels)),
        key=key,
        help=help,
        format_func=labels.__getitem__,
        on_change=_next_round if chart_base else None,
        args=(chart_base,) if chart_base else None,
    )


def dot_and_scale_tabs(att: MultiHeadTrace, labels: list[str], d_k: int, causal: bool) -> None:
    """Steps 1 and 2 (Q Kᵀ, then ÷ √d_k) of a one-head trace: they differ only by a factor, so
    one tab each, and only the open one is drawn. Fixed tab labels keep the open tab open when
    d_model moves."""
    tab_dot, tab_scale = st.tabs(
        [t("attention.tab_dot"), t("attention.tab_scale")], key="attn_steps", on_change="rerun"
    )
    sqrt_d_k = f"√{d_k}"
    if tab_dot.open:
        with tab_dot:
            st.markdown(t("attention.step_dot"))
            dots = att.dot_products[0]  # (seq_len, seq_len)
            show.square("Q Kᵀ", dots, labels, kind="signed", value_title=t("attention.dot"))
    if tab_scale.open:
        with tab_scale:
            step = "attention.step_scale_masked" if causal else "attention.step_scale"
            st.markdown(t(step, sqrt_d_k=sqrt_d_k, root=d_k**0.5))
            scores = att.scores[0]  # (seq_len, seq_len), −∞ where masked
            name = f"Q Kᵀ / {sqrt_d_k}"
            show.square(name, scores, labels, kind="signed", value_title=t("attention.score"))


def query_table(row: QueryTrace, labels: list[str], sqrt_d_k: str) -> None:
    """Key by key: q·k_j, ÷ √d_k (or "masked"), and the weight, rounded to 4 decimals."""
    masked = t("attention.masked")
    scores = [masked if np.isneginf(s) else f"{s:.4f}" for s in row.scores]
    show.table(
        pa.table(
            {
                t("common.key_token"): labels,
                "q·k_j": np.round(row.dot_products, 4),
                f"q·k_j ÷ {sqrt_d_k}": scores,
                t("common.weight"): np.round(row.weights, 4),
            }
        )
    )


def with_sum_row(row: QueryTrace, labels: list[str]) -> tuple[np.ndarray, list[str]]:
    """The contributions w_j·v_j with their sum as a last row, and the row labels to match."""
    values = np.vstack([row.contributions, row.output[None, :]])  # (seq_k + 1, d_v)
    return values, [*labels, t("attention.sum_row")]
