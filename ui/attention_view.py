"""Pieces of the attention pages: steps 1–2 as tabs, picking a token or a head, one query's
numbers."""

import re

import numpy as np
import pyarrow as pa
import streamlit as st

from core.attention import MultiHeadTrace, QueryTrace
from core.softmax_steps import softmax_steps, unscaled_weights
from ui import chart_bars, charts, links, matrices, tables, text
from ui.i18n import t


def chosen(key: str, labels: list[str]) -> int:
    """The position held under `key` (a label). A label that no longer exists (the sentence
    changed) is replaced, before its box is drawn, by the one at the same position or the last."""
    held = st.session_state.get(key)
    if held is None:
        return links.start_position(key, len(labels))  # a link's position, else 0
    if held not in labels:
        number = re.search(r"\d+", str(held))  # "7·it" -> 7, "head 3" -> 3
        position = int(number.group()) if number else 0
        st.session_state[key] = held = labels[min(position, len(labels) - 1)]
    return labels.index(held)


def pick(label: str, key: str, labels: list[str], help: str | None = None) -> int:
    """A selectbox over labelled positions (tokens, heads); returns the chosen position. Its
    value is the label itself, so it can never show an old sentence's token."""
    i = chosen(key, labels)
    start = {} if key in st.session_state else {"index": i}  # kept on page switches (links.py)
    box = st.selectbox(label, labels, key=key, help=help, persist_state="session", **start)
    return labels.index(box)


class RowPicker:
    """A clickable weights heatmap and a selectbox that agree on one query token: the one key
    `key` holds the choice; a click on a row writes into it; the chosen row is outlined."""

    def __init__(self, key: str, labels: list[str]):
        self.key, self.labels = key, labels
        # The chart's own key changes after each click, so a second click on the same row counts.
        self._round = f"{key}_round"

    def _chart_key(self) -> str:
        return f"{self.key}_chart_{st.session_state.get(self._round, 0)}"

    def _clicked(self) -> None:
        picked = st.session_state[self._chart_key()]["selection"].get("pick") or []
        row = picked[0].get("row") if picked else None
        if row in self.labels:
            st.session_state[self.key] = row
        st.session_state[self._round] = st.session_state.get(self._round, 0) + 1

    def index(self) -> int:
        """The chosen query's position."""
        return chosen(self.key, self.labels)

    def chart(self, name: str, weights: np.ndarray) -> None:
        """The weights, queries down, with the chosen row outlined; a click picks a row. Beside
        it (below it on a phone) the chosen row's weights with their numbers: a click, or a
        tap, shows its result where it was made."""
        i = self.index()
        show = matrices.options(
            kind="weights",
            row_title=t("common.query_token"),
            col_title=t("common.key_token"),
            value_title=t("common.weight"),
            select="pick",
            marked_row=i,
        )
        left, right = st.columns([3, 2])
        with left:
            matrices.matrix(
                name,
                weights,
                "seq_len, seq_len",
                self.labels,
                self.labels,
                show,
                on_select=self._clicked,
                key=self._chart_key(),
            )
        with right:
            row = weights[i]  # (seq_k,) the chosen query's weights
            figure = chart_bars.bars(
                row,
                self.labels,
                label_title=t("common.key_token"),
                value_title=t("common.weight"),
                kind="weights",
            )
            matrices.chart(figure, f"a_{i} = A[{i}, :]", row, "seq_len")
            st.caption(t("softmax.row_caption", i=i))

    def selectbox(self, label: str, help: str | None = None) -> int:
        return pick(label, self.key, self.labels, help)


