"""Lesson links: the whole view in the address bar, and a box that hands out a copy of it.

The shared settings (ui/settings.py) are in the URL on every page; each page adds its own
choices under short names, only while it is shown:

    positional  pe=sinusoidal|learned  extra=0…32  dims=0,1,4,32
    qkv         tab=x|q|k|v  token=3  layer=1 (trained)
    attention   tab=dot|scale  query=3  causal=0|1  head=0, layer=1 (trained)
    multihead   head=0  qk=q|k  tab=concat|output  layer=1 (trained)

A token or head is written as its position (a widget holds its label, "3·it" or "head 3");
a tab as a short id, not its label (labels change with the language); a layer as the page
numbers it, from 1. Each is a state.Choice: carried over page switches, checked, started from
the link. A value a link gets wrong falls back to the default with the usual notice.
"""

import re
from collections.abc import Callable
from urllib.parse import quote, urlencode

import streamlit as st

from core.tasks import TASKS
from core.tokenizer import MAX_TOKENS, tokenize
from ui import lesson, state
from ui.i18n import t
from ui.settings import D_MODEL, DEFAULT_HEADS, MAX_CHARS, SHARED, TASK, TEXT, WEIGHTS, default_task

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
}
TABS = (QKV_TAB, ATTN_TAB, MHA_QK, MHA_TAB)
TRAINED_ONLY = (QKV_LAYER, ATTN_LAYER, ATTN_HEAD, MHA_LAYER)
RANDOM_ONLY = (PE_KIND, CAUSAL)  # trained: learned positions, and a model that reads both ways
PAGE_URL_NAMES = sorted({c.url for choices in PAGE_CHOICES.values() for c in choices})


def choices(page_id: str) -> tuple[state.Choice, ...]:
    """The page's own choices that apply to the weights in use."""
    trained = st.session_state.get(WEIGHTS.key) == "trained"
    skip = RANDOM_ONLY if trained else TRAINED_ONLY
    return tuple(c for c in PAGE_CHOICES.get(page_id, ()) if c not in skip)


def start_position(key: str, count: int) -> int:
    """Where a picker by label starts while its key is unknown: the link's position (kept
    inside the `count` labels there are), else 0."""
    choice = state.REGISTRY.get(key)
    if choice is None or not st.query_params.get_all(choice.url):
        return 0
    return min(int(state.from_url(choice)), count - 1)


# --- the page's part ------------------------------------------------------------------------
def check(page_id: str) -> None:
    """After the shared settings, before the page draws: a value of the page's own choices that
    the browser handed back or the link gives is checked (bad: default, with the notice);
    a link's tab is put under its key."""
    kept = st.session_state.get(KEPT_KEY, {})
    for choice in choices(page_id):
        if choice in TABS and choice.key in kept:
            _open_kept_tab(choice, kept[choice.key])
        elif choice.key in st.session_state:
            state.check(choice)
        elif state.link_ok(choice) and choice in TABS:
            state.seed(choice)


def _open_kept_tab(choice: state.Choice, tab_id: str) -> None:
    """Tabs have no persist_state: the tab last open on this page (after a page switch, or in
    the other language) is put back under the key, unless a current tab label is there."""
    labels = [choice.parse(i) for i in TAB_IDS[choice.key]]
    if st.session_state.get(choice.key) not in labels:
        st.session_state[choice.key] = choice.parse(tab_id)


def sync(page_id: str) -> None:
    """Write the page's own choices into the address bar and drop those of other pages. Called
    at the end of a page and of each fragment that holds one of its choices."""
    own = {c.url: state.url_text(c) for c in choices(page_id)}
    kept = st.session_state.setdefault(KEPT_KEY, {})
    kept.update({c.key: own[c.url] for c in choices(page_id) if c in TABS})
    state.sync_url(own, drop=tuple(name for name in PAGE_URL_NAMES if name not in own))


def view_values(page_id: str, for_class: bool = False) -> dict[str, str]:
    """Every value of the view by its URL name: the shared settings, then the page's own."""
    values = {c.url: state.url_text(c) for c in SHARED}
    values.update({c.url: state.url_text(c) for c in choices(page_id)})
    if for_class or lesson.lesson_only():
        values["view"] = lesson.LESSON_ONLY
    return values


def view_link(page_id: str, for_class: bool = False) -> str:
    """The address that opens this view: this page, with every value of it."""
    base = st.context.url
    if not base:  # no browser (a test): the page's own path
        from ui.setup import PAGES  # imported here: ui.setup imports this module

        path = next(p for i, p, _ in PAGES if i == page_id)
        base = "/" + ("" if path == "app.py" else re.sub(r"^\d+_", "", path[6:-3]))
    query = urlencode(view_values(page_id, for_class), quote_via=quote)
    return f"{base}?{query}"


def share(page_id: str) -> None:
    """A box in the sidebar that hands out the link to this view (copy it with the code box's
    own button), optionally for a class (the controls hidden). Built only while open."""
    box = st.sidebar.popover(
        t("links.share"),
        icon=":material/link:",
        key=SHARE_KEY,
        on_change="rerun",
        help=t("links.share_help"),
        width="stretch",
    )
    if not box.open:
        return
    with box:
        start = {} if LESSON_KEY in st.session_state else {"value": lesson.lesson_only()}
        for_class = st.checkbox(
            t("links.for_class"), key=LESSON_KEY, help=t("links.for_class_help"), **start
        )
        st.code(view_link(page_id, for_class), language=None, wrap_lines=True)
        st.caption(t("links.copy_hint"))


def prepare(page_id: str) -> None:
    """The page's own choices from the link (checked before the notices are shown), and the
    box that shares the view."""
    check(page_id)
    share(page_id)
