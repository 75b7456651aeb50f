"""Each page's own choices (query token, head, tab, layer, positional kind, ...): how a link
writes them, how a value is checked, and their defaults. ui/links.py puts them in the URL. The
learn page's (the task and sizes to train) sit beside its controls, in ui/learn_choices.py."""

import re
from collections.abc import Callable

import streamlit as st

from core.tasks import TASKS
from core.tokenizer import MAX_TOKENS, tokenize
from ui import state
from ui.i18n import t
from ui.learn_choices import LEARN_CHOICES
from ui.settings import D_MODEL, DEFAULT_HEADS, MAX_CHARS, TASK, TEXT, WEIGHTS, default_task

PE_KINDS = ("sinusoidal", "learned")
MAX_EXTRA = 32  # positions the positional page may draw past the sentence
EXTRA_DEFAULT = 16
MAX_DIMS = 6  # dimensions the positional page draws as waves at once
MAX_LAYERS = 16
SHARE_KEY = "links_share"  # the popover that hands out the link
KEPT_KEY = "links_tabs"  # each tab set's open tab by id: Streamlit forgets it when a page is left
LESSON_KEY = "links_lesson"  # its "for a class: hide the controls" box


# --- reading a link's text ------------------------------------------------------------------
def _task():
    return TASKS.get(str(st.session_state.get(TASK.key))) or TASKS[default_task()]


def _positions() -> int:
    """How many tokens the sentence held has (its box is drawn before the page's choices); a
    trained model reads at most its own length."""
    limit = MAX_TOKENS
    if st.session_state.get(WEIGHTS.key) == "trained":
        limit = min(limit, _task().seq_len)
    return max(1, len(tokenize(str(st.session_state.get(TEXT.key) or ""), limit).tokens))


def _position(text: str) -> int:
    """A token position in the sentence, e.g. '3'."""
    return state.whole_number(0, _positions() - 1)(text)


def _head(text: str) -> int:
    """A head number below the head count, e.g. '2'."""
    heads = st.session_state.get("shared_n_heads", DEFAULT_HEADS)
    return state.whole_number(0, int(heads) - 1)(text)


def _layer(text: str) -> int:
    """A layer as the page numbers it (from 1), kept as the widget's index (from 0)."""
    return state.whole_number(1, _task().n_layers)(text) - 1


def _switch(text: str) -> bool:
    if text not in ("0", "1", "false", "true"):
        raise ValueError(f"{text!r} is not 0 or 1")
    return text in ("1", "true")


