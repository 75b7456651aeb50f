"""Lesson links and downloads in AppTest: every page's own choices round-trip through the URL
and survive a page switch, hostile link values fall back with the notice, the link box hands out
the whole view, a matrix's CSV keeps its shape and labels, a page's .npz holds the engine's
arrays."""

import dataclasses
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.pipeline import run_pipeline
from tests.apptest import PAGE_PATH, ROOT
from tests.test_trained_pages import trained_run
from ui import downloads
from ui.i18n import labels
from ui.setup import SENTENCE_PAGES

EN = labels("en")
SENTENCE = "The animal didn't cross the street because it was too tired"  # 11 tokens
NOTICE = EN["common.link_fallback"].split("{")[0]
SHARED_NAMES = {"lang", "weights", "task", "text", "d_model", "n_heads", "seed"}
# (page, URL name, a value that is not the default, widget key, the widget's value for it)
CHOICES = [
    ("positional", "pe", "learned", "pe_kind", "learned"),
    ("positional", "extra", "5", "pe_extra", 5),
    ("positional", "dims", "2,7", "pe_dims", [2, 7]),
    ("qkv", "tab", "k", "qkv_tab", EN["qkv.tab_k"]),
    ("qkv", "token", "3", "qkv_token", 3),
    ("attention", "tab", "scale", "attn_steps", EN["attention.tab_scale"]),
    ("attention", "query", "7", "attn_query", "7·it"),
    ("attention", "causal", "1", "attn_causal", True),
    ("multihead", "head", "2", "mha_head", "head 2"),
    ("multihead", "qk", "k", "mha_qk", EN["multihead.tab_k"]),
    ("multihead", "tab", "output", "mha_tab", EN["multihead.tab_output"]),
    ("learn", "train", "sort", "learn_task", "sort"),
    ("learn", "size", "48", "learn_d_model", 48),
    ("learn", "heads", "2", "learn_n_heads", 2),
    ("learn", "layers", "1", "learn_n_layers", 1),
    ("learn", "lr", "0.01", "learn_lr", 0.01),
    ("learn", "steps", "500", "learn_steps", 500),
]
PAGE_NAMES = {
    "positional": {"pe", "extra", "dims"},
    "qkv": {"tab", "token"},
    "attention": {"tab", "query", "causal"},
    "multihead": {"head", "qk", "tab"},
    "learn": {"train", "size", "heads", "layers", "lr", "steps"},
}


PAGE_URL = {page: "/" + re.sub(r"^\d+_", "", Path(path).stem) for page, path in PAGE_PATH.items()}
PAGE_URL["overview"] = "/"


