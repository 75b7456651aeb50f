"""Pieces of the overview page: the pipeline diagram and the sentence at each stage."""

import numpy as np
import pyarrow as pa
import streamlit as st

from core.pipeline import PipelineTrace
from ui import tables, text
from ui.i18n import t

# The chain as the paper computes it: (label key, shape in the paper's letters, page id or None).
# Positional encoding is added to the embedding ("+ PE = X"), and the heads' outputs A·V come
# between the weights and Concat.
CHAIN = (
    ("overview.chain_text", "", None),
    ("overview.chain_tokens", "seq_len", "embedding"),
    ("overview.chain_embedding", "seq_len × d_model", "embedding"),
    ("overview.chain_positional", "seq_len × d_model", "positional"),
    ("overview.chain_qkv", "n_heads × seq_len × d_head", "qkv"),
    ("overview.chain_weights", "n_heads × seq_len × seq_len", "attention"),
    ("overview.chain_heads", "n_heads × seq_len × d_head", "attention"),
    ("overview.chain_concat", "seq_len × d_model", "multihead"),
    ("overview.chain_output", "seq_len × d_model", "multihead"),
)
CHAIN_STYLE = """<style>
.st-key-pipeline_chain {flex-direction: row; flex-wrap: wrap; align-items: center;
  gap: 0.2rem 0.5rem;}
.st-key-pipeline_chain > div {width: auto !important; flex: 0 1 auto; min-width: 0;}
.st-key-pipeline_chain p {margin: 0;}
.st-key-pipeline_chain [data-testid="stPageLink"] a {border: 1px solid #d5d5d5;
  border-radius: 0.5rem; padding: 0.1rem 0.5rem; margin: 0;}
.st-key-pipeline_chain [data-testid="stElementContainer"] {margin: 0; padding: 0;}
</style>"""


def pipeline_chain(pages, current: str) -> None:
    """The pipeline as a chain of stages that wraps to the screen's width, each stage a link to
    the page that explains it, with its output shape in the paper's letters (the numbers are
    in the caption under it); the stages of the current page are marked."""
    st.html(CHAIN_STYLE)
    paths = {page_id: path for page_id, path, _ in pages}
    chain = st.container(key="pipeline_chain")
    for i, (key, shape, page_id) in enumerate(CHAIN):
        label = t(key) + (f" ({shape})" if shape else "")
        if i:
            chain.markdown("→")
        if page_id is None:
            chain.markdown(label)
        elif page_id == current:
            chain.markdown(f"**● {label}**")
        else:
            chain.page_link(paths[page_id], label=label)


def sizes_caption(seq_len: int, d_model: int, n_heads: int, d_head: int) -> None:
    """The diagram's letters as numbers, for the learner's sentence and settings."""
    st.caption(
        t("overview.sizes_now", seq_len=seq_len, d_model=d_model, n_heads=n_heads, d_head=d_head)
    )


def _first_values(array: np.ndarray, n: int = 4) -> str:
    row = np.asarray(array).reshape(-1)[:n]
    return "[" + ", ".join(f"{value:+.3f}" for value in row) + (", …]" if array.size > n else "]")


def stage_table(trace: PipelineTrace) -> None:
    """One row per stage: its shape and the first numbers of the first token."""
    att = trace.attention
    stages = [
        (t("overview.step_embedding"), "seq_len × d_model", trace.embedding.vectors),
        (t("overview.step_positional"), "seq_len × d_model", trace.positional),
        (t("overview.step_input"), "seq_len × d_model", trace.x),
        ("Q = X·W_Q", "seq_len × d_model", trace.projections.q),
        (t("overview.step_attention"), "n_heads × seq_len × seq_len", att.weights),
        (t("overview.step_heads"), "n_heads × seq_len × d_head", att.heads),
        (t("overview.step_output"), "seq_len × d_model", att.output),
    ]
    tables.table(
        pa.table(
            {
                t("overview.col_stage"): [name for name, _, _ in stages],
                t("overview.col_shape"): [
                    f"({dims}) = ({text.size_text(a)})" for _, dims, a in stages
                ],
                t("overview.col_first"): [
                    _first_values(a[0] if a.ndim > 1 else a) for _, _, a in stages
                ],
            }
        )
    )
