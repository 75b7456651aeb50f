"""What the attention pages add or change with trained weights: a layer and a head to look at,
and where the pronoun really looks ("it → animal 0.93, layer 2 head 1")."""

import streamlit as st

from core.analysis import select_head
from core.attention import MultiHeadTrace
from core.pipeline import PipelineTrace, pronoun_reading
from core.tasks import WORDS
from ui import attention_view, engine, state, text, trained
from ui.i18n import t
from ui.settings import WEIGHTS, Settings, switch_weights

STRONG = 0.6  # a head putting this much of the pronoun's attention on the noun reads it directly


def one_head(settings: Settings) -> tuple[PipelineTrace, MultiHeadTrace, bool]:
    """The self-attention page's single head. Random weights: one head over all d_model columns,
    with the causal toggle. Trained: a layer and a head of the model (it reads both ways)."""
    if settings.run is None:
        text.section("attention", "one_head")
        causal = st.toggle(
            t("attention.causal"),
            key="attn_causal",
            help=t("attention.causal_help"),
            persist_state="session",
            **state.start_value(state.REGISTRY["attn_causal"]),  # ui/links.py: from a link
        )
        trace = engine.pipeline(settings.text, settings.d_model, 1, settings.seed, causal)
        text.section("attention", "untrained")
        st.button(t("trained.offer"), key="attn_show_trained", on_click=_use_trained_weights)
        return trace, trace.attention, causal
    st.markdown(t("trained.attention_intro"))
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
    nouns = [i for i, token in enumerate(tokens) if _is_noun(token, words)]
    if not nouns:
        return
    run = settings.run
    reading = pronoun_reading(run.params, run.task.vocab, settings.text, pronoun, nouns)
    direct = reading.direct
    st.success(t("trained.answer", probability=reading.probability))
    st.text(f"{tokens[pronoun]}  →  {tokens[reading.referent]}   {direct.weight:.2f}")
    st.caption(t("trained.direct_head", layer=direct.layer + 1, head=direct.head))
    if reading.hop_word is not None and direct.weight < STRONG:  # the answer took two hops
        first, second = reading.hop_noun, reading.hop_word
        st.caption(
            t(
                "trained.two_hops",
                layer1=first.layer + 1,
                head1=first.head,
                weight1=first.weight,
                layer2=second.layer + 1,
                head2=second.head,
                weight2=second.weight,
            )
        )
        word, noun, it = tokens[second.key], tokens[reading.referent], tokens[pronoun]
        st.text(f"{word}  →  {noun}   {first.weight:.2f}\n{it}  →  {word}   {second.weight:.2f}")


def _is_noun(token: str, words) -> bool:
    """One of the task's nouns, as the sentence writes it (Korean: with its particle, 동물은)."""
    return any(token == noun or token.startswith(noun) for noun in words.agents + words.places)


def vocab_rows(vocab: tuple[str, ...], tokens: tuple[str, ...]) -> list[str]:
    """Row labels of a trained model's embedding table: "id·word", marked ▶ where the sentence
    uses it (its ids are fixed: the same word has the same row in every sentence)."""
    used = set(tokens)
    return [f"{'▶' if word in used else ' '} {i}·{word}" for i, word in enumerate(vocab)]


def _use_trained_weights() -> None:
    """The untrained-weights note's button: switch every page to the trained model."""
    st.session_state[WEIGHTS.key] = "trained"
    switch_weights()
