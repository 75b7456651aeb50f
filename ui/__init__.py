"""Streamlit helpers shared by the pages; no page imports another, and core/ imports none of these.

setup      the page set-up: sidebar, shared settings, navigation, notices
state      how a choice survives reruns, page switches, restarts, and lives in the URL
i18n       labels and prose in the learner's language (content/<lang>/)
engine     cached, read-only calls into core/
text       prose sections, formulas, shapes in numbers
tables     tokens and numbers as tables
matrices   a named heatmap with its shape, a picture for a large one, the head grid
pictures   palette PNGs of large matrices (Pillow)
charts     Vega-Lite specs and their Arrow tables (pure functions, no Streamlit): the shared
           pieces (Chart, HeatmapOptions, token labels, axes, colour scales); beside it one
           module per kind of chart: chart_heatmap (cells, or a labelled picture when large),
           chart_grid (the head grid), chart_bars (bars), chart_plots (lines, scatter)
image      colour indices of a matrix for a picture (pure NumPy)
code       "the code that ran": the engine's real source
overview, order_view, attention_view   pieces of one page each
"""
