"""The check-yourself section in AppTest: right answers are praised, wrong ones get a hint and a
Show me, predictions reveal their experiment only once answered, progress is counted, and the
learner's text stays literal. Both languages."""

import string
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.exercises import EXERCISE_IDS, TRACE_PAGES, exercises_for
from core.pipeline import run_pipeline
from ui.exercises import WHERE, escape
from ui.i18n import CONTENT, LANGS, MISSING, labels

APP = Path(__file__).resolve().parent / "exercises_app.py"
PAGES = TRACE_PAGES  # the pages whose exercises read a PipelineTrace (learn: its own test)
TEXT = "the cat sat on the mat"
TOTAL = sum(len(ids) for ids in EXERCISE_IDS.values())


def run_app(page_id: str, lang: str, **state) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state["shared_lang"] = lang
    at.session_state["test_page"] = page_id
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def page_exercises(page_id: str, text: str = TEXT, d_model: int = 64):
    """The same exercises the test app draws (it uses 4 heads, one on the attention page)."""
    return exercises_for(page_id, run_pipeline(text, d_model, 1 if page_id == "attention" else 4))


def answer(at: AppTest, exercise, response) -> AppTest:
    """Put a response in the exercise's box, as a learner would, and press Check."""
    key = f"ex_{exercise.id}"
    if exercise.kind == "shape":
        at.text_input(key=key).input(response)
    elif exercise.kind == "number":
        at.number_input(key=key).set_value(response)
    elif exercise.options and isinstance(exercise.options[0], int):
        at.selectbox(key=key).set_value(response)
    else:
        at.radio(key=key).set_value(response)
    at.button(key=f"ex_{exercise.id}_check").click()
    return at.run()


def wrong(exercise):
    if exercise.kind == "shape":
        return "1 × 1"
    if exercise.kind == "number":
        return exercise.answer + 10 * exercise.tolerance + 1
    accepted = exercise.solution.accepted or (exercise.answer,)
    return next(option for option in exercise.options if option not in accepted)


def in_form(at: AppTest, exercise, kind: str) -> list[str]:
    """The texts of one kind of element (success, warning, info) inside an exercise's form."""
    form = next(b for b in at.get("form") if b.proto.form.form_id == f"ex_{exercise.id}_form")
    return [element.value for element in form.get(kind)]


def prompts(at: AppTest) -> list[str]:
    """Every exercise's prompt: the label of its answer box."""
    boxes = ("text_input", "number_input", "radio", "selectbox")
    return [w.label for kind in boxes for w in at.get(kind) if w.key.startswith("ex_")]


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_exercise_files_have_the_same_keys_and_placeholders():
    files = {}
    for lang in LANGS:
        with open(CONTENT / lang / "exercises.toml", "rb") as f:
            files[lang] = labels_of(tomllib.load(f))
    assert set(files["ko"]) == set(files["en"])
    for key in files["en"]:
        assert fields(files["ko"][key]) == fields(files["en"][key]), key


