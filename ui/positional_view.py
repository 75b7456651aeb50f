"""The positional page's encoding table: PE drawn past the sentence, chosen columns as waves,
and which positions look alike. A fragment: its own controls rerun only this part."""

import streamlit as st

from core.analysis import position_similarity
from core.pipeline import encode_positions
from core.positional import column_waves, wavelength
from ui import chart_plots, charts, links, matrices, page_choices, state, text
from ui.i18n import t
from ui.settings import Settings

MAX_EXTRA = 32  # positions drawn past the sentence, so slow waves show even for short text


@st.fragment
def encoding_table(settings: Settings, tokens: tuple[str, ...], kind: str) -> None:
    """The encoding table, drawn past the end of the sentence so the waves have room."""
    seq_len, d_model = len(tokens), settings.d_model
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
