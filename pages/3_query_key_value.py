"""Query, key and value: three learned views of every token's input vector."""

import streamlit as st

from core.analysis import query_key_dots
from core.attention import head_columns, init_params, project, token_qkv
from ui import (
    chart_bars,
    charts,
    code,
    downloads,
    links,
    matrices,
    page_choices,
    state,
    tables,
    text,
    trained,
)
from ui.i18n import t
from ui.setup import page, page_end

settings = page("qkv")
layer = trained.layer_picker(settings, "qkv_layer")  # trained weights: which layer's W_Q, …
trace = settings.trace(layer=layer)
params, proj = trace.params, trace.projections
labels = charts.token_labels(trace.tokens)
seq_len, d_model = len(trace.tokens), settings.d_model


text.section("qkv", "intro")
text.formula(r"Q = X W_Q, \quad K = X W_K, \quad V = X W_V")
text.formula(
    rf"\underbrace{{X}}_{{({seq_len} \times {d_model})}} \cdot "
    rf"\underbrace{{W_Q}}_{{({d_model} \times {d_model})}} = "
    rf"\underbrace{{Q}}_{{({seq_len} \times {d_model})}}"
)
text.section("qkv", "formula")
st.caption(t("qkv.weights_caption" if not settings.trained else "trained.qkv_caption"))
st.code(
    "\n".join(
        text.shape_text(name, w, "d_model, d_model")
        for name, w in (("W_Q", params.w_q), ("W_K", params.w_k), ("W_V", params.w_v))
    ),
    language=None,
)
trained.weights_note(settings, layer)

# The input and its three projections, one tab each.
st.subheader(t("qkv.matrices_title"))
text.section("qkv", "matrices")
views = (
    ("X", "tab_x", trace.x),
    ("Q", "tab_q", proj.q),
    ("K", "tab_k", proj.k),
    ("V", "tab_v", proj.v),
)
tabs = st.tabs([t(f"qkv.{m[1]}") for m in views], key="qkv_tab", on_change="rerun")
for tab, (name, label, matrix) in zip(tabs, views):
    if tab.open:  # only the open tab is drawn and sent
        with tab:
            matrices.matrix(name, matrix, "seq_len, d_model", labels)


# One token's three vectors, next to what they are for. A fragment: picking another token
# reruns only this part of the page.
@st.fragment
def one_token() -> None:
    st.subheader(t("qkv.token_title"))
    i = st.selectbox(
        t("qkv.token_pick"),
        list(range(seq_len)),
        key="qkv_token",
        format_func=lambda j: labels[j],
        persist_state="session",
        **state.start_value(page_choices.QKV_TOKEN, "index"),
    )
    left, right = st.columns([1, 2])
    with left:
        text.section("qkv", "token")
    with right:
        vectors = token_qkv(proj, i)  # (3, d_model): q_i, k_i, v_i
        matrices.matrix(
            "q_i, k_i, v_i", vectors, "3, d_model", ["q", "k", "v"], row_title=t("qkv.vector")
        )
        st.caption(t("qkv.numbers", shown=min(16, d_model), total=d_model))
        rows = [t("qkv.row_q"), t("qkv.row_k"), t("qkv.row_v")]
        tables.table(tables.number_table(vectors, rows))

    # A preview of the next page: this token's query against every key.
    st.subheader(t("qkv.dots_title"))
    text.formula(r"q_i \cdot k_j = \sum_{d=1}^{d_{model}} q_{i,d}\, k_{j,d}")
    dots = query_key_dots(proj.q, proj.k, i)  # (seq_len,)
    matrices.chart(
        chart_bars.bars(dots, labels, label_title=t("common.key_token"), value_title=t("qkv.dot")),
        "q_i · K",
        dots,
        "seq_len",
    )
    text.section("qkv", "dots")
    links.sync("qkv")  # this part reruns alone: its choices into the address bar


one_token()

# How multi-head attention will cut these columns.
st.subheader(t("qkv.heads_title"))
text.section("qkv", "heads")
st.caption(t("qkv.heads_caption", n_heads=settings.n_heads, d_head=settings.d_head))
st.text(
    "\n".join(
        t("qkv.head_range", h=h, start=start, end=end)
        for h, (start, end) in enumerate(head_columns(d_model, settings.n_heads))
    )
)

code.code_that_ran(init_params, project, token_qkv, query_key_dots, head_columns)
downloads.trace_button("qkv", trace)
page_end("qkv", trace)
