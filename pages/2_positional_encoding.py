"""Positional encoding: a vector per position, added to the embeddings so order is visible."""

import streamlit as st

from core.analysis import position_similarity
from core.experiments import order_change, order_experiment
from core.pipeline import encode_positions
from core.positional import column_waves, learned_encoding, sinusoidal_encoding, wavelength
from ui import (
    chart_plots,
    charts,
    code,
    downloads,
    links,
    matrices,
    order_view,
    page_choices,
    state,
    text,
)
from ui.i18n import t
from ui.setup import page, page_end

KINDS = ("sinusoidal", "learned")
MAX_EXTRA = 32  # positions drawn past the sentence, so slow waves show even for short text

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


# The encoding table, drawn past the end of the sentence so the waves have room. A fragment:
# its own controls (extra positions, dimensions to draw) rerun only this part of the page.
@st.fragment
def encoding_table() -> None:
    st.subheader(t("positional.table_title"))
    extra = st.slider(
        t("positional.extra"),
        0,
        MAX_EXTRA,
        key="pe_extra",
        help=t("positional.extra_help"),
        persist_state="session",
        **state.start_value(page_choices.PE_EXTRA),
    )
    if settings.trained:  # the trained model's own rows of W_pos, as many as it has
        pe_long = settings.run.params.w_pos[: seq_len + extra]  # (n_positions, d_model)
    else:
        pe_long = encode_positions(seq_len + extra, d_model, kind, settings.seed)
    positions = charts.position_labels(tokens, len(pe_long))
    text.section("positional", "table")
    matrices.matrix(
        "PE", pe_long, "n_positions, d_model", positions, row_title=t("positional.position_row")
    )

    # Chosen columns as waves over position: fast low dimensions, slow high ones.
    st.subheader(t("positional.waves_title"))
    option = t("positional.dim_option")  # looked up once, not once per dimension
    wave_dims = st.multiselect(
        t("positional.wave_dims"),
        list(range(d_model)),
        key="pe_dims",
        persist_state="session",
        **state.start_value(page_choices.PE_DIMS, "default"),
        max_selections=6,
        format_func=lambda d: option.format(dim=d),
    )
    if wave_dims:
        curves = column_waves(pe_long, wave_dims)  # (n_chosen, n_positions)
        if kind == "sinusoidal":
            names = [
                t("positional.wave_series", dim=d, wavelength=wavelength(d, d_model))
                for d in wave_dims
            ]
        else:
            names = [t("positional.wave_series_plain", dim=d) for d in wave_dims]
        matrices.vega(
            chart_plots.lines(
                list(range(len(pe_long))),
                dict(zip(names, curves)),
                x_title=t("common.position"),
                y_title=t("common.value"),
                series_title=t("common.dimension"),
            )
        )
    text.section("positional", f"waves_{kind}")

    # Which positions look alike: the dot product of every pair of rows.
    st.subheader(t("positional.similarity_title"))
    similarity = position_similarity(pe_long)  # (n_positions, n_positions)
    matrices.matrix(
        "PE · PEᵀ",
        similarity,
        "n_positions, n_positions",
        positions,
        positions,
        row_title=t("positional.position_row"),
        col_title=t("positional.position_row"),
        value_title=t("positional.dot"),
    )
    text.section("positional", f"similarity_{kind}")
    links.sync("positional")  # this part reruns alone: its choices into the address bar


encoding_table()

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
