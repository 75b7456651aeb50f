"""Pieces of the overview page: the pipeline diagram and the sentence at each stage."""

import json

import numpy as np
import pyarrow as pa
import streamlit as st

from core.pipeline import PipelineTrace
from ui import tables, text
from ui.i18n import t


def _dot_label(text: str) -> str:
    """A DOT string literal: JSON escaping is valid DOT escaping for quotes and backslashes."""
    return json.dumps(text, ensure_ascii=False)


def pipeline_diagram() -> str:
    """The pipeline as Graphviz DOT, each box with its output shape in the paper's letters.

    The letters, not the numbers: the diagram then stays the same when a slider moves (Graphviz
    redraws slowly, animating every box); `sizes_caption` gives the numbers under it.
    """
    steps = [
        ("text", t("overview.step_text"), ""),
        ("tokens", t("overview.step_tokens"), "(seq_len)"),
        ("embed", t("overview.step_embedding"), "(seq_len × d_model)"),
        ("pe", t("overview.step_positional"), "(seq_len × d_model)"),
        ("qkv", t("overview.step_qkv"), "3 × (n_heads × seq_len × d_head)"),
        ("attn", t("overview.step_attention"), "(n_heads × seq_len × seq_len)"),
        ("concat", t("overview.step_concat"), "(seq_len × d_model)"),
        ("out", t("overview.step_output"), "(seq_len × d_model)"),
    ]
    lines = ["digraph { rankdir=LR; node [shape=box, style=rounded, fontname=sans];"]
    for node, label, shape in steps:
        lines.append(f"{node} [label={_dot_label(label + chr(10) + shape if shape else label)}];")
    lines.append(" -> ".join(node for node, _, _ in steps) + ";")
    lines.append("}")
    return "\n".join(lines)


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
