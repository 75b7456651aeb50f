"""The set-up every page calls first: page config, the sidebar (navigation and shared settings).

The shared settings are sidebar widgets whose keys start with `shared_`; each widget is the one
source of truth for its value (see ui/state.py for how it survives page switches and restarts).
"""

from dataclasses import dataclass

import streamlit as st

from core.attention import valid_head_counts
from core.pipeline import PipelineTrace
from core.tokenizer import MAX_TOKENS, tokenize
from ui import engine, pictures, state
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
MAX_CHARS = 2000  # the sentence box takes at most this many characters


def _default_text() -> str:
    return labels(lang())["example.default"]


def _parse_text(text: str) -> str:
    if len(text) > MAX_CHARS:
        raise ValueError(f"longer than {MAX_CHARS} characters")
    return text


def _parse_lang(code: str) -> str:
    if code not in LANGS:
        raise ValueError(f"unknown language {code!r}")
    return code


def _parse_d_model(text: str) -> int:
    value = state.whole_number(D_MODEL["min"], D_MODEL["max"])(text)
    if value % D_MODEL["step"]:
        raise ValueError(f"d_model must be a multiple of {D_MODEL['step']}")
    return value


def _heads_for(d_model: int) -> list[int]:
    return valid_head_counts(d_model, MAX_HEADS)


def _parse_heads(text: str) -> int:
    """A head count from a link: it must divide the d_model drawn just before it."""
    value = state.whole_number(1, MAX_HEADS)(text)
    d_model = st.session_state.get("shared_d_model", D_MODEL["default"])
    if value not in _heads_for(d_model):
        raise ValueError(f"{value} heads do not divide d_model = {d_model}")
    return value


LANG = state.remember(
    state.Choice(LANG_KEY, "lang", browser_lang, _parse_lang, lambda v: v in LANGS)
)
TEXT = state.remember(
    state.Choice(
        "shared_text",
        "text",
        _default_text,
        _parse_text,
        lambda v: isinstance(v, str) and len(v) <= MAX_CHARS,
    )
)
D_MODEL_CHOICE = state.remember(
    state.Choice(
        "shared_d_model",
        "d_model",
        lambda: D_MODEL["default"],
        _parse_d_model,
        lambda v: state.is_whole(D_MODEL["min"], D_MODEL["max"])(v) and v % D_MODEL["step"] == 0,
    )
)
HEADS = state.remember(
    state.Choice(
        "shared_n_heads",
        "n_heads",
        lambda: min(
            _heads_for(st.session_state.get("shared_d_model", D_MODEL["default"])),
            key=lambda h: (abs(h - DEFAULT_HEADS), h),
        ),
        _parse_heads,
        state.is_whole(1, MAX_HEADS),
    )
)
SEED_CHOICE = state.remember(
    state.Choice(
        "shared_seed",
        "seed",
        lambda: SEED["default"],
        state.whole_number(SEED["min"], SEED["max"]),
        state.is_whole(SEED["min"], SEED["max"]),
    )
)
SHARED = (LANG, TEXT, D_MODEL_CHOICE, HEADS, SEED_CHOICE)


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

    def url_values(self) -> dict[str, object]:
        """The settings by their names in the address bar."""
        return {
            "lang": self.lang,
            "text": self.text,
            "d_model": self.d_model,
            "n_heads": self.n_heads,
            "seed": self.seed,
        }


def _switch_language() -> None:
    """An untouched example sentence follows the language; a typed one stays."""
    text = st.session_state.get(TEXT.key)
    if text is None or text in {labels(code)["example.default"] for code in LANGS}:
        st.session_state[TEXT.key] = _default_text()


def _follow_d_model() -> None:
    """A head count must divide d_model: keep the nearest one that does, and say so."""
    d_model = st.session_state[D_MODEL_CHOICE.key]
    wanted = st.session_state.get(HEADS.key, DEFAULT_HEADS)
    heads = _heads_for(d_model)
    if wanted not in heads:
        nearest = min(heads, key=lambda h: (abs(h - wanted), h))
        st.session_state[HEADS.key] = nearest
        st.session_state["shared_heads_moved"] = (wanted, nearest, d_model)


def _use_example(key: str) -> None:
    st.session_state[TEXT.key] = t(key)


def _reset() -> None:
    for choice in SHARED[1:]:  # the language stays
        st.session_state[choice.key] = choice.default()


