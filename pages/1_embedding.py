"""Token embedding: tokens → ids → rows of a lookup table → vectors."""

import streamlit as st

from core.analysis import cosine_similarity, pca_2d
from core.embedding import embed, token_row
from ui import charts, show
from ui.i18n import t
from ui.setup import page

settings = page("embedding")
emb = settings.trace().embedding
labels = charts.token_labels(settings.trace().tokens)
vocab_labels = [f"{i}·{token}" for i, token in enumerate(emb.vocab)]
dims = [str(d) for d in range(settings.d_model)]

show.section("embedding", "intro")
show.formula(r"x_i = E[\mathrm{id}(t_i)] \cdot \sqrt{d_{model}}, \quad "
             r"E \in \mathbb{R}^{\mathrm{vocab\_size} \times d_{model}}")

st.subheader(t("embedding.ids_title"))
show.tokens_table(settings.trace().tokens, emb.token_ids)

st.subheader(t("embedding.table_title"))
show.section("embedding", "table")
show.chart(charts.heatmap(emb.table, vocab_labels, dims, kind="signed",
                          row_title=t("embedding.vocab_row"), col_title=t("common.dimension"),
                          value_title=t("common.value")),
           "E", emb.table, "vocab_size, d_model")

st.subheader(t("embedding.vectors_title"))
show.chart(charts.heatmap(emb.vectors, labels, dims, kind="signed",
                          row_title=t("common.token"), col_title=t("common.dimension"),
                          value_title=t("common.value")),
           "X_emb", emb.vectors, "seq_len, d_model")

left, right = st.columns(2)
with left:
    st.subheader(t("embedding.cosine_title"))
    show.section("embedding", "cosine")
    similarity = cosine_similarity(emb.vectors)
    show.chart(charts.heatmap(similarity, labels, labels, kind="signed",
                              row_title=t("common.token"), col_title=t("common.token"),
                              value_title=t("embedding.cosine")),
               "cos", similarity, "seq_len, seq_len")
with right:
    st.subheader(t("embedding.pca_title"))
    projection = pca_2d(emb.vectors)
    show.vega(charts.scatter(projection.points, labels, x_title="PC 1", y_title="PC 2"))
    st.caption(t("embedding.pca_caption", pc1=projection.explained[0] * 100,
                 pc2=projection.explained[1] * 100))

show.section("embedding", "untrained")
show.code_that_ran(embed, token_row, cosine_similarity, pca_2d)
