"""The shuffle experiment of the positional-encoding page: does attention notice word order?"""

import streamlit as st

from core.experiments import order_change, order_matters
from ui import chart_bars, charts, engine, matrices, tables, text
from ui.i18n import t


def shuffle_experiment(tokens: tuple[str, ...], d_model: int, n_heads: int, seed: int) -> None:
    """Shuffle the sentence; compare attention's outputs with and without positional encoding."""
    st.subheader(t("positional.experiment_title"))
    text.section("positional", "experiment")
    if len(tokens) < 2:
        st.info(t("positional.need_two"))
        return
    order = engine.order(tokens, d_model, n_heads, seed)
    rows = {
        t("positional.original"): list(tokens),
        t("positional.shuffled"): list(order.shuffled),
        t("positional.came_from"): list(order.perm),
    }
    tables.table(tables.token_rows(rows))
    gaps = (("gap_plain", order.gap_plain), ("gap_pe", order.gap_pe))
    for column, (name, gap) in zip(st.columns(2), gaps):
        with column:
            st.metric(t(f"positional.{name}"), f"{gap:.1e}")
            if order_matters(gap):
                st.info(t("positional.verdict_changed"))
            else:
                st.success(t("positional.verdict_same"))
    change = order_change(order)  # (seq_len,) with PE
    labels = charts.token_labels(order.shuffled)
    figure = chart_bars.bars(
        change,
        labels,
        label_title=t("positional.shuffled_token"),
        value_title=t("positional.change"),
    )
    matrices.chart(figure, "|Δ output|", change, "seq_len")
    text.section("positional", "experiment_after")
