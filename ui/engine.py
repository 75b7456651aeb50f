"""Cached calls into the engine, keyed by the settings, so a rerun that changes nothing is free.

st.cache_resource, not st.cache_data: a trace at d_model 512 holds ~9 MB (the four projection
matrices), and cache_data would unpickle a fresh copy on every rerun. The traces are frozen
dataclasses that nobody writes to, so sharing one copy between reruns and sessions is safe.
max_entries bounds the memory: 16 traces at the largest settings are ~150 MB.
"""

import streamlit as st

from core.analysis import cosine_similarity, pca_2d
from core.experiments import order_experiment, scaling_experiment
from core.pipeline import run_pipeline


@st.cache_resource(max_entries=16, show_spinner=False)
def pipeline(
    text: str,
    d_model: int,
    n_heads: int,
    seed: int,
    causal: bool = False,
    positional: str = "sinusoidal",
):
    return run_pipeline(text, d_model, n_heads, seed, causal=causal, positional=positional)


@st.cache_resource(max_entries=16, show_spinner=False)
def order(tokens: tuple[str, ...], d_model: int, n_heads: int, seed: int):
    return order_experiment(tokens, d_model, n_heads, seed)


@st.cache_resource(max_entries=8, show_spinner=False)
def scaling(d_ks: tuple[int, ...], seq_len: int, seed: int):
    return scaling_experiment(d_ks, seq_len, seed)


@st.cache_resource(max_entries=16, show_spinner=False)
def embedding_views(text: str, d_model: int, seed: int):
    """Cosine similarity and the 2-D PCA of a sentence's embedding vectors."""
    vectors = pipeline(text, d_model, 1, seed).embedding.vectors  # (seq_len, d_model)
    return cosine_similarity(vectors), pca_2d(vectors)
