"""Scaled dot-product self-attention: one head that uses all d_model columns."""

from dataclasses import replace

import streamlit as st

from core.attention import (
    attend_one_query,
    multi_head_attention,
    scaled_dot_product_attention,
    softmax,
)
from core.experiments import scaling_experiment
from ui import (
    attention_view,
    chart_plots,
    charts,
    code,
    downloads,
    engine,
    matrices,
    text,
    trained_view,
)
from ui.i18n import t
from ui.setup import page, page_end

D_KS = (4, 8, 16, 32, 64, 128, 256, 512)  # key sizes for the √d_k experiment
N_KEYS = 16  # keys per row in that experiment

settings = page("attention")
text.section("attention", "intro")
text.formula(
    r"\mathrm{Attention}(Q, K, V) = "
    r"\mathrm{softmax}\!\left(\frac{Q K^\top}{\sqrt{d_k}}\right) V"
)

trace, att, causal = trained_view.one_head(settings)  # trained: a chosen layer and head
q, k, v = att.q[0], att.k[0], att.v[0]  # (seq_len, d_k) each; random weights: d_k = d_model
d_k = q.shape[-1]
labels = charts.token_labels(trace.tokens)
sqrt_d_k = f"√{d_k}"


st.subheader(t("attention.steps_title"))
attention_view.dot_and_scale_tabs(att, labels, d_k, causal)

st.markdown(t("attention.step_softmax"))
picker = attention_view.RowPicker("attn_query", labels)
picker.chart("A = softmax(·)", att.weights[0])
st.caption(t("attention.click_hint"))
st.markdown(t("attention.step_output"))
matrices.matrix("O = A V", att.heads[0], "seq_len, d_v", labels, row_title=t("common.query_token"))

st.subheader(t("attention.query_title"))
text.section("attention", "query")
i = picker.selectbox(t("attention.query_pick"), help=t("attention.click_hint"))
row = attend_one_query(q, k, v, i, causal)
left, right = st.columns(2)
with left:  # the row's weights are drawn beside the clickable chart; here: without ÷ √d_k
    attention_view.with_and_without_scaling(row, labels, sqrt_d_k)
with right:  # softmax on this row's own numbers
    attention_view.query_table(row, labels, sqrt_d_k)
values, value_rows = attention_view.with_sum_row(row, labels)
matrices.matrix(
    "w_j · v_j, Σ", values, "seq_len + 1, d_v", value_rows, row_title=t("attention.key_row")
)
st.caption(t("attention.sum_caption", i=i))  # the position only: user text stays out of Markdown

st.subheader(t("attention.experiments_title"))
st.markdown(t("attention.causal_title"))
text.section("attention", "causal")
st.markdown(t("attention.scaling_title"))
text.section("attention", "scaling")
scaling = engine.scaling(D_KS, N_KEYS, settings.seed)
with_s, without_s = t("attention.with_scaling"), t("attention.without_scaling")
left, right = st.columns(2)
with left:
    matrices.vega(
        chart_plots.lines_log2(
            scaling.d_k,
            {with_s: scaling.max_weight_scaled, without_s: scaling.max_weight_unscaled},
            x_title="d_k",
            y_title=t("attention.max_weight"),
            series_title=t("attention.series"),
        )
    )
with right:
    uniform = [scaling.uniform_entropy] * len(scaling.d_k)
    matrices.vega(
        chart_plots.lines_log2(
            scaling.d_k,
            {
                with_s: scaling.entropy_scaled,
                without_s: scaling.entropy_unscaled,
                t("attention.uniform", n=N_KEYS): uniform,
            },
            x_title="d_k",
            y_title=t("attention.entropy"),
            series_title=t("attention.series"),
        )
    )
st.caption(
    t(
        "attention.scaling_caption",
        n=N_KEYS,
        first=int(scaling.d_k[0]),
        std_first=scaling.dot_std[0],
        last=int(scaling.d_k[-1]),
        std_last=scaling.dot_std[-1],
    )
)

code.code_that_ran(
    multi_head_attention,
    scaled_dot_product_attention,
    softmax,
    attend_one_query,
    scaling_experiment,
)
downloads.trace_button("attention", trace)
# The exercises read the page at its default choices: no causal mask; trained: the head shown.
plain = engine.pipeline(settings.text, settings.d_model, 1, settings.seed)
page_end("attention", replace(trace, attention=att) if settings.trained else plain)
