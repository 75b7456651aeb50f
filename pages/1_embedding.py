"""Token embedding: tokens → ids → rows of a lookup table → vectors."""

import streamlit as st

from core.analysis import cosine_similarity, pca_2d
from core.embedding import embed, lookup_table, token_row
from ui import (
    chart_plots,
    charts,
    code,
    downloads,
    engine,
    matrices,
    tables,
    text,
    trained,
    trained_view,
)
from ui.i18n import t
from ui.setup import page, page_end, table_words

settings = page("embedding")
trace = settings.trace()
emb = trace.embedding
labels = charts.token_labels(trace.tokens)

text.section("embedding", "intro")
text.formula(
    r"x_i = E[\mathrm{id}(t_i)] \cdot \sqrt{d_{model}}, \quad "
    r"E \in \mathbb{R}^{\mathrm{vocab\_size} \times d_{model}}"
)

st.subheader(t("embedding.ids_title"))
tables.tokens_table(trace.tokens, emb.token_ids)

# The table knows more words than the sentence uses: the sentence's rows are marked ▶.
st.subheader(t("embedding.table_title"))
text.section("embedding", "table")
if settings.trained:  # the model's whole table: its fixed vocabulary
    table, rows = emb.table, trained_view.vocab_rows(emb.vocab, trace.tokens)
else:
    others = table_words(exclude=emb.vocab)
    table = lookup_table(emb.vocab + others, settings.d_model, settings.seed)  # (rows, d_model)
    rows = [f"▶ {i}·{token}" for i, token in enumerate(emb.vocab)] + [f"  {w}" for w in others]
# E and its rows times √d_model share one colour scale: the scaling shows as stronger colours.
bound = charts.shared_bound(table, emb.vectors)
vocab_row = t("embedding.vocab_row")
matrices.matrix("E", table, "vocab_size, d_model", rows, row_title=vocab_row, bound=bound)
st.caption(t("embedding.table_caption", used=len(emb.vocab), shown=len(rows)))

st.subheader(t("embedding.vectors_title"))
name = "X_emb = E[ids]" if settings.trained else "X_emb = E[ids] · √d_model"
matrices.matrix(name, emb.vectors, "seq_len, d_model", labels, bound=bound)

left, right = st.columns(2)
with left:
    st.subheader(t("embedding.cosine_title"))
    text.section("embedding", "cosine")
    similarity, projection = engine.embedding_views(settings, emb.vectors)
    matrices.square("cos", similarity, labels, kind="signed", value_title=t("embedding.cosine"))
with right:
    st.subheader(t("embedding.pca_title"))
    matrices.vega(chart_plots.scatter(projection.points, labels, x_title="PC 1", y_title="PC 2"))
    pc1, pc2 = projection.explained * 100
    st.caption(t("embedding.pca_caption", pc1=pc1, pc2=pc2))

if settings.trained:
    trained.weights_note(settings)
else:
    text.section("embedding", "untrained")
code.code_that_ran(embed, lookup_table, token_row, cosine_similarity, pca_2d)
downloads.trace_button("embedding", trace)
page_end("embedding", trace)
