"""Check yourself on the real pages (AppTest through the whole app): on every concept page, in
both languages, at three settings, each exercise's own answer is praised and a wrong one is not;
the answers follow the sentence and d_model; progress rises and survives a page switch.

The expected answers come from core.exercises on a trace run here with core.pipeline, from the
settings alone (the pages draw theirs through the app's cache)."""

import pytest
from streamlit.testing.v1 import AppTest

from core.exercises import EXERCISE_IDS, TRACE_PAGES, exercises_for
from core.pipeline import run_pipeline
from tests.apptest import PAGE_PATH, run_page
from tests.test_exercises_ui import answer, in_form, wrong
from ui.exercises import PROGRESS
from ui.i18n import LANGS, labels

PAGES = TRACE_PAGES  # the pages whose exercises read a PipelineTrace
TOTAL = sum(len(ids) for ids in EXERCISE_IDS.values())
OTHER_SENTENCE = {
    "en": "the cat saw the dog and the dog saw the cat",
    "ko": "고양이가 개를 보았고 개도 고양이를 보았다",
}
SETTINGS = {
    "default": {},
    "small": {"shared_d_model": 16, "shared_n_heads": 2, "shared_seed": 3},
    "sentence": {"shared_d_model": 32, "shared_n_heads": 4, "shared_seed": 1},  # + OTHER_SENTENCE
}


def state_for(lang: str, setting: str) -> dict:
    state = dict(SETTINGS[setting])
    if setting == "sentence":
        state["shared_text"] = OTHER_SENTENCE[lang]
    return state


def exercises_at(page_id: str, lang: str, setting: str):
    """The exercises the page should ask: its trace from the settings (one head on the
    self-attention page, no causal mask, sinusoidal positions), worked out here."""
    state = state_for(lang, setting)
    text = state.get("shared_text", labels(lang)["example.default"])
    heads = 1 if page_id == "attention" else state.get("shared_n_heads", 4)
    trace = run_pipeline(text, state.get("shared_d_model", 64), heads, state.get("shared_seed", 0))
    return exercises_for(page_id, trace)


def progress_text(at: AppTest) -> str:
    """The sidebar's progress bar text, e.g. "3 of 20 exercises solved"."""
    (bar,) = at.sidebar.get("progress")
    return bar.proto.text


def solved(at: AppTest) -> int:
    """What ui.exercises.solved_count() reads: the session's solved exercises."""
    return len(at.session_state[PROGRESS]["solved"])


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page_id", PAGES)
def test_each_exercise_praises_its_answer_and_not_a_wrong_one(page_id, lang, setting):
    at = run_page(page_id, lang, **state_for(lang, setting))
    assert not at.exception, [e.value for e in at.exception]
    right = labels(lang)["exercises.right"]
    for count, exercise in enumerate(exercises_at(page_id, lang, setting), start=1):
        answer(at, exercise, wrong(exercise))
        assert not at.exception, [e.value for e in at.exception]
        assert not in_form(at, exercise, "success"), exercise.id
        assert in_form(at, exercise, "warning"), exercise.id
        answer(at, exercise, exercise.answer)
        assert in_form(at, exercise, "success") == [right], exercise.id
        assert solved(at) == count
        template = labels(lang)["lesson.progress"]
        assert progress_text(at) == template.format(solved=count, total=TOTAL)


@pytest.mark.parametrize("setting", ["small", "sentence"])
@pytest.mark.parametrize("page_id", PAGES)
def test_answers_follow_the_sentence_and_d_model(page_id, setting):
    before = {e.id: e for e in exercises_at(page_id, "en", "default")}
    after = exercises_at(page_id, "en", setting)
    changed = [e for e in after if e.answer != before[e.id].answer]
    assert changed, f"no answer on {page_id} changed with the {setting} settings"
    at = run_page(page_id, "en", **state_for("en", setting))
    exercise = changed[0]
    answer(at, exercise, before[exercise.id].answer)  # the answer for the default settings
    assert not in_form(at, exercise, "success"), exercise.id
    answer(at, exercise, exercise.answer)
    assert in_form(at, exercise, "success") == [labels("en")["exercises.right"]]


@pytest.mark.parametrize("lang", LANGS)
def test_progress_rises_and_survives_page_switches(lang):
    template = labels(lang)["lesson.progress"]
    at = run_page("embedding", lang)
    assert progress_text(at) == template.format(solved=0, total=TOTAL)
    for exercise in exercises_at("embedding", lang, "default")[:2]:
        answer(at, exercise, exercise.answer)
    assert solved(at) == 2
    at.switch_page(PAGE_PATH["qkv"]).run()
    assert progress_text(at) == template.format(solved=2, total=TOTAL)
    first = exercises_at("qkv", lang, "default")[0]
    answer(at, first, first.answer)
    assert progress_text(at) == template.format(solved=3, total=TOTAL)
    at.switch_page(PAGE_PATH["embedding"]).run()
    assert solved(at) == 3
    assert progress_text(at) == template.format(solved=3, total=TOTAL)
    solved_mark = labels(lang)["exercises.solved"]
    boxes = [w for kind in ("text_input", "number_input") for w in at.get(kind)]
    marked = [w.key for w in boxes if w.key and w.key.startswith("ex_") and solved_mark in w.label]
    assert marked == ["ex_emb_shape_x", "ex_emb_token_id"]
    assert not at.exception