def dot_and_scale_tabs(att: MultiHeadTrace, labels: list[str], d_k: int, causal: bool) -> None:
    """Steps 1 and 2 (Q Kᵀ, then ÷ √d_k) of a one-head trace: they differ only by a factor, so
    one tab each, and only the open one is drawn. Fixed tab labels keep the open tab open when
    d_model moves."""
    tab_dot, tab_scale = st.tabs(
        [t("attention.tab_dot"), t("attention.tab_scale")], key="attn_steps", on_change="rerun"
    )
    sqrt_d_k = f"√{d_k}"
    # One colour scale for both steps: the division shows as paler colours, not as new numbers
    # on an identical picture. The spec stays the same; only the data carries the scale's ends.
    bound = charts.shared_bound(att.dot_products[0], att.scores[0])
    if tab_dot.open:
        with tab_dot:
            st.markdown(t("attention.step_dot"))
            dots = att.dot_products[0]  # (seq_len, seq_len)
            matrices.square(
                "Q Kᵀ", dots, labels, kind="signed", value_title=t("attention.dot"), bound=bound
            )
    if tab_scale.open:
        with tab_scale:
            step = "attention.step_scale_masked" if causal else "attention.step_scale"
            st.markdown(t(step, sqrt_d_k=sqrt_d_k, root=d_k**0.5))
            scores = att.scores[0]  # (seq_len, seq_len), −∞ where masked
            name = f"Q Kᵀ / {sqrt_d_k}"
            score = t("attention.score")
            matrices.square(name, scores, labels, kind="signed", value_title=score, bound=bound)


def query_table(row: QueryTrace, labels: list[str], sqrt_d_k: str) -> None:
    """Softmax on the learner's own numbers, key by key: q·k_j, the score s_j = q·k_j ÷ √d_k (or
    "masked"), e^(s_j − max), and the weight e^(s_j − max) ÷ Σ, rounded to 4 decimals; the
    formula above it, the max and the sum under it."""
    steps = softmax_steps(row.scores)  # (seq_k,) each: the row through softmax
    text.formula(r"w_j = \frac{e^{s_j}}{\sum_k e^{s_k}} = \frac{e^{s_j - m}}{\sum_k e^{s_k - m}}")
    masked = t("attention.masked")
    scores = [masked if np.isneginf(s) else f"{s:.4f}" for s in row.scores]
    tables.table(
        pa.table(
            {
                t("common.key_token"): labels,
                "q·k_j": np.round(row.dot_products, 4),
                f"q·k_j ÷ {sqrt_d_k}": scores,
                t("softmax.col_exp"): np.round(steps.exps, 4),
                t("common.weight"): np.round(row.weights, 4),
            }
        )
    )
    st.caption(t("softmax.sum_caption", largest=steps.largest, total=steps.total))


def with_and_without_scaling(row: QueryTrace, labels: list[str], sqrt_d_k: str) -> None:
    """The chosen row's weights with ÷ √d_k (the real ones) and without it, side by side."""
    without = unscaled_weights(row.dot_products, row.scores)  # (seq_k,)
    series = {
        t("softmax.with", sqrt_d_k=sqrt_d_k): row.weights,
        t("softmax.without", sqrt_d_k=sqrt_d_k): without,
    }
    figure = chart_bars.paired_bars(
        series,
        labels,
        label_title=t("common.key_token"),
        value_title=t("common.weight"),
        series_title=t("attention.series"),
    )
    st.markdown(t("softmax.compare_title", sqrt_d_k=sqrt_d_k))
    matrices.vega(figure)
    st.caption(t("softmax.compare_caption", with_max=row.weights.max(), without_max=without.max()))


def with_sum_row(row: QueryTrace, labels: list[str]) -> tuple[np.ndarray, list[str]]:
    """The contributions w_j·v_j with their sum as a last row, and the row labels to match."""
    values = np.vstack([row.contributions, row.output[None, :]])  # (seq_k + 1, d_v)
    return values, [*labels, t("attention.sum_row")]


def only_one_head(n_heads: int) -> bool:
    """With a single head there is nothing to compare: say so, and tell the page (True)."""
    if n_heads == 1:
        st.info(t("multihead.one_head"))
    return n_heads == 1
