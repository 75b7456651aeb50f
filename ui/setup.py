"""The set-up every page calls first: page config, sidebar (navigation and shared settings).

The shared settings live in our own session-state keys prefixed `shared_`, so they survive page
switches (Streamlit drops the state of widgets that a page does not draw).
"""

from dataclasses import dataclass

import streamlit as st

from core.attention import valid_head_counts
from core.pipeline import PipelineTrace
from core.tokenizer import MAX_TOKENS, tokenize
from ui import engine, show
from ui.i18n import LANG_KEY, LANGS, browser_lang, labels, lang, t

# (page id, script path, icon): the order of the sidebar and of the overview's list.
PAGES = (
    ("overview", "app.py", ":material/home:"),
    ("embedding", "pages/1_embedding.py", ":material/table_rows:"),
    ("positional", "pages/2_positional_encoding.py", ":material/timeline:"),
    ("qkv", "pages/3_query_key_value.py", ":material/key:"),
    ("attention", "pages/4_self_attention.py", ":material/center_focus_strong:"),
    ("multihead", "pages/5_multi_head_attention.py", ":material/view_module:"),
)
D_MODEL = {"min": 8, "max": 512, "step": 8, "default": 64}
DEFAULT_HEADS = 4
MAX_HEADS = 16
SEED = {"min": 0, "max": 9999, "default": 0}
EXAMPLES = ("example.animal", "example.korean", "example.cat", "example.bank")
KEYS = ("shared_text", "shared_d_model", "shared_n_heads", "shared_seed")
MAX_CHARS = 2000  # the sentence box takes at most this many characters


@dataclass(frozen=True)
class Settings:
    """What the learner chose in the sidebar, shared by every page."""

    lang: str
    text: str
    d_model: int
    n_heads: int
    seed: int

    @property
    def d_head(self) -> int:
        return self.d_model // self.n_heads

    def trace(self, causal: bool = False, positional: str = "sinusoidal") -> PipelineTrace:
        return engine.pipeline(self.text, self.d_model, self.n_heads, self.seed, causal, positional)


def _default_text(language: str) -> str:
    return labels(language)["example.default"]


def _init_state() -> None:
    """Fill in missing settings: language from ?lang= or the browser, sentence from ?text=."""
    state = st.session_state
    if state.get(LANG_KEY) not in LANGS:
        asked = st.query_params.get("lang", "")
        state[LANG_KEY] = asked if asked in LANGS else browser_lang()
    if "shared_text" not in state:
        state["shared_text"] = st.query_params.get("text", _default_text(state[LANG_KEY]))
    state["shared_text"] = str(state["shared_text"])[:MAX_CHARS]
    state.setdefault("shared_d_model", D_MODEL["default"])
    state.setdefault("shared_seed", SEED["default"])
    heads = valid_head_counts(state["shared_d_model"], MAX_HEADS)
    if state.get("shared_n_heads") not in heads:  # d_model changed: keep the nearest valid count
        wanted = state.get("shared_n_heads", DEFAULT_HEADS)
        state["shared_n_heads"] = min(heads, key=lambda h: (abs(h - wanted), h))


# Streamlit forgets a widget's value when the learner switches pages, so each sidebar widget
# (key "sidebar_x") is loaded from our own key ("shared_x") before it is drawn, and stores its
# value back there when the learner changes it.
def _load(name: str) -> str:
    st.session_state[f"sidebar_{name}"] = st.session_state[f"shared_{name}"]
    return f"sidebar_{name}"


def _store(name: str) -> None:
    st.session_state[f"shared_{name}"] = st.session_state[f"sidebar_{name}"]


def _switch_language() -> None:
    """Store the new language; swap the example sentence too if the learner had not typed one."""
    old = st.session_state[LANG_KEY]
    _store("lang")
    if st.session_state.get("shared_text") == _default_text(old):
        st.session_state["shared_text"] = _default_text(st.session_state[LANG_KEY])


def _use_example(key: str) -> None:
    st.session_state["shared_text"] = t(key)


def _reset() -> None:
    for key in KEYS:
        st.session_state.pop(key, None)
    st.session_state["shared_text"] = _default_text(lang())


def table_words(exclude, limit: int = 8) -> tuple[str, ...]:
    """A few words of the example sentences that the learner's sentence does not use: rows of
    the embedding table that this sentence leaves alone."""
    words = [w for key in EXAMPLES for w in tokenize(labels(lang())[key]).tokens]
    return tuple(w for w in dict.fromkeys(words) if w not in set(exclude))[:limit]


def example_buttons(place: str) -> None:
    """One button per example sentence; `place` keeps the keys of two sets apart."""
    for key in EXAMPLES:
        st.button(t(key), key=f"{place}_{key}", on_click=_use_example, args=(key,), width="stretch")


def _sidebar() -> None:
    sb = st.sidebar
    sb.segmented_control(
        t("settings.language"),
        LANGS,
        key=_load("lang"),
        required=True,
        on_change=_switch_language,
        format_func=lambda code: t(f"language.{code}"),
    )
    sb.header(t("nav.title"))
    for page_id, path, icon in PAGES:
        sb.page_link(path, label=t(f"nav.{page_id}"), icon=icon)
    sb.header(t("settings.title"))
    sb.text_area(
        t("settings.sentence"),
        key=_load("text"),
        on_change=_store,
        args=("text",),
        max_chars=MAX_CHARS,
        height=80,
        help=t("settings.sentence_help", max=MAX_TOKENS, chars=MAX_CHARS),
    )
    examples = sb.expander(t("settings.examples"), key="sidebar_examples", on_change="rerun")
    if examples.open:  # drawn only while open: four buttons less on every rerun
        with examples:
            example_buttons("sidebar")
    sb.slider(
        t("settings.d_model"),
        D_MODEL["min"],
        D_MODEL["max"],
        step=D_MODEL["step"],
        key=_load("d_model"),
        on_change=_store,
        args=("d_model",),
        help=t("settings.d_model_help"),
    )
    heads = valid_head_counts(st.session_state["shared_d_model"], MAX_HEADS)
    sb.select_slider(
        t("settings.n_heads"),
        options=heads,
        key=_load("n_heads"),
        on_change=_store,
        args=("n_heads",),
        help=t("settings.n_heads_help"),
    )
    d_model, n_heads = st.session_state["shared_d_model"], st.session_state["shared_n_heads"]
    sb.caption(
        t("settings.d_head_live", d_model=d_model, n_heads=n_heads, d_head=d_model // n_heads)
    )
    sb.number_input(
        t("settings.seed"),
        SEED["min"],
        SEED["max"],
        step=1,
        key=_load("seed"),
        on_change=_store,
        args=("seed",),
        help=t("settings.seed_help"),
    )
    sb.button(t("settings.reset"), on_click=_reset, width="stretch")


def page(page_id: str) -> Settings:
    """Draw the sidebar and the page title; stop with a friendly prompt if the sentence is empty."""
    st.set_page_config(page_title=f"{t(f'nav.{page_id}')} · Attention Playground", layout="wide")
    _init_state()
    show.picture_style()
    _sidebar()
    st.title(t(f"{page_id}.title"))
    state = st.session_state
    settings = Settings(
        lang(),
        state["shared_text"],
        state["shared_d_model"],
        state["shared_n_heads"],
        int(state["shared_seed"]),
    )
    trace = settings.trace()
    if not trace.tokens:
        st.info(t("common.empty_sentence"))
        example_buttons("main")
        st.stop()
    if trace.truncated:
        st.warning(t("common.truncated", n_found=trace.n_found, max=MAX_TOKENS))
    return settings