def open_page(page_id: str, url: bool = True, state: dict | None = None, **params) -> AppTest:
    """Open a page straight from a link with these query parameters, as a browser does (with
    `state`: as a browser that hands back these widget values)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.context["locale"] = "en-US"
    if url:
        at.context["url"] = "http://localhost:8501"  # Streamlit adds the page's own path
    for name, value in params.items():
        at.query_params[name] = value
    if page_id != "overview":
        at.switch_page(PAGE_PATH[page_id])
    return at.run()


def value_of(at: AppTest, key: str):
    return at.session_state[key]


def url(at: AppTest) -> dict[str, str]:
    return {name: at.query_params[name] for name in at.query_params}


@pytest.mark.parametrize(("page_id", "name", "text", "key", "value"), CHOICES)
def test_a_link_opens_the_page_with_its_own_choice(page_id, name, text, key, value):
    at = open_page(page_id, lang="en", **{name: text})
    assert not at.exception, [e.value for e in at.exception]
    assert not [i.value for i in at.info if i.value.startswith(NOTICE)]
    assert value_of(at, key) == value
    assert url(at)[name] == text


@pytest.mark.parametrize(("page_id", "name", "text", "key", "value"), CHOICES)
def test_a_choice_made_on_the_page_goes_to_the_url_and_back(page_id, name, text, key, value):
    at = open_page(page_id, lang="en")
    at.session_state[key] = value  # as the widget hands back a learner's choice
    at.run()
    assert url(at)[name] == text
    again = open_page(page_id, **url(at))  # the address, opened in a new tab
    assert not again.exception
    assert value_of(again, key) == value


@pytest.mark.parametrize("page_id", list(PAGE_NAMES))
def test_only_this_pages_choices_are_in_the_url(page_id):
    at = open_page(page_id, lang="en", query="3", pe="learned", qk="k", token="2", steps="500")
    assert set(url(at)) == SHARED_NAMES | PAGE_NAMES[page_id]


def test_the_pages_own_choices_survive_page_switches():
    at = open_page("attention", lang="en", query="7", tab="scale", causal="1")
    at.switch_page(PAGE_PATH["qkv"]).run()
    at.session_state["qkv_tab"] = EN["qkv.tab_v"]
    at.session_state["qkv_token"] = 4
    at.run()
    at.switch_page(PAGE_PATH["multihead"]).run()
    at.session_state["mha_head"] = "head 3"
    at.session_state["mha_tab"] = EN["multihead.tab_output"]
    at.run()
    at.switch_page(PAGE_PATH["positional"]).run()
    assert "query" not in url(at) and "head" not in url(at)
    at.switch_page(PAGE_PATH["attention"]).run()
    assert at.selectbox(key="attn_query").value == "7·it"
    assert at.toggle(key="attn_causal").value is True
    assert value_of(at, "attn_steps") == EN["attention.tab_scale"]
    assert {k: url(at)[k] for k in ("query", "tab", "causal")} == {
        "query": "7",
        "tab": "scale",
        "causal": "1",
    }
    at.switch_page(PAGE_PATH["qkv"]).run()
    assert at.selectbox(key="qkv_token").value == 4
    assert value_of(at, "qkv_tab") == EN["qkv.tab_v"]
    at.switch_page(PAGE_PATH["multihead"]).run()
    assert at.selectbox(key="mha_head").value == "head 3"
    assert value_of(at, "mha_tab") == EN["multihead.tab_output"]
    assert not at.exception


def test_the_open_tab_stays_open_when_the_language_changes():
    at = open_page("qkv", lang="en", tab="v")
    at.session_state["shared_lang"] = "ko"
    at.run()
    assert value_of(at, "qkv_tab") == labels("ko")["qkv.tab_v"]
    assert url(at)["tab"] == "v"


def test_a_link_opens_the_learn_page_with_exactly_the_model_it_gives():
    given = {name: text for page, name, text, _, _ in CHOICES if page == "learn"}
    at = open_page("learn", lang="en", **given)
    assert not at.exception, [e.value for e in at.exception]
    assert not [i.value for i in at.info if i.value.startswith(NOTICE)]
    assert at.selectbox(key="learn_task").value == "sort"
    assert at.slider(key="learn_d_model").value == 48
    assert at.select_slider(key="learn_n_heads").value == 2
    assert at.slider(key="learn_n_layers").value == 1
    assert at.select_slider(key="learn_lr").value == 0.01
    assert at.slider(key="learn_steps").value == 500
    assert {name: url(at)[name] for name in given} == given


def test_moving_a_learn_control_puts_it_in_the_url():
    at = open_page("learn", lang="en")
    at.slider(key="learn_steps").set_value(500).run()
    at.select_slider(key="learn_lr").set_value(0.01).run()
    at.slider(key="learn_d_model").set_value(96).run()
    assert {k: url(at)[k] for k in ("steps", "lr", "size")} == {
        "steps": "500",
        "lr": "0.01",
        "size": "96",
    }
    at.selectbox(key="learn_task").set_value("reverse").run()  # its own sizes come with it
    assert not at.exception, [e.value for e in at.exception]
    assert {k: url(at)[k] for k in ("train", "steps", "lr", "size")} == {
        "train": "reverse",
        "steps": "150",
        "lr": "0.003",
        "size": "32",
    }


def test_the_learn_pages_choices_survive_a_page_switch_and_leave_other_pages_urls():
    at = open_page("learn", lang="en", train="sort", layers="3", heads="8")
    at.switch_page(PAGE_PATH["attention"]).run()
    assert not PAGE_NAMES["learn"] & set(url(at))
    at.switch_page(PAGE_PATH["learn"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert value_of(at, "learn_task") == "sort"
    assert at.slider(key="learn_n_layers").value == 3
    assert at.select_slider(key="learn_n_heads").value == 8
    assert {k: url(at)[k] for k in ("train", "layers", "heads")} == {
        "train": "sort",
        "layers": "3",
        "heads": "8",
    }


HOSTILE = [
    ("attention", {"query": "nan"}),
    ("attention", {"query": "1e309"}),
    ("attention", {"query": "11"}),  # the sentence has 11 tokens: 0…10
    ("attention", {"query": ["1", "2"]}),  # given twice
    ("attention", {"query": "9" * 100_000}),
    ("attention", {"tab": "<script>alert(1)</script>"}),
    ("attention", {"tab": "Step 2: ÷ √d_k"}),  # a label is not an id
    ("attention", {"causal": "yes"}),
    ("qkv", {"token": "-1"}),
    ("qkv", {"token": "3.0"}),
    ("qkv", {"tab": "x" * 100_000}),
    ("multihead", {"head": "4"}),  # 4 heads: 0…3
    ("multihead", {"qk": "v"}),
    ("multihead", {"tab": "**bold**"}),
    ("positional", {"pe": "none"}),
    ("positional", {"extra": "33"}),
    ("positional", {"dims": "0,0"}),
    ("positional", {"dims": "1,2,3,4,5,6,7"}),
    ("positional", {"dims": "64"}),  # d_model 64: 0…63
    ("positional", {"dims": "0," * 50_000}),
    ("learn", {"train": "<script>alert(1)</script>"}),
    ("learn", {"train": "**bold**"}),
    ("learn", {"size": "12"}),  # not a multiple of 8
    ("learn", {"size": "136"}),  # the slider ends at 128
    ("learn", {"size": "nan"}),
    ("learn", {"heads": "3"}),  # offered: 1, 2, 4, 8
    ("learn", {"heads": "1e309"}),
    ("learn", {"layers": "4"}),
    ("learn", {"layers": "2.0"}),
    ("learn", {"lr": "nan"}),
    ("learn", {"lr": "inf"}),
    ("learn", {"lr": "0.002"}),  # not one of the rates offered
    ("learn", {"lr": "fast"}),
    ("learn", {"steps": "9" * 100_000}),
    ("learn", {"steps": "15"}),  # steps go by 10
    ("learn", {"steps": ["100", "200"]}),  # given twice
]


@pytest.mark.parametrize(("page_id", "params"), HOSTILE)
def test_a_hostile_link_value_falls_back_with_the_notice(page_id, params):
    at = open_page(page_id, lang="en", **params)
    assert not at.exception, [e.value for e in at.exception]
    (name,) = params
    notices = [info.value for info in at.info if info.value.startswith(NOTICE)]
    assert notices and name in notices[0], [i.value for i in at.info]
    default = open_page(page_id, lang="en")
    assert url(at) == url(default)  # the page shows (and writes) its defaults
    for element in [*at.markdown, *at.caption]:
        assert "<script>" not in element.value and "**bold**" not in element.value


@pytest.mark.parametrize(
    ("page_id", "key", "bad", "default"),
    [
        ("positional", "pe_extra", float("nan"), 16),
        ("positional", "pe_kind", "none", "sinusoidal"),
        ("positional", "pe_dims", [3, 600], [0, 1, 4, 32]),
        ("attention", "attn_query", "<script>", "0·The"),
        ("qkv", "qkv_token", 1e300, 0),
        ("learn", "learn_task", "<script>", "coreference_en"),
        ("learn", "learn_d_model", 1e300, 32),
        ("learn", "learn_n_heads", 3, 4),
        ("learn", "learn_n_layers", True, 2),
        ("learn", "learn_lr", float("nan"), 0.003),
        ("learn", "learn_steps", "500", 200),
    ],
)
def test_a_bad_value_handed_back_for_a_pages_choice_is_replaced(page_id, key, bad, default):
    at = open_page(page_id, lang="en", state={key: bad})  # a crafted message could send it
    assert not at.exception, [e.value for e in at.exception]
    assert value_of(at, key) == default
    assert any(info.value.startswith(NOTICE) for info in at.info)


def test_a_token_with_a_long_word_is_a_choice_like_any_other():
    word = "x" * 1500  # one token, as long as the sentence box allows
    at = open_page("attention", lang="en", text=f"a {word}", query="1")
    at.run()  # a second run checks the value the widget holds
    assert at.selectbox(key="attn_query").value == f"1·{word}"
    assert not [i.value for i in at.info if i.value.startswith(NOTICE)]
    assert url(at)["query"] == "1"


def share_link(at: AppTest, for_class: bool = False) -> str:
    """Open the sidebar's link box (and tick "for a class"), return the link it shows."""
    at.session_state["links_share"] = True
    at.run()
    if for_class:
        at.sidebar.checkbox(key="links_lesson").check().run()
    (code,) = [c.value for c in at.sidebar.code]
    return code


