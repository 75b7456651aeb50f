"""“Check yourself” at the end of a concept page: exercises built from the learner's own numbers.

Each exercise is one small form: an answer box labelled with the prompt, and Check. Feedback
comes at once: right, or "not yet" with a hint that names the section holding the answer; after
a wrong try, Show me gives the worked answer with the engine's numbers. A prediction shows its
experiment's numbers once answered. The section is a fragment: Check reruns it alone, not the
page's charts.

Progress lives in st.session_state[PROGRESS]; solved_count(), total_count(), page_done() and
start_over() are for a progress display elsewhere (the sidebar).
"""

import streamlit as st

from core.exercises import EXERCISE_IDS, Exercise, exercises_for
from core.pipeline import PipelineTrace
from ui.i18n import t
from ui.text import escape

PROGRESS = "progress"
# The sections a hint points at, as the page titles them: label keys for {where} and {where2}.
WHERE = {
    "learn_params": ("learn.setup_title",),
    "learn_d_head": ("learn.setup_title",),
    "learn_chance": ("learn.curves_title",),
    "emb_shape_x": ("embedding.vectors_title",),
    "emb_token_id": ("embedding.ids_title",),
    "emb_same_vector": ("embedding.vectors_title", "embedding.cosine_title"),
    "emb_cosine": ("embedding.cosine_title",),
    "pe_value": ("positional.table_title",),
    "pe_wavelength": ("positional.waves_title",),
    "pe_self_dot": ("positional.similarity_title",),
    "pe_shuffle": ("positional.experiment_title",),
    "qkv_shape_k": ("qkv.tab_k", "qkv.matrices_title"),
    "qkv_head_of_column": ("qkv.heads_title",),
    "qkv_best_key": ("qkv.token_title", "qkv.dots_title"),
    "attn_shape_weights": ("attention.steps_title",),
    "attn_scaled_score": ("attention.tab_scale", "attention.query_title"),
    "attn_max_weight": ("attention.query_title",),
    "attn_causal": ("attention.causal",),
    "mha_shape_head": ("multihead.tab_q", "multihead.split_title"),
    "mha_params": ("multihead.concat_title",),
    "mha_max_weight": ("multihead.pick_head", "multihead.split_title"),
    "mha_one_vs_many": ("multihead.compare_title",),
}
_LAST: dict[str, tuple[PipelineTrace, tuple[Exercise, ...]]] = {}  # page id -> (trace, exercises)


def _progress() -> dict:
    """This session's progress. solved: {"page:exercise"}; visited: {page}; tries and shown:
    {"page:exercise": (signature, response)} and {"page:exercise": signature}."""
    fresh = {"solved": set(), "visited": set(), "tries": {}, "shown": {}}
    return st.session_state.setdefault(PROGRESS, fresh)


def solved_count() -> int:
    """How many exercises this session has solved, over all pages."""
    return len(_progress()["solved"])


def total_count() -> int:
    """How many exercises there are, over all pages (a fixed number per page)."""
    return sum(len(ids) for ids in EXERCISE_IDS.values())


def page_done(page_id: str) -> bool:
    """Has every exercise of this page been solved?"""
    solved = _progress()["solved"]
    return all(f"{page_id}:{exercise_id}" in solved for exercise_id in EXERCISE_IDS[page_id])


def visited(page_id: str) -> bool:
    """Has this page shown its exercises in this session?"""
    return page_id in _progress()["visited"]


def start_over() -> None:
    """Forget all progress and every answer typed (call it as a button's on_click)."""
    st.session_state.pop(PROGRESS, None)
    for ids in EXERCISE_IDS.values():
        for exercise_id in ids:
            st.session_state.pop(f"ex_{exercise_id}", None)


def _exercises(page_id: str, trace: PipelineTrace) -> tuple[Exercise, ...]:
    """The page's exercises, made once per trace (the engine caches traces), so an answer worked
    out once (the shuffle experiment takes milliseconds) is kept while the settings stay."""
    last = _LAST.get(page_id)
    if last is None or last[0] is not trace:
        last = _LAST[page_id] = (trace, exercises_for(page_id, trace))
    return last[1]


def _signature(exercise: Exercise) -> str:
    """What makes a question the same question: its parameters and, unless it is a prediction
    (whose answer costs an experiment), its answer. A stored try counts while this matches."""
    answer = None if exercise.kind == "predict" else exercise.answer
    return repr((exercise.id, sorted(exercise.params.items()), answer))


def _values(exercise: Exercise) -> dict:
    """The prompt's parameters, token text escaped, and the titles of the sections it names."""
    values = {k: escape(v) if isinstance(v, str) else v for k, v in exercise.params.items()}
    for name, key in zip(("where", "where2"), WHERE.get(exercise.id, ())):
        values[name] = t(key)
    return values


