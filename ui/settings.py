"""The settings every page shares: their limits, how a link's value is read, what a change of
one setting does to another. The sidebar (ui/setup.py) draws them; ui/state.py keeps them."""

from dataclasses import dataclass

import streamlit as st

from core.attention import valid_head_counts
from core.pipeline import PipelineTrace
from core.tasks import TASKS
from core.training import TrainingRun
from ui import engine, state
from ui.i18n import LANG_KEY, LANGS, browser_lang, labels, lang, t

D_MODEL = {"min": 8, "max": 512, "step": 8, "default": 64}
DEFAULT_HEADS = 4
MAX_HEADS = 16
SEED = {"min": 0, "max": 9999, "default": 0}
EXAMPLES = ("example.animal", "example.korean", "example.cat", "example.bank")
MAX_CHARS = 2000  # the sentence box takes at most this many characters
WEIGHT_KINDS = ("random", "trained")
MAX_TRAINED_D_MODEL = 128  # larger trained models would keep a learner waiting too long


def default_task() -> str:
    """The trained model a page shows first: "what does it refer to?" in the UI language."""
    return f"coreference_{lang()}" if f"coreference_{lang()}" in TASKS else "coreference_en"


def _default_text() -> str:
    if st.session_state.get("shared_weights") == "trained":
        return TASKS[st.session_state.get("shared_task") or default_task()].examples[0]
    return labels(lang())["example.default"]


def _parse_choice(options):
    """A parser that accepts exactly one of `options`."""

    def parse(text: str) -> str:
        if text not in options:
            raise ValueError(f"{text!r} is not one of {', '.join(options)}")
        return text

    return parse


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


def _d_model() -> int:
    """The d_model a head count must divide: the slider's, or on a page that does not draw it
    (the learn page), the link's."""
    return state.held(D_MODEL_CHOICE)


def _parse_heads(text: str) -> int:
    """A head count from a link: it must divide the d_model drawn just before it."""
    value = state.whole_number(1, MAX_HEADS)(text)
    d_model = _d_model()
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
        lambda: min(heads_for(_d_model()), key=lambda h: (abs(h - DEFAULT_HEADS), h)),
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
WEIGHTS = state.remember(
    state.Choice(
        "shared_weights",
        "weights",
        lambda: "random",
        _parse_choice(WEIGHT_KINDS),
        lambda v: v in WEIGHT_KINDS,
    )
)
TASK = state.remember(
    state.Choice("shared_task", "task", default_task, _parse_choice(TASKS), lambda v: v in TASKS)
)
SHARED = (LANG, WEIGHTS, TASK, TEXT, D_MODEL_CHOICE, HEADS, SEED_CHOICE)


@dataclass(frozen=True)
class Settings:
    """What the learner chose in the sidebar, shared by every page."""

    lang: str
    text: str
    d_model: int
    n_heads: int
    seed: int
    weights: str = "random"  # "random" or "trained"
    task: str = "coreference_en"  # the trained model's task
    run: TrainingRun | None = None  # the trained model, once it is ready
    run_key: object = None  # what identifies that run in the shared cache (a Request)

    @property
    def d_head(self) -> int:
        return self.d_model // self.n_heads

    @property
    def trained(self) -> bool:
        return self.run is not None

    def trace(
        self, causal: bool = False, positional: str = "sinusoidal", layer: int = 0
    ) -> PipelineTrace:
        """The page's trace: random weights, or the trained model's own numbers (its positions
        are learned and it reads both ways: `causal` and `positional` do not apply)."""
        if self.run is not None:
            return engine.trained(self.run_key, self.text, layer, self.run)
        return engine.pipeline(self.text, self.d_model, self.n_heads, self.seed, causal, positional)

    def url_values(self) -> dict[str, object]:
        """The settings by their names in the address bar."""
        return {
            "lang": self.lang,
            "weights": self.weights,
            "task": self.task,
            "text": self.text,
            "d_model": self.d_model,
            "n_heads": self.n_heads,
            "seed": self.seed,
        }


def _untouched(text: str | None) -> bool:
    """Is this sentence one of the app's own examples (not typed by the learner)?"""
    examples = {labels(code)["example.default"] for code in LANGS}
    examples |= {task.examples[0] for task in TASKS.values()}
    return text is None or text in examples


def switch_language() -> None:
    """An untouched example sentence follows the language; a typed one stays. A trained
    "what does it refer to?" model follows the language too."""
    state_ = st.session_state
    if str(state_.get(TASK.key, "")).startswith("coreference_"):
        state_[TASK.key] = default_task()
    if _untouched(state_.get(TEXT.key)):
        state_[TEXT.key] = _default_text()


def switch_weights() -> None:
    """Trained weights: the task's example sentence (if the learner had not typed one) and a
    size that trains quickly enough (with a notice); random weights: the usual example."""
    state_ = st.session_state
    if _untouched(state_.get(TEXT.key)):
        state_[TEXT.key] = _default_text()
    task = TASKS[state_.get(TASK.key) or default_task()]
    if state_[WEIGHTS.key] == "trained" and state_.get(D_MODEL_CHOICE.key, 0) > MAX_TRAINED_D_MODEL:
        state_["shared_size_moved"] = (state_[D_MODEL_CHOICE.key], task.d_model)
        state_[D_MODEL_CHOICE.key] = task.d_model
        follow_d_model()


def switch_task() -> None:
    if _untouched(st.session_state.get(TEXT.key)):
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
        if choice is TEXT:
            continue
        st.session_state[choice.key] = choice.default()
    st.session_state[TEXT.key] = _default_text()  # after the weights: their example


def check_values() -> None:
    """Before any widget is drawn: replace values the browser handed back that are unusable."""
    for choice in SHARED:
        state.check(choice)
    d_model = st.session_state.get(D_MODEL_CHOICE.key, D_MODEL["default"])
    heads = heads_for(int(d_model))
    if st.session_state.get(HEADS.key, DEFAULT_HEADS) not in heads:
        follow_d_model()