@pytest.mark.parametrize("page_id", ["overview", "embedding", *PAGE_NAMES])
def test_the_link_box_hands_out_every_value_of_the_view(page_id):
    text = "그 동물은 너무 피곤해서 길을 건너지 않았다 정말로"  # 8 tokens: query 7 is the last
    params = {"lang": "ko", "text": text, "d_model": "96", "n_heads": "6", "seed": "7"}
    own = {name: value for p, name, value, _, _ in CHOICES if p == page_id}
    at = open_page(page_id, **params, **own)
    link = urlparse(share_link(at))
    assert (link.path or "/") == PAGE_URL[page_id]
    given = {name: values[0] for name, values in parse_qs(link.query).items()}
    assert given == url(at)  # the address bar and the link agree ...
    assert params.items() <= given.items() and own.items() <= given.items()  # ... on every value
    again = open_page(page_id, **given)
    assert url(again) == given
    if page_id in SENTENCE_PAGES:  # the learn page keeps the sentence unseen (in the URL)
        assert again.text_input(key="shared_text").value == text


def test_the_link_for_a_class_hides_the_controls_and_keeps_the_values():
    at = open_page("multihead", lang="en", head="1", seed="5")
    link = urlparse(share_link(at, for_class=True))
    given = {name: values[0] for name, values in parse_qs(link.query).items()}
    assert given["view"] == "lesson"
    lesson = open_page("multihead", **given)
    assert not lesson.exception
    styles = [html.proto.body for html in lesson.get("html")]
    assert any(".st-key-sidebar_settings" in s and "display: none" in s for s in styles)
    assert lesson.selectbox(key="mha_head").value == "head 1"
    assert lesson.number_input(key="shared_seed").value == 5