def _option_text(exercise: Exercise, option, tokens: tuple[str, ...]) -> str:
    if isinstance(option, int):  # a token position: shown as the charts label it
        return f"{option}·{tokens[option]}"
    return t(f"exercises.{exercise.id}.options.{option}")


def _answer_text(exercise: Exercise, tokens: tuple[str, ...]) -> str:
    """The answer as Markdown for the worked answer (a token's text escaped)."""
    answer = exercise.answer
    if exercise.options:
        return escape(_option_text(exercise, answer, tokens))
    return f"{answer:.4f}" if isinstance(answer, float) else str(answer)


def _input(exercise: Exercise, prompt: str, tokens: tuple[str, ...]) -> None:
    """The answer box, labelled with the prompt: text for a shape, a number box, or the options
    (none chosen at first). A widget with a key keeps its identity when its label changes."""
    common = {"key": f"ex_{exercise.id}"}
    if exercise.kind == "shape":
        st.text_input(prompt, placeholder=t("exercises.shape_placeholder"), **common)
    elif exercise.kind == "number":
        step, digits = (exercise.tolerance, "%.4f") if exercise.tolerance else (1, "%d")
        placeholder = t("exercises.number_placeholder")
        st.number_input(
            prompt, value=None, step=step, format=digits, placeholder=placeholder, **common
        )
    else:
        shown = {option: _option_text(exercise, option, tokens) for option in exercise.options}
        common["format_func"] = shown.__getitem__
        if isinstance(exercise.options[0], int):  # tokens: a select box shows text as text
            placeholder = t("exercises.pick")
            st.selectbox(prompt, exercise.options, index=None, placeholder=placeholder, **common)
        else:  # our own option labels (a radio reads them as Markdown)
            st.radio(prompt, exercise.options, index=None, horizontal=True, **common)


def _check(name: str, exercise: Exercise) -> None:
    """Check's callback: store the try; a first solve asks for a whole-app rerun (see below)."""
    progress = _progress()
    response = st.session_state.get(f"ex_{exercise.id}")
    progress["tries"][name] = (_signature(exercise), response)
    if exercise.check(response) and name not in progress["solved"]:
        progress["solved"].add(name)
        progress["fresh"] = True


def _show(name: str, signature: str) -> None:
    _progress()["shown"][name] = signature


def _feedback(name: str, exercise: Exercise, values: dict, tokens: tuple[str, ...]) -> None:
    """Right, or not yet with a hint and Show me; a prediction's experiment once answered."""
    progress = _progress()
    tried = progress["tries"].get(name)
    if tried is None or tried[0] != _signature(exercise):  # never tried, or the question changed
        return
    response, prefix = tried[1], f"exercises.{exercise.id}"
    if response is None:
        st.info(t("exercises.empty"))
        return
    numbers = {**values, **exercise.worked, "answer_text": _answer_text(exercise, tokens)}
    right = exercise.check(response)
    if right:
        st.success(t("exercises.right"))
    else:
        st.warning(f"{t('exercises.not_yet')} {t(f'{prefix}.hint', **values)}")
    if exercise.kind == "predict":
        st.info(t(f"{prefix}.result", **numbers))
    if not right:
        signature = tried[0]
        st.form_submit_button(
            t("exercises.show_me"),
            key=f"ex_{exercise.id}_show",
            on_click=_show,
            args=(name, signature),
        )
        if progress["shown"].get(name) == signature:
            st.info(t(f"{prefix}.worked", **numbers))


def _exercise(page_id: str, exercise: Exercise, tokens: tuple[str, ...]) -> None:
    name = f"{page_id}:{exercise.id}"
    values = _values(exercise)
    prompt = t(f"exercises.{exercise.id}.prompt", **values)
    if exercise.tolerance:
        prompt += " " + t("exercises.tolerance", tolerance=exercise.tolerance)
    if name in _progress()["solved"]:
        prompt = f":green[✓ {t('exercises.solved')}] · {prompt}"
    with st.form(f"ex_{exercise.id}_form"):
        _input(exercise, prompt, tokens)
        st.form_submit_button(
            t("exercises.check"),
            key=f"ex_{exercise.id}_check",
            on_click=_check,
            args=(name, exercise),
        )
        _feedback(name, exercise, values, tokens)


@st.fragment
def check_yourself(page_id: str, trace: PipelineTrace) -> None:
    """The page's exercises, from the trace it drew at its default choices. Check reruns only
    this fragment; a first solve reruns the whole app once, so a progress bar elsewhere counts it."""
    progress = _progress()
    progress["visited"].add(page_id)
    if progress.pop("fresh", False):
        st.rerun(scope="app")
    st.subheader(t("exercises.title"), help=t("exercises.intro"))
    for exercise in _exercises(page_id, trace):
        _exercise(page_id, exercise, trace.tokens)
