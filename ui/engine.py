"""Cached calls into the engine, keyed by the settings, so a rerun that changes nothing is free."""

import streamlit as st

from core.experiments import order_experiment, scaling_experiment
from core.pipeline import run_pipeline


@st.cache_data(max_entries=64, show_spinner=False)
def pipeline(text: str, d_model: int, n_heads: int, seed: int, causal: bool = False,
             positional: str = "sinusoidal"):
    return run_pipeline(text, d_model, n_heads, seed, causal=causal, positional=positional)


@st.cache_data(max_entries=32, show_spinner=False)
def order(tokens: tuple[str, ...], d_model: int, n_heads: int, seed: int):
    return order_experiment(tokens, d_model, n_heads, seed)


@st.cache_data(max_entries=8, show_spinner=False)
def scaling(d_ks: tuple[int, ...], seq_len: int, seed: int):
    return scaling_experiment(d_ks, seq_len, seed)