def labels_of(table: dict, prefix: str = "") -> dict[str, str]:
    flat = {}
    for name, value in table.items():
        if isinstance(value, dict):
            flat.update(labels_of(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page_id", PAGES)
def test_every_template_fills_in_with_the_exercises_own_numbers(page_id, lang):
    table = labels(lang)
    for text in (TEXT, "😀"):
        for exercise in page_exercises(page_id, text):
            where = {n: table[k] for n, k in zip(("where", "where2"), WHERE.get(exercise.id, ()))}
            values = {**exercise.params, **exercise.worked, **where, "answer_text": "x"}
            assert "key" not in values, "t(key, **values) takes its label key as `key`"
            parts = ["prompt", "hint", "worked"] + (
                ["result"] if exercise.kind == "predict" else []
            )
            for part in parts:
                table[f"exercises.{exercise.id}.{part}"].format(**values)
            for option in exercise.options:
                if isinstance(option, str):
                    assert table[f"exercises.{exercise.id}.options.{option}"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page_id", PAGES)
def test_right_answers_are_praised_and_counted(page_id, lang):
    at = run_app(page_id, lang)
    assert not at.exception
    assert at.subheader[0].value == labels(lang)["exercises.title"]
    marker = MISSING.split("{")[0]
    assert not [prompt for prompt in prompts(at) if marker in prompt]
    found = page_exercises(page_id)
    for solved, exercise in enumerate(found, start=1):
        answer(at, exercise, exercise.answer)
        assert not at.exception
        assert in_form(at, exercise, "success") == [labels(lang)["exercises.right"]]
        assert not in_form(at, exercise, "warning")
        assert at.text[0].value.startswith(f"solved {solved} of {TOTAL}")
    assert at.text[0].value.endswith("page done: True")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page_id", PAGES)
def test_a_wrong_answer_gets_a_hint_then_show_me_reveals_the_numbers(page_id, lang):
    at = run_app(page_id, lang)
    for exercise in page_exercises(page_id):
        assert f"ex_{exercise.id}_show" not in [button.key for button in at.button]
        answer(at, exercise, wrong(exercise))
        assert not in_form(at, exercise, "success")
        (warning,) = in_form(at, exercise, "warning")
        assert warning.startswith(labels(lang)["exercises.not_yet"])
        before = in_form(at, exercise, "info")
        at.button(key=f"ex_{exercise.id}_show").click()
        at.run()
        revealed = [text for text in in_form(at, exercise, "info") if text not in before]
        assert len(revealed) == 1, revealed
        assert any(ch.isdigit() for ch in revealed[0])
        if isinstance(exercise.answer, (int, float)) and not isinstance(exercise.answer, bool):
            shown = f"{exercise.answer:.4f}" if isinstance(exercise.answer, float) else None
            assert (shown or str(exercise.answer)) in revealed[0]
    assert at.text[0].value.startswith(f"solved 0 of {TOTAL}")


@pytest.mark.parametrize("page_id", ["positional", "attention", "multihead"])
def test_a_prediction_shows_its_experiment_only_once_answered(page_id):
    at = run_app(page_id, "en")
    exercise = next(e for e in page_exercises(page_id) if e.kind == "predict")
    assert not in_form(at, exercise, "info")
    answer(at, exercise, exercise.answer)
    (result,) = in_form(at, exercise, "info")
    assert any(ch.isdigit() for ch in result)


def test_checking_an_empty_box_asks_for_an_answer():
    at = run_app("qkv", "ko")
    at.button(key="ex_qkv_params_check").click()
    at.run()
    assert labels("ko")["exercises.empty"] in [info.value for info in at.info]


def test_feedback_is_dropped_when_the_question_changes():
    at = run_app("embedding", "en")
    shape = page_exercises("embedding")[0]
    answer(at, shape, shape.answer)
    assert in_form(at, shape, "success")
    at.session_state["test_d_model"] = 128
    at.run()
    assert not in_form(at, shape, "success") and not in_form(at, shape, "warning")
    assert at.text[0].value.startswith("solved 1 of")  # solved once stays solved


def test_start_over_forgets_progress_and_answers():
    at = run_app("multihead", "en")
    shape = page_exercises("multihead")[0]
    answer(at, shape, shape.answer)
    at.button(key="test_start_over").click()
    at.run()
    assert at.text[0].value.startswith("solved 0 of")
    assert not at.text_input(key=f"ex_{shape.id}").value


def test_the_learners_text_stays_literal_in_prompts():
    text = "[click](http://x.y) $x^2$ **b** :red[r] <i> _em_"
    at = run_app("embedding", "en", test_text=text)
    assert not at.exception
    shown = " ".join(prompts(at))
    assert "[click](" not in shown and "$x" not in shown and ":red[" not in shown
    assert r"**0·\[**" in shown and r"\_em\_**" in shown  # the first and the last token
    assert escape("$x$") == r"\$x\$" and escape("[a](b)") == r"\[a\]\(b\)"
