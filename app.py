"""Attention Playground: the overview page and the app's entry point."""

import streamlit as st

from ui import downloads, overview, tables, text
from ui.i18n import t
from ui.setup import PAGES, page

settings = page("overview")
trace = settings.trace()

text.section("overview", "intro")
overview.pipeline_chain(PAGES, "overview")
overview.sizes_caption(len(trace.tokens), settings.d_model, settings.n_heads, settings.d_head)
st.subheader(t("overview.sentence"))
tables.tokens_table(trace.tokens)
st.subheader(t("overview.stages"))
overview.stage_table(trace)
downloads.trace_button("overview", trace)

st.subheader(t("overview.pages"))
for page_id, path, icon in PAGES[1:]:
    st.page_link(path, label=t(f"nav.{page_id}"), icon=icon)
    st.caption(t(f"overview.line_{page_id}"))

text.section("overview", "self_vs_multi")