def test_the_link_box_is_built_only_while_open():
    at = open_page("qkv", lang="en")
    assert not at.sidebar.code
    assert "links_lesson" not in [c.key for c in at.sidebar.checkbox]


def test_trained_weights_put_the_layer_and_head_in_the_url():
    trained_run("en", 64, 4, 0)  # AppTest does not tick the waiting page's progress
    at = open_page("attention", lang="en", weights="trained", layer="2", head="1")
    assert not at.exception, [e.value for e in at.exception]
    assert value_of(at, "attn_layer") == 1  # the page numbers layers from 1
    assert at.selectbox(key="attn_head").value == "head 1"
    assert {k: url(at)[k] for k in ("layer", "head")} == {"layer": "2", "head": "1"}
    assert "causal" not in url(at)
    bad = open_page("attention", lang="en", weights="trained", layer="3")
    assert any(info.value.startswith(NOTICE) for info in bad.info)
    assert value_of(bad, "attn_layer") == 0


# --- downloads ------------------------------------------------------------------------------
def recorded(monkeypatch, function: str) -> list[tuple]:
    """Record every call of a ui.downloads button (still drawing it)."""
    calls, real = [], getattr(downloads, function)

    def record(*args, **kwargs):
        calls.append(args)
        real(*args, **kwargs)

    monkeypatch.setattr(downloads, function, record)
    return calls


def read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", index_col=0, dtype={0: str})


