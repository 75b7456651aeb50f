"""What the attention pages add or change with trained weights: a layer and a head to look at,
and where the pronoun really looks ("it → animal 0.93, layer 2 head 1")."""

import streamlit as st

from core.analysis import select_head, strongest_look
from core.attention import MultiHeadTrace
from core.pipeline import PipelineTrace
from core.tasks import WORDS
from ui import attention_view, engine, text, trained
from ui.i18n import t
from ui.settings import Settings


def one_head(settings: Settings) -> tuple[PipelineTrace, MultiHeadTrace, bool]:
    """The self-attention page's single head. Random weights: one head over all d_model columns,
    with the causal toggle. Trained: a layer and a head of the model (it reads both ways)."""
    if settings.run is None:
        causal = st.toggle(
            t("attention.causal"), key="attn_causal", help=t("attention.causal_help")
        )
        trace = engine.pipeline(settings.text, settings.d_model, 1, settings.seed, causal)
        text.section("attention", "untrained")
        return trace, trace.attention, causal
    left, right = st.columns(2)
    with left:
        layer = trained.layer_picker(settings, "attn_layer")
    trace = settings.trace(layer=layer)
    heads = [t("multihead.head_n", h=h) for h in range(settings.n_heads)]
    with right:
        head = attention_view.pick(t("multihead.pick_head"), "attn_head", heads)
    referent_line(settings)
    return trace, select_head(trace.attention, head), False


def referent_line(settings: Settings) -> None:
    """For a "what does it refer to?" model: the head where the pronoun looks hardest, and at
    which word, with the weight written out."""
    words = WORDS.get(settings.run.task.name) if settings.run else None
    if words is None:
        return
    tokens = settings.trace().tokens
    pronoun = next((i for i, token in enumerate(tokens) if token in words.pronouns), None)
    if pronoun is None:
        return
    n_layers = settings.run.config.n_layers
    weights = [settings.trace(layer=layer).attention.weights for layer in range(n_layers)]
    look = strongest_look(weights, pronoun)
    st.success(t("trained.looks_at", layer=look.layer + 1, head=look.head, weight=look.weight))
    st.text(f"{tokens[pronoun]}  →  {tokens[look.key]}   {look.weight:.2f}")  # user text as text


def vocab_rows(vocab: tuple[str, ...], tokens: tuple[str, ...]) -> list[str]:
    """Row labels of a trained model's embedding table: "id·word", marked ▶ where the sentence
    uses it (its ids are fixed: the same word has the same row in every sentence)."""
    used = set(tokens)
    return [f"{'▶' if word in used else ' '} {i}·{word}" for i, word in enumerate(vocab)]
