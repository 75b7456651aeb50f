"""Settings: the widget is the one source of truth; values the browser hands back and values in
a link are checked; every array shared between sessions is read-only."""

import numpy as np
import pytest

from tests.apptest import PAGE_IDS, PAGE_PATH, SETTINGS, open_link, run_page
from ui import engine
from ui.i18n import labels
from ui.setup import SENTENCE_PAGES


@pytest.mark.parametrize(
    ("key", "bad", "default"),
    [
        ("shared_seed", float("nan"), 0),
        ("shared_seed", 1e300, 0),
        ("shared_seed", -5, 0),
        ("shared_d_model", float("inf"), 64),
        ("shared_d_model", 60, 64),  # not a multiple of 8
        ("shared_d_model", "64", 64),  # text where a number belongs
        ("shared_n_heads", 0, 4),
        ("shared_lang", "xx", None),
    ],
)
def test_a_bad_value_handed_back_falls_back_with_a_notice(key, bad, default):
    at = run_page("overview", "en", **{key: bad})
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state[key] == (default if default is not None else "en")
    notice = labels("en")["common.link_fallback"].split("{")[0]
    assert any(info.value.startswith(notice) for info in at.info)
    at.switch_page(PAGE_PATH["multihead"])
    at.run()
    assert not at.exception


def test_a_sentence_longer_than_the_box_allows_is_replaced():
    at = run_page("embedding", "en", shared_text="x " * 60_000)
    assert not at.exception
    assert at.session_state["shared_text"] == labels("en")["example.default"]


def test_error_details_are_hidden_from_learners():
    import tomllib

    from tests.apptest import ROOT

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"


def test_the_server_does_not_collect_all_garbage_after_every_rerun():
    """Streamlit's default full collection after every script run was more than half of the
    server's CPU (benchmarks, section 8): a class waiting for training paid it every second."""
    from streamlit import config

    assert config.get_option("runner.postScriptGC") is False


def _arrays(value, seen=None):
    """Every NumPy array reachable from a trace (dataclasses, tuples, lists, dicts)."""
    import dataclasses

    if isinstance(value, np.ndarray):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _arrays(getattr(value, field.name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _arrays(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _arrays(item)


@pytest.mark.parametrize(
    "cached",
    [
        lambda: engine.pipeline("the cat sat on the mat", 16, 2, 3, True, "learned"),
        lambda: engine.order(("a", "b", "c"), 16, 2, 0),
        lambda: engine.scaling((4, 8), 8, 0),
        lambda: engine._embedding_views(
            (16, 0), "the cat sat", engine.pipeline("the cat sat", 16, 1, 0).embedding.vectors
        ),
    ],
)
def test_every_cached_array_is_read_only(cached):
    arrays = list(_arrays(cached()))
    assert len(arrays) >= 2
    for array in arrays:
        assert not array.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            array[...] = 0


def test_a_full_trace_has_all_its_arrays_read_only():
    trace = engine.pipeline("the cat sat", 16, 2, 0)
    assert len(list(_arrays(trace))) >= 21


@pytest.mark.parametrize("settings", ["default", "maximum"])
@pytest.mark.parametrize("page_id", PAGE_IDS)
def test_no_page_writes_into_a_shared_array(page_id, settings):
    """Cached arrays are read-only: a page writing into one would raise here."""
    at = run_page(page_id, "en", **SETTINGS[settings])
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("page_id", SENTENCE_PAGES)
def test_a_link_opens_every_page_with_its_values(page_id):
    at = open_link(page_id, lang="ko", text="고양이가 잔다", d_model="96", n_heads="6", seed="7")
    assert not at.exception
    assert at.title[0].value == labels("ko")[f"{page_id}.title"]
    assert at.text_input(key="shared_text").value == "고양이가 잔다"
    assert at.slider(key="shared_d_model").value == 96
    assert at.select_slider(key="shared_n_heads").value == 6
    assert at.number_input(key="shared_seed").value == 7


def test_the_address_follows_every_change():
    at = open_link()
    at.slider(key="shared_d_model").set_value(256).run()
    at.text_input(key="shared_text").set_value("one two").run()
    params = dict(at.query_params)
    assert params == {
        "lang": "en",
        "weights": "random",
        "task": "coreference_en",
        "text": "one two",
        "d_model": "256",
        "n_heads": "4",
        "seed": "0",
    }


@pytest.mark.parametrize(
    "params",
    [
        {"d_model": "nan"},
        {"d_model": "1e9"},
        {"d_model": "sixty-four"},
        {"n_heads": "5"},  # does not divide 64
        {"seed": ["3", "4"]},  # given twice
        {"seed": "-1"},
        {"lang": "fr"},
        {"text": "x" * 100_000},
        {"d_model": "64.5", "seed": "inf"},
    ],
)
def test_a_hostile_link_falls_back_with_a_notice(params):
    at = open_link("attention", **params)
    assert not at.exception, [e.value for e in at.exception]
    assert at.slider(key="shared_d_model").value in (64,)
    at2 = open_link(**params)
    notice = labels("en")["common.link_fallback"].split("{")[0]
    assert any(info.value.startswith(notice) for info in at2.info), [i.value for i in at2.info]


def test_markup_in_a_link_is_shown_as_text_never_run():
    at = open_link("embedding", text="<script>alert(1)</script> **bold** $x$")
    assert not at.exception
    for element in [*at.markdown, *at.caption]:
        assert "<script>" not in element.value and "**bold**" not in element.value
