"""Multi-head attention: split the columns into heads, attend in each, concatenate, mix with W_O."""

import streamlit as st

from core.analysis import head_average, head_distance, mean_head_distance
from core.attention import (
    head_columns,
    multi_head_attention,
    scaled_dot_product_attention,
    split_heads,
)
from ui import (
    attention_view,
    charts,
    code,
    downloads,
    engine,
    links,
    matrices,
    text,
    trained,
    trained_view,
)
from ui.i18n import t
from ui.setup import page, page_end

settings = page("multihead")
layer = trained.layer_picker(settings, "mha_layer")  # trained weights: which layer's heads
trace = settings.trace(layer=layer)
att = trace.attention  # q, k, v, heads: (n_heads, seq_len, d_head); weights (n_heads, seq, seq)
n_heads, d_head, d_model = settings.n_heads, settings.d_head, settings.d_model
labels = charts.token_labels(trace.tokens)
heads = [t("multihead.head_n", h=h) for h in range(n_heads)]
columns = head_columns(d_model, n_heads)  # [(first, last)] column of each head


text.section("multihead", "intro")
text.formula(
    r"\mathrm{MultiHead}(X) = \mathrm{Concat}(\mathrm{head}_0, \dots, "
    r"\mathrm{head}_{h-1})\, W^O, \quad \mathrm{head}_i = "
    r"\mathrm{Attention}(X W^Q_i,\, X W^K_i,\, X W^V_i)"
)

st.subheader(t("multihead.grid_title"))
text.section("multihead", "grid")
trained.weights_note(settings, layer)
if settings.trained:
    trained_view.referent_line(settings)
matrices.head_grid("A", att.weights, labels, heads)

st.subheader(t("multihead.distance_title"))
if not attention_view.only_one_head(n_heads):
    distance = head_distance(att.weights)  # (n_heads, n_heads) in [0, 1]
    left, right = st.columns([2, 3])
    with left:
        st.metric(
            t("multihead.mean_distance"),
            f"{mean_head_distance(distance):.0%}",
            help=t("multihead.mean_distance_help"),
        )
        text.section("multihead", "distance")
    with right:
        matrices.matrix(
            "D",
            distance,
            "n_heads, n_heads",
            heads,
            heads,
            kind="weights",
            row_title=t("multihead.head"),
            col_title=t("multihead.head"),
            value_title=t("multihead.distance"),
        )

st.subheader(t("multihead.split_title"))
text.section("multihead", "split")
matrices.matrix("Q = X·W_Q", trace.projections.q, "seq_len, d_model", labels)
st.caption(
    " · ".join(
        t("multihead.head_range", h=h, start=first, end=last)
        for h, (first, last) in enumerate(columns)
    )
)


@st.fragment
def one_head() -> None:
    """Pick a head: only this part reruns."""
    h = attention_view.pick(t("multihead.pick_head"), "mha_head", heads)
    first, last = columns[h]
    left, right = st.columns(2)
    with left:  # the head's queries and keys: one tab each, only the open one is drawn
        tab_q, tab_k = st.tabs(
            [t("multihead.tab_q"), t("multihead.tab_k")], key="mha_qk", on_change="rerun"
        )
        if tab_q.open:
            with tab_q:
                name = f"q_{h} = Q[:, {first}:{last + 1}]"
                matrices.matrix(name, att.q[h], "seq_len, d_head", labels)
        if tab_k.open:
            with tab_k:
                name = f"k_{h} = K[:, {first}:{last + 1}]"
                matrices.matrix(name, att.k[h], "seq_len, d_head", labels)
    with right:
        matrices.square(f"A_{h} = softmax(q_{h} k_{h}ᵀ / √{d_head})", att.weights[h], labels)
    matrices.matrix(f"head_{h} = A_{h} v_{h}", att.heads[h], "seq_len, d_head", labels)
    links.sync("multihead")  # this part reruns alone: its choices into the address bar


one_head()

st.subheader(t("multihead.concat_title"))
text.section("multihead", "concat")
tab_concat, tab_output = st.tabs(
    [t("multihead.tab_concat"), t("multihead.tab_output")], key="mha_tab", on_change="rerun"
)
if tab_concat.open:  # only the open tab is drawn and sent
    with tab_concat:
        name = f"Concat(head_0 … head_{n_heads - 1})"
        matrices.matrix(name, att.concat, "seq_len, d_model", labels)
if tab_output.open:
    with tab_output:
        matrices.matrix("Output = Concat · W_O", att.output, "seq_len, d_model", labels)

st.subheader(t("multihead.compare_title"))
if settings.trained and n_heads > 1:  # one big head would be another model: none is trained
    st.info(t("trained.no_single_head"))
elif not attention_view.only_one_head(n_heads):
    single = engine.pipeline(settings.text, d_model, 1, settings.seed).attention.weights[0]
    average = head_average(att.weights)  # (seq_len, seq_len)
    left, right = st.columns(2)
    with left:
        matrices.square(t("multihead.single", d_model=d_model), single, labels)
    with right:
        matrices.square(t("multihead.mean", n=n_heads, d_head=d_head), average, labels)
    text.section("multihead", "compare")

code.code_that_ran(
    multi_head_attention,
    split_heads,
    head_columns,
    scaled_dot_product_attention,
    head_distance,
    mean_head_distance,
    head_average,
)
downloads.trace_button("multihead", trace)
page_end("multihead", trace)
