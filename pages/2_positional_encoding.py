"""Positional encoding: a vector per position, added to the embeddings so order is visible."""

import streamlit as st

from core.analysis import position_similarity
from core.experiments import order_change, order_experiment, order_matters
from core.pipeline import encode_positions
from core.positional import column_waves, learned_encoding, sinusoidal_encoding, wavelength
from ui import charts, engine, show
from ui.i18n import t
from ui.setup import page

KINDS = ("sinusoidal", "learned")
MAX_EXTRA = 32  # positions drawn past the sentence, so slow waves show even for short text

settings = page("positional")
d_model = settings.d_model
show.section("positional", "intro")
show.formula(r"PE_{(pos,\,2i)} = \sin\!\left(\frac{pos}{10000^{2i/d_{model}}}\right), \quad "
             r"PE_{(pos,\,2i+1)} = \cos\!\left(\frac{pos}{10000^{2i/d_{model}}}\right), \quad "
             r"\lambda_i = 2\pi \cdot 10000^{2i/d_{model}}")
show.section("positional", "sinusoidal")

kind = st.segmented_control(t("positional.kind"), KINDS, default="sinusoidal", required=True,
                            key="pe_kind", format_func=lambda k: t(f"positional.kind_{k}"),
                            help=t("positional.kind_help"))
if kind == "learned":
    show.formula(r"PE_{pos} = P[pos], \quad P \in \mathbb{R}^{max\_len \times d_{model}}")
    show.section("positional", "learned")
trace = settings.trace(positional=kind)
tokens, seq_len = trace.tokens, len(trace.tokens)
dims = [str(d) for d in range(d_model)]

# The encoding table, drawn past the end of the sentence so the waves have room.
st.subheader(t("positional.table_title"))
extra = st.slider(t("positional.extra"), 0, MAX_EXTRA, 16, key="pe_extra",
                  help=t("positional.extra_help"))
pe_long = encode_positions(seq_len + extra, d_model, kind, settings.seed)  # (n_positions, d_model)
positions = charts.position_labels(tokens, seq_len + extra)
show.section("positional", "table")
show.chart(charts.heatmap(pe_long, positions, dims, kind="signed",
                          row_title=t("positional.position_row"),
                          col_title=t("common.dimension"), value_title=t("common.value")),
           "PE", pe_long, "n_positions, d_model")

# Chosen columns as waves over position: fast low dimensions, slow high ones.
st.subheader(t("positional.waves_title"))
wave_dims = st.multiselect(t("positional.wave_dims"), list(range(d_model)),
                           default=sorted({0, 1, 4, d_model // 2}), key="pe_dims",
                           max_selections=6, format_func=lambda d: t("positional.dim_option", dim=d))
if wave_dims:
    curves = column_waves(pe_long, wave_dims)  # (n_chosen, n_positions)
    if kind == "sinusoidal":
        names = [t("positional.wave_series", dim=d, wavelength=wavelength(d, d_model))
                 for d in wave_dims]
    else:
        names = [t("positional.wave_series_plain", dim=d) for d in wave_dims]
    show.vega(charts.lines(list(range(seq_len + extra)), dict(zip(names, curves)),
                                 x_title=t("common.position"), y_title=t("common.value"),
                                 series_title=t("common.dimension")))
show.section("positional", f"waves_{kind}")

# Which positions look alike: the dot product of every pair of rows.
st.subheader(t("positional.similarity_title"))
similarity = position_similarity(pe_long)  # (n_positions, n_positions)
show.chart(charts.heatmap(similarity, positions, positions, kind="signed",
                          row_title=t("positional.position_row"),
                          col_title=t("positional.position_row"), value_title=t("positional.dot")),
           "PE · PEᵀ", similarity, "n_positions, n_positions")
show.section("positional", f"similarity_{kind}")

# Embedding + encoding = the model's input.
st.subheader(t("positional.input_title"))
show.formula(r"X = E[\mathrm{ids}] \cdot \sqrt{d_{model}} + PE_{0:seq\_len}")
show.section("positional", "input")
labels = charts.token_labels(tokens)
for column, (name, label, matrix) in zip(st.columns(3), (
        ("E[ids]·√d_model", "embedding", trace.embedding.vectors),
        ("PE", "encoding", trace.positional),
        ("X", "input", trace.x))):
    with column:
        st.caption(t(f"positional.{label}"))
        show.chart(charts.heatmap(matrix, labels, dims, kind="signed",
                                  row_title=t("common.token"), col_title=t("common.dimension"),
                                  value_title=t("common.value")),
                   name, matrix, "seq_len, d_model")

st.subheader(t("positional.compare_title"))
show.section("positional", "compare")

# The experiment: shuffle the sentence, with and without positional encoding.
st.subheader(t("positional.experiment_title"))
show.section("positional", "experiment")
if seq_len < 2:
    st.info(t("positional.need_two"))
else:
    order = engine.order(tokens, d_model, settings.n_heads, settings.seed)
    st.dataframe(charts.token_rows({t("positional.original"): list(tokens),
                                    t("positional.shuffled"): list(order.shuffled),
                                    t("positional.came_from"): list(order.perm)}),
                 width="stretch")
    for column, name, gap in zip(st.columns(2), ("gap_plain", "gap_pe"),
                                 (order.gap_plain, order.gap_pe)):
        with column:
            st.metric(t(f"positional.{name}"), f"{gap:.1e}")
            if order_matters(gap):
                st.info(t("positional.verdict_changed"))
            else:
                st.success(t("positional.verdict_same"))
    change = order_change(order)  # (seq_len,) with PE
    show.chart(charts.bars(change, charts.token_labels(order.shuffled),
                           label_title=t("positional.shuffled_token"),
                           value_title=t("positional.change")),
               "|Δ output|", change, "seq_len")
    show.section("positional", "experiment_after")

show.code_that_ran(sinusoidal_encoding, learned_encoding, encode_positions, wavelength,
                   column_waves, position_similarity, order_experiment, order_change)
