"""Every page with trained weights: it draws the trained model's own numbers (never random ones
labelled as trained), in both languages, at the ends of every slider, and with hostile text."""

import numpy as np
import pytest

from core.pipeline import trained_pipeline
from tests.apptest import PAGE_IDS, run_page, shown_texts
from ui import engine
from ui.i18n import LANGS, labels
from ui.settings import Settings
from ui.trained import request_for

CONCEPT_PAGES = [page for page in PAGE_IDS if page != "learn"]
SIZES = {
    "default": {"shared_d_model": 64, "shared_n_heads": 4, "shared_seed": 0},
    "minimum": {"shared_d_model": 8, "shared_n_heads": 1, "shared_seed": 0},
    "maximum": {"shared_d_model": 64, "shared_n_heads": 16, "shared_seed": 9999},
}


def trained_run(lang: str, d_model: int, n_heads: int, seed: int):
    """The shared run the pages will ask for, trained here first (AppTest does not tick the
    page's progress fragment)."""
    settings = Settings(lang, "", d_model, n_heads, seed, "trained", f"coreference_{lang}")
    job = engine.trainer().request(request_for(settings))
    assert job.wait(180), "training took longer than 3 minutes"
    assert job.state == "done", job.error
    return job.run


def trained_page(page_id: str, lang: str, **state):
    return run_page(page_id, lang, shared_weights="trained", **state)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page_id", CONCEPT_PAGES)
def test_every_page_runs_with_trained_weights(page_id, lang, size):
    sizes = SIZES[size]
    trained_run(lang, sizes["shared_d_model"], sizes["shared_n_heads"], sizes["shared_seed"])
    at = trained_page(page_id, lang, **sizes)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == labels(lang)[f"{page_id}.title"]
    assert not [w.value for w in at.warning], "the task's example uses only known words"
    if page_id == "overview":  # its trained numbers: the stage table (and no chart)
        assert at.dataframe, "the stage table is drawn"
    else:
        assert at.get("vega_lite_chart"), "the page draws its charts"


def test_the_default_english_sentence_shows_it_looking_at_animal():
    run = trained_run("en", 64, 4, 0)
    at = trained_page("attention", "en")
    assert not at.exception
    shown = [text.value for text in at.text]
    line = next(text for text in shown if text.startswith("it  →"))
    assert line.split()[2] == "animal"
    weight = float(line.split()[-1])
    assert weight >= 0.6
    # The weight written is the model's own: recompute it from the trained parameters.
    sentence = labels("en")["example.default"]
    traces = [trained_pipeline(run.params, run.task.vocab, sentence, layer) for layer in (0, 1)]
    pronoun, animal = traces[0].tokens.index("it"), traces[0].tokens.index("animal")
    best = max(float(trace.attention.weights[:, pronoun, animal].max()) for trace in traces)
    assert weight == pytest.approx(best, abs=0.005)


def test_changing_tired_to_wide_flips_it_to_street():
    trained_run("en", 64, 4, 0)
    sentence = labels("en")["example.default"].replace("tired", "wide")
    at = trained_page("multihead", "en", shared_text=sentence)
    line = next(text.value for text in at.text if text.value.startswith("it  →"))
    assert line.split()[2] == "street"
    # one big head would be another model, and none is trained: the page says so instead
    assert labels("en")["trained.no_single_head"] in [info.value for info in at.info]


def test_the_korean_default_trained_model_finds_its_noun():
    trained_run("ko", 64, 4, 0)
    at = trained_page("attention", "ko")
    assert not at.exception
    line = next(text.value for text in at.text if "→" in text.value)
    assert line.split()[2] == "동물은"


def test_the_embedding_page_shows_the_trained_table():
    run = trained_run("en", 64, 4, 0)
    at = trained_page("embedding", "en")
    frames = [c for c in at.get("vega_lite_chart") if True]
    assert frames
    texts = " ".join(shown_texts(at))
    assert "X_emb = E[ids]" in texts and "√d_model" not in texts.split("X_emb = E[ids]")[1][:5]
    assert run.params.w_e.shape[0] == len(run.task.vocab)


@pytest.mark.parametrize("lang", LANGS)
def test_a_word_the_model_does_not_know_gets_the_known_words_and_an_example(lang):
    trained_run(lang, 64, 4, 0)
    hostile = "<img src=x onerror=alert(1)> [x](javascript:alert(1)) 🙂 zebra"
    at = trained_page("qkv", lang, shared_text=hostile)
    assert not at.exception
    assert at.warning, "the unknown words are named"
    for element in [*at.markdown, *at.warning, *at.caption]:
        assert "onerror=" not in element.value.replace("\\", "") or "\\" in element.value
        assert "](javascript" not in element.value
    button = next(b for b in at.button if b.label == labels(lang)["trained.put_back_example"])
    button.click().run()
    assert not at.warning and not at.exception
    assert at.get("vega_lite_chart")


def test_a_size_too_large_to_train_says_which_sizes_exist():
    at = trained_page("multihead", "en", shared_d_model=512, shared_n_heads=16)
    assert not at.exception
    expected = labels("en")["trained.too_large"].format(d_model=512, max=128)
    assert expected in [info.value for info in at.info]
    assert not at.get("vega_lite_chart"), "nothing random is drawn as trained"


def test_switching_to_trained_with_a_large_model_moves_d_model_with_a_notice():
    at = run_page("overview", "en", shared_d_model=512, shared_n_heads=16)
    at.button_group(key="shared_weights").set_value("trained").run()
    assert at.session_state["shared_d_model"] == 32
    notice = labels("en")["trained.size_moved"].format(old=512, new=32)
    assert notice in [info.value for info in at.info]


def test_a_page_waiting_for_its_run_shows_a_progress_bar():
    at = trained_page("qkv", "en", shared_d_model=40, shared_n_heads=5, shared_seed=4321)
    assert not at.exception
    assert at.get("progress") or any("Training" in i.value for i in at.info)
    job = engine.trainer().request(
        request_for(Settings("en", "", 40, 5, 4321, "trained", "coreference_en"))
    )
    assert job.wait(180)
    at.run()
    assert at.get("vega_lite_chart")


def test_trained_arrays_are_read_only():
    run = trained_run("en", 64, 4, 0)
    assert not run.params.w_e.flags.writeable
    assert not run.checkpoints[0][1].attention_params(0).w_q.flags.writeable
    trace = engine.trained(
        request_for(Settings("en", "", 64, 4, 0, "trained", "coreference_en")),
        "it was too tired",
        1,
        run,
    )
    assert not trace.attention.weights.flags.writeable
    assert np.isfinite(trace.attention.weights).all()


def test_the_untrained_note_offers_the_trained_weights():
    trained_run("en", 64, 4, 0)
    at = run_page("attention", "en")
    button = next(b for b in at.button if b.label == labels("en")["trained.offer"])
    button.click().run()
    assert at.session_state["shared_weights"] == "trained"
    assert not at.exception
    assert any(text.value.startswith("it  →") for text in at.text)
