"""Cached calls into the engine, keyed by the settings, so a rerun that changes nothing is free.

st.cache_resource, not st.cache_data: a trace at d_model 512 holds ~9 MB (the four projection
matrices), and cache_data would unpickle a fresh copy on every rerun. One copy is shared by
every rerun and every learner's session, so every array in it is made read-only here, at the
cache boundary: an in-place edit anywhere raises instead of changing everyone's numbers.
max_entries bounds the memory: 16 traces at the largest settings are ~150 MB.
"""

import dataclasses
import functools

import numpy as np
import streamlit as st

from core.analysis import cosine_similarity, pca_2d
from core.experiments import order_experiment, scaling_experiment
from core.pipeline import run_pipeline, trained_pipeline
from ui.training_jobs import Trainer


def read_only(value):
    """Make every NumPy array inside `value` (dataclasses, tuples, lists, dicts) read-only."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            read_only(getattr(value, field.name))
    elif isinstance(value, list | tuple):
        for item in value:
            read_only(item)
    elif isinstance(value, dict):
        for item in value.values():
            read_only(item)
    return value


def shared(max_entries: int):
    """st.cache_resource whose results are made read-only before anyone sees them."""

    def wrap(function):
        @functools.wraps(function)
        def frozen(*args, **kwargs):
            return read_only(function(*args, **kwargs))

        return st.cache_resource(max_entries=max_entries, show_spinner=False)(frozen)

    return wrap


@shared(max_entries=16)
def pipeline(
    text: str,
    d_model: int,
    n_heads: int,
    seed: int,
    causal: bool = False,
    positional: str = "sinusoidal",
):
    return run_pipeline(text, d_model, n_heads, seed, causal=causal, positional=positional)


@shared(max_entries=16)
def order(tokens: tuple[str, ...], d_model: int, n_heads: int, seed: int):
    return order_experiment(tokens, d_model, n_heads, seed)


@shared(max_entries=8)
def scaling(d_ks: tuple[int, ...], seq_len: int, seed: int):
    return scaling_experiment(d_ks, seq_len, seed)


def embedding_views(settings, vectors):
    """Cosine similarity and the 2-D PCA of a sentence's embedding vectors (random or trained),
    cached by what decides those vectors."""
    source = settings.run_key if settings.run is not None else (settings.d_model, settings.seed)
    return _embedding_views(source, settings.text, vectors)


@shared(max_entries=16)
def _embedding_views(source, text: str, _vectors):
    return cosine_similarity(_vectors), pca_2d(_vectors)


@st.cache_resource(show_spinner=False)
def trainer() -> Trainer:
    """The one queue of training runs of this server, shared by every learner."""
    return Trainer()


@shared(max_entries=32)
def trained(run_key, text: str, layer: int, _run):
    """A trained model's trace of a sentence (run_key names the run; the run itself is not
    hashed). Raises core.pipeline.UnknownWords for a word outside its vocabulary."""
    return trained_pipeline(_run.params, _run.task.vocab, text, layer)