def _one_of(options: tuple[str, ...]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in options:
            raise ValueError(f"{text!r} is not one of {', '.join(options)}")
        return text

    return parse


def _d_model() -> int:
    return int(st.session_state.get("shared_d_model", D_MODEL["default"]))


def _default_dims() -> list[int]:
    return sorted({0, 1, 4, _d_model() // 2} & set(range(_d_model())))


def _dims(text: str) -> list[int]:
    """Dimensions to draw as waves, e.g. '0,1,4,32': distinct, below d_model, at most six."""
    if not text:
        return []
    parse = state.whole_number(0, _d_model() - 1)
    dims = [parse(part) for part in text.split(",", MAX_DIMS)]
    if len(dims) > MAX_DIMS or len(set(dims)) < len(dims):
        raise ValueError(f"more than {MAX_DIMS} dimensions, or one twice")
    return dims


def _valid_dims(value) -> bool:
    return (
        isinstance(value, list)
        and len(value) <= MAX_DIMS
        and all(state.is_whole(0, D_MODEL["max"] - 1)(d) for d in value)
    )


# --- a label held by a widget, a number in the URL -----------------------------------------
def _labelled(value) -> bool:
    """A label such as "3·it" or "head 3" (any language): text with a number in it."""
    return isinstance(value, str) and len(value) <= MAX_CHARS + 8 and bool(re.search(r"\d", value))


def _number_of(value) -> str:
    """A label's number: "3·it" -> "3", "헤드 3" -> "3"; a number stays itself."""
    found = re.search(r"\d+", str(value))
    return found.group() if found else "0"


TAB_IDS: dict[str, tuple[str, ...]] = {}  # tab set's key -> its tabs' ids


def _tab(key: str, prefix: str, ids: tuple[str, ...], url: str = "tab") -> state.Choice:
    """A set of tabs: the widget holds a tab's label, the URL its id (the label key's end)."""
    TAB_IDS[key] = ids

    def label(tab_id: str) -> str:
        return t(f"{prefix}{_one_of(ids)(tab_id)}")

    def show(held) -> str:
        return next((i for i in ids if t(f"{prefix}{i}") == held), ids[0])

    return state.Choice(
        key, url, lambda: label(ids[0]), label, lambda v: isinstance(v, str), show=show
    )


def _layer_choice(key: str) -> state.Choice:
    valid = state.is_whole(0, MAX_LAYERS - 1)
    return state.Choice(key, "layer", lambda: 0, _layer, valid, show=lambda v: str(int(v) + 1))


def _picked(key: str, url: str, parse: Callable[[str], int]) -> state.Choice:
    """A token or head picked by label: the URL gives its position, 0 by default."""
    return state.Choice(key, url, lambda: 0, parse, _labelled, show=_number_of)


PE_KIND = state.remember(
    state.Choice("pe_kind", "pe", lambda: "sinusoidal", _one_of(PE_KINDS), PE_KINDS.__contains__)
)
PE_EXTRA = state.remember(
    state.Choice(
        "pe_extra",
        "extra",
        lambda: EXTRA_DEFAULT,
        state.whole_number(0, MAX_EXTRA),
        state.is_whole(0, MAX_EXTRA),
    )
)
PE_DIMS = state.remember(
    state.Choice(
        "pe_dims", "dims", _default_dims, _dims, _valid_dims, show=lambda v: ",".join(map(str, v))
    )
)
QKV_TAB = state.remember(_tab("qkv_tab", "qkv.tab_", ("x", "q", "k", "v")))
QKV_TOKEN = state.remember(
    state.Choice("qkv_token", "token", lambda: 0, _position, state.is_whole(0, MAX_TOKENS - 1))
)
QKV_LAYER = state.remember(_layer_choice("qkv_layer"))
ATTN_TAB = state.remember(_tab("attn_steps", "attention.tab_", ("dot", "scale")))
QUERY = state.remember(_picked("attn_query", "query", _position))
CAUSAL = state.remember(
    state.Choice(
        "attn_causal",
        "causal",
        lambda: False,
        _switch,
        lambda v: isinstance(v, bool),
        show=lambda v: "1" if v else "0",
    )
)
ATTN_LAYER = state.remember(_layer_choice("attn_layer"))
ATTN_HEAD = state.remember(_picked("attn_head", "head", _head))
MHA_HEAD = state.remember(_picked("mha_head", "head", _head))
MHA_QK = state.remember(_tab("mha_qk", "multihead.tab_", ("q", "k"), url="qk"))
MHA_TAB = state.remember(_tab("mha_tab", "multihead.tab_", ("concat", "output")))
MHA_LAYER = state.remember(_layer_choice("mha_layer"))

PAGE_CHOICES = {  # page id -> its own choices, in the order the URL lists them
    "positional": (PE_KIND, PE_EXTRA, PE_DIMS),
    "qkv": (QKV_LAYER, QKV_TAB, QKV_TOKEN),
    "attention": (ATTN_LAYER, ATTN_HEAD, CAUSAL, ATTN_TAB, QUERY),
    "multihead": (MHA_LAYER, MHA_HEAD, MHA_QK, MHA_TAB),
    "learn": LEARN_CHOICES,  # the task and sizes to train (ui/learn_choices.py)
}
TABS = (QKV_TAB, ATTN_TAB, MHA_QK, MHA_TAB)
TRAINED_ONLY = (QKV_LAYER, ATTN_LAYER, ATTN_HEAD, MHA_LAYER)
RANDOM_ONLY = (PE_KIND, CAUSAL)  # trained: learned positions, and a model that reads both ways
PAGE_URL_NAMES = sorted({c.url for choices in PAGE_CHOICES.values() for c in choices})
