"""The settings every page shares: their limits, how a link's value is read, what a change of
one setting does to another. The sidebar (ui/setup.py) draws them; ui/state.py keeps them."""

from dataclasses import dataclass

import streamlit as st

from core.attention import valid_head_counts
from core.pipeline import PipelineTrace
from ui import engine, state
from ui.i18n import LANG_KEY, LANGS, browser_lang, labels, lang, t

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


def heads_for(d_model: int) -> list[int]:
    return valid_head_counts(d_model, MAX_HEADS)


def _parse_heads(text: str) -> int:
    """A head count from a link: it must divide the d_model drawn just before it."""
    value = state.whole_number(1, MAX_HEADS)(text)
    d_model = st.session_state.get("shared_d_model", D_MODEL["default"])
    if value not in heads_for(d_model):
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
            heads_for(st.session_state.get("shared_d_model", D_MODEL["default"])),
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


def switch_language() -> None:
    """An untouched example sentence follows the language; a typed one stays."""
    text = st.session_state.get(TEXT.key)
    if text is None or text in {labels(code)["example.default"] for code in LANGS}:
        st.session_state[TEXT.key] = _default_text()


def follow_d_model() -> None:
    """A head count must divide d_model: keep the nearest one that does, and say so."""
    d_model = st.session_state[D_MODEL_CHOICE.key]
    wanted = st.session_state.get(HEADS.key, DEFAULT_HEADS)
    heads = heads_for(d_model)
    if wanted not in heads:
        nearest = min(heads, key=lambda h: (abs(h - wanted), h))
        st.session_state[HEADS.key] = nearest
        st.session_state["shared_heads_moved"] = (wanted, nearest, d_model)


def use_example(key: str) -> None:
    st.session_state[TEXT.key] = t(key)


def reset() -> None:
    for choice in SHARED[1:]:  # the language stays
        st.session_state[choice.key] = choice.default()
