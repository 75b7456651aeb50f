"""Streamlit helpers shared by the pages; no page imports another, and core/ imports none of these.

setup      the page frame: sidebar, the sentence and sizes bar, title, notices, page end
settings   the shared settings: limits, how a link's value is read, what one change does to another
state      how a choice survives reruns, page switches, restarts, and lives in the URL
page_choices, links   each page's own choices in the URL; the "link to this view" box
lesson     previous / next links, marks per page, progress over the exercises
exercises  "check yourself": each page's exercises, feedback, progress
i18n       labels and prose in the learner's language (content/<lang>/)
engine     cached, read-only calls into core/ (and the one shared training queue)
trained, trained_view   trained weights on pages 1-5: waiting for the run, unknown words, layers,
                        where the pronoun looks
training_jobs, train_worker   training runs: a queue shared by every learner, one run at a time
                              in a process of its own
text       prose sections, formulas, shapes in numbers, the page's language
tables     tokens and numbers as tables
matrices   a named heatmap with its shape, a picture for a large one, the head grid
pictures   palette PNGs of large matrices (Pillow)
downloads  CSV of a matrix and .npz of a page's trace, built only when clicked
charts     Vega-Lite specs and their Arrow tables (pure functions, no Streamlit): the shared
           pieces (Chart, HeatmapOptions, token labels, axes, colour scales); beside it one
           module per kind of chart: chart_heatmap (cells, or a labelled picture when large),
           chart_grid (the head grid), chart_bars (bars), chart_plots (lines, scatter)
image      colour indices of a matrix for a picture (pure NumPy)
code       "the code that ran": the engine's real source
overview, order_view, positional_view, attention_view, learn_view, learn_runs,
learn_choices, learn_findings
           pieces of one page each
"""