@pytest.mark.parametrize("page_id", ["embedding", "positional", "qkv", "attention", "multihead"])
def test_every_matrix_has_a_csv_with_its_shape_and_labels(page_id, monkeypatch):
    calls = recorded(monkeypatch, "csv_button")
    at = open_page(page_id, lang="en")
    assert not at.exception
    assert calls, "the page draws matrices"
    assert not at.get("download_button")  # a closed box: no buttons on a slider move
    calls.clear()
    at.session_state[downloads.BOX_KEY] = True  # the learner opens the downloads box
    at.run()
    keys = [b.key for b in at.get("download_button") if b.key and b.key.startswith("csv_")]
    assert len(keys) == len(calls) == len(set(keys))
    assert [b.label for b in at.get("download_button") if b.key in keys] == [c[0] for c in calls]
    for name, values, rows, cols, *corner in calls:
        frame = read_csv(downloads.matrix_csv(values, rows, cols, *corner))
        assert frame.shape == values.shape, name
        assert list(frame.index) == list(rows) and list(frame.columns) == list(cols), name
        np.testing.assert_array_equal(frame.to_numpy(), values)


def test_a_csv_keeps_hangul_commas_quotes_and_masked_cells():
    rows = ["0·고양이가", '1·"a, b"', "=SUM(A1)"]
    values = np.array([[0.5, -np.inf, 1 / 3], [1.0, 2.0, 3.0], [-1e-300, 0.0, 7.0]])
    data = downloads.matrix_csv(values, rows, ["x", "y", "z"], "token")
    assert data.startswith("\ufeff".encode())  # a spreadsheet reads it as UTF-8
    frame = read_csv(data)
    assert frame.index.name == "token"
    assert list(frame.index) == rows[:2] + ["'=SUM(A1)"]  # never a formula
    np.testing.assert_array_equal(frame.to_numpy(), values)
    with pytest.raises(ValueError):
        downloads.matrix_csv(values, rows[:2], ["x", "y", "z"])


def the_arrays(value, path=""):
    """Every array field of a trace by its dotted path, found by walking the dataclasses."""
    if isinstance(value, np.ndarray):
        yield path, value
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from the_arrays(getattr(value, field.name), f"{path}.{field.name}".strip("."))


@pytest.mark.parametrize(
    ("page_id", "params", "n_heads", "causal", "positional"),
    [
        ("embedding", {}, 4, False, "sinusoidal"),
        ("positional", {"pe": "learned"}, 4, False, "learned"),
        ("attention", {"causal": "1"}, 1, True, "sinusoidal"),
        ("multihead", {"n_heads": "8", "seed": "3"}, 8, False, "sinusoidal"),
    ],
)
def test_the_pages_npz_holds_the_engines_arrays(
    page_id, params, n_heads, causal, positional, monkeypatch
):
    calls = recorded(monkeypatch, "trace_button")
    at = open_page(page_id, lang="en", **params)
    assert not at.exception
    calls.clear()
    at.session_state[downloads.BOX_KEY] = True
    at.run()
    assert [b.key for b in at.get("download_button")].count(f"npz_{page_id}") == 1
    ((shown_page, trace),) = calls
    assert shown_page == page_id
    seed = int(params.get("seed", 0))
    engine = run_pipeline(SENTENCE, 64, n_heads, seed, causal, positional)
    with np.load(io.BytesIO(downloads.trace_npz(trace)), allow_pickle=False) as npz:
        expected = dict(the_arrays(engine))
        assert {"attention.weights", "embedding.vectors", "params.w_q"} <= set(expected)
        assert set(expected) <= set(npz.files)
        for path, array in expected.items():
            np.testing.assert_array_equal(npz[path], array, err_msg=path)
        assert tuple(npz["tokens"]) == engine.tokens
    if causal:
        assert np.all(np.triu(engine.attention.weights[0], 1) == 0)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Q Kᵀ / √64", "Q_KT_64.csv"), ("PE · PEᵀ", "PE_PET.csv"), ("헤드 평균", "matrix.csv")],
)
def test_file_names_are_plain(name, expected):
    assert downloads.file_name(name, "csv") == expected
