"""Positional encoding: a vector per position, added to the embeddings so order is visible."""

import streamlit as st

from core.analysis import position_similarity
from core.experiments import order_change, order_experiment
from core.pipeline import encode_positions
from core.positional import column_waves, learned_encoding, sinusoidal_encoding, wavelength
from ui import (
    charts,
    code,
    downloads,
    matrices,
    order_view,
    page_choices,
    positional_view,
    state,
    text,
)
from ui.i18n import t
from ui.setup import page, page_end

KINDS = ("sinusoidal", "learned")

settings = page("positional")
d_model = settings.d_model
text.section("positional", "intro")
text.formula(
    r"PE_{(pos,\,2i)} = \sin\!\left(\frac{pos}{10000^{2i/d_{model}}}\right), \quad "
    r"PE_{(pos,\,2i+1)} = \cos\!\left(\frac{pos}{10000^{2i/d_{model}}}\right), \quad "
    r"\lambda_i = 2\pi \cdot 10000^{2i/d_{model}}"
)
text.section("positional", "sinusoidal")

kind = (
    "learned"
    if settings.trained
    else st.segmented_control(
        t("positional.kind"),
        KINDS,
        persist_state="session",
        **state.start_value(page_choices.PE_KIND, "default"),
        required=True,
        key="pe_kind",
        format_func=lambda k: t(f"positional.kind_{k}"),
        help=t("positional.kind_help"),
    )
)
if kind == "learned":
    text.formula(r"PE_{pos} = P[pos], \quad P \in \mathbb{R}^{max\_len \times d_{model}}")
    text.section("positional", "learned")
trace = settings.trace(positional=kind)
tokens, seq_len = trace.tokens, len(trace.tokens)


positional_view.encoding_table(settings, tokens, kind)

# Embedding + encoding = the model's input.
st.subheader(t("positional.input_title"))
text.formula(r"X = E[\mathrm{ids}] \cdot \sqrt{d_{model}} + PE_{0:seq\_len}")
text.section("positional", "input")
labels = charts.token_labels(tokens)
# One colour scale for the three: X is E[ids]·√d_model + PE, cell by cell, and looks it.
bound = charts.shared_bound(trace.embedding.vectors, trace.positional, trace.x)
for column, (name, label, matrix) in zip(
    st.columns(3),
    (
        ("E[ids]·√d_model", "embedding", trace.embedding.vectors),
        ("PE[0:seq_len]", "encoding", trace.positional),
        ("X", "input", trace.x),
    ),
):
    with column:
        st.caption(t(f"positional.{label}"))
        matrices.matrix(name, matrix, "seq_len, d_model", labels, picture=True, bound=bound)

st.subheader(t("positional.compare_title"))
text.section("positional", "compare")

# The experiment: shuffle the sentence, with and without positional encoding.
if settings.trained:  # the experiment below runs on random weights: say so
    st.info(t("trained.shuffle_is_random"))
order_view.shuffle_experiment(tokens, d_model, settings.n_heads, settings.seed)

code.code_that_ran(
    sinusoidal_encoding,
    learned_encoding,
    encode_positions,
    wavelength,
    column_waves,
    position_similarity,
    order_experiment,
    order_change,
)
downloads.trace_button("positional", trace)
page_end("positional", settings.trace())