def table_words(exclude, limit: int = 8) -> tuple[str, ...]:
    """A few words of the example sentences that the learner's sentence does not use: rows of
    the embedding table that this sentence leaves alone."""
    words = [w for key in EXAMPLES for w in tokenize(labels(lang())[key]).tokens]
    return tuple(w for w in dict.fromkeys(words) if w not in set(exclude))[:limit]


def example_buttons(place: str) -> None:
    """One button per example sentence; `place` keeps the keys of two sets apart."""
    for key in EXAMPLES:
        st.button(t(key), key=f"{place}_{key}", on_click=_use_example, args=(key,), width="stretch")


def _check_values() -> None:
    """Before any widget is drawn: replace values the browser handed back that are unusable."""
    for choice in SHARED:
        state.check(choice)
    d_model = st.session_state.get(D_MODEL_CHOICE.key, D_MODEL["default"])
    heads = _heads_for(int(d_model))
    if st.session_state.get(HEADS.key, DEFAULT_HEADS) not in heads:
        _follow_d_model()


def _sidebar() -> Settings:
    sb = st.sidebar
    language = sb.segmented_control(
        t("settings.language"),
        LANGS,
        key=LANG.key,
        required=True,
        on_change=_switch_language,
        format_func=lambda code: t(f"language.{code}"),
        persist_state="session",
        **state.start_value(LANG, "default"),
    )
    sb.header(t("nav.title"))
    for page_id, path, icon in PAGES:
        sb.page_link(path, label=t(f"nav.{page_id}"), icon=icon)
    sb.header(t("settings.title"))
    text = sb.text_area(
        t("settings.sentence"),
        key=TEXT.key,
        max_chars=MAX_CHARS,
        height=80,
        help=t("settings.sentence_help", max=MAX_TOKENS, chars=MAX_CHARS),
        persist_state="session",
        **state.start_value(TEXT),
    )
    examples = sb.expander(t("settings.examples"), key="sidebar_examples", on_change="rerun")
    if examples.open:  # drawn only while open: four buttons less on every rerun
        with examples:
            example_buttons("sidebar")
    d_model = sb.slider(
        t("settings.d_model"),
        D_MODEL["min"],
        D_MODEL["max"],
        step=D_MODEL["step"],
        key=D_MODEL_CHOICE.key,
        on_change=_follow_d_model,
        help=t("settings.d_model_help"),
        persist_state="session",
        **state.start_value(D_MODEL_CHOICE),
    )
    n_heads = sb.select_slider(
        t("settings.n_heads"),
        options=_heads_for(d_model),
        key=HEADS.key,
        help=t("settings.n_heads_help"),
        persist_state="session",
        **state.start_value(HEADS),
    )
    sb.caption(
        t("settings.d_head_live", d_model=d_model, n_heads=n_heads, d_head=d_model // n_heads)
    )
    seed = sb.number_input(
        t("settings.seed"),
        SEED["min"],
        SEED["max"],
        step=1,
        key=SEED_CHOICE.key,
        help=t("settings.seed_help"),
        persist_state="session",
        **state.start_value(SEED_CHOICE),
    )
    sb.button(t("settings.reset"), on_click=_reset, width="stretch")
    return Settings(language, text, int(d_model), int(n_heads), int(seed))


def _notices() -> None:
    """Say what was changed behind the learner's back: a bad link value, a moved head count."""
    bad = state.take_notices()
    if bad:
        st.info(t("common.link_fallback", names=", ".join(sorted(set(bad)))))
    moved = st.session_state.pop("shared_heads_moved", None)
    if moved:
        st.info(t("settings.heads_moved", old=moved[0], new=moved[1], d_model=moved[2]))


def page(page_id: str) -> Settings:
    """Draw the sidebar and the page title; stop with a friendly prompt if the sentence is empty."""
    state.carry_over(page_id)
    _check_values()
    settings = _sidebar()
    st.set_page_config(page_title=f"{t(f'nav.{page_id}')} · Attention Playground", layout="wide")
    pictures.style()
    st.title(t(f"{page_id}.title"))
    _notices()
    state.sync_url(settings.url_values())
    cut = tokenize(settings.text)  # the tokens only: the page computes the trace it needs
    if not cut.tokens:
        st.info(t("common.empty_sentence"))
        example_buttons("main")
        st.stop()
    if cut.truncated:
        st.warning(t("common.truncated", n_found=cut.n_found, max=MAX_TOKENS))
    return settings
