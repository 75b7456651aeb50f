"""Lesson links in a real browser: a link opens each page with exactly its values, the address
bar follows the view, a copied address opens the same view in a new tab, the lesson-only link
hides the controls, hostile query strings fall back with the notice, and a downloaded CSV of a
matrix has its shape and labels."""

import csv
import io
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlparse

import numpy as np
import pytest
from app_page import LOCALES, VIEWPORT, AppPage, expect, not_drawn
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ui import downloads
from ui.setup import PAGES, SENTENCE_PAGES

pytestmark = pytest.mark.browser

PATHS = {page_id: path for page_id, path, _ in PAGES}
SENTENCE = "the cat sat on the mat because it was warm"  # 10 tokens
SHARED = {"lang": "en", "text": SENTENCE, "d_model": "96", "n_heads": "6", "seed": "7"}
OWN = {  # each page's own choices, none at its default
    "overview": {},
    "embedding": {},
    "positional": {"pe": "learned", "extra": "5", "dims": "2,7"},
    "qkv": {"tab": "k", "token": "3"},
    "attention": {"tab": "scale", "query": "7", "causal": "1"},
    "multihead": {"head": "2", "qk": "k", "tab": "output"},
    "learn": {
        "train": "sort",
        "size": "48",
        "heads": "2",
        "layers": "1",
        "lr": "0.01",
        "steps": "500",
    },
}
NOTICE_KEY = "common.link_fallback"
SHARE = ".st-key-links_share"
POPOVER = '[data-testid="stPopoverBody"]'


@pytest.fixture
def new_tab(browser, app_server):
    """new_tab(page_id, query, locale_lang="ko") -> AppPage: a fresh session (its own context)
    opening a page by its address, in a browser whose language is Korean unless told (the
    link's own lang must win)."""
    contexts = []

    def _open(page_id: str, query: str, locale: str = "ko", lang: str = "en") -> AppPage:
        context = browser.new_context(locale=LOCALES[locale], viewport=VIEWPORT)
        context.set_default_timeout(30_000)
        contexts.append(context)
        app = AppPage(context.new_page(), app_server.url, lang)
        app.open(page_id, PATHS[page_id], query).wait_charts_drawn()  # no widget still loading
        return app

    yield _open
    for context in contexts:
        context.close()


def address(app: AppPage) -> dict[str, str]:
    """The address bar's query, one value per name."""
    return {name: values[-1] for name, values in parse_qs(urlparse(app.page.url).query).items()}


def combobox(app: AppPage, key: str):
    """A selectbox's shown value (a token "7·it", a head "head 2") by the widget's key."""
    return app.page.locator(f".st-key-{key} input[role=combobox]")


def choose(app: AppPage, key: str, option: str) -> None:
    """Pick an option of a selectbox (its list opens on ArrowDown). A busy machine can redraw
    the box just as it opens, closing the list again: then open it once more."""
    wanted = app.page.get_by_role("option", name=option, exact=True)
    for _ in range(3):
        box = combobox(app, key)
        box.evaluate("e => e.scrollIntoView({block: 'center'})")  # not under the sticky bar
        box.focus()
        app.page.keyboard.press("ArrowDown")
        try:
            wanted.wait_for(state="visible", timeout=10_000)
            break
        except PlaywrightTimeout:
            app.page.keyboard.press("Escape")
            app.wait_idle()
    wanted.click()


def open_tab(app: AppPage, key: str):
    return app.page.locator(f".st-key-{key} [role=tab][aria-selected=true]")


def expect_shared(app: AppPage, values: dict[str, str]) -> None:
    """The settings show the link's values: sentence, d_model, heads, seed."""
    expect(app.sentence_box()).to_have_value(values["text"])
    expect(app.slider("settings.d_model")).to_have_value(values["d_model"])
    expect(app.slider("settings.n_heads")).to_have_attribute("aria-valuetext", values["n_heads"])
    seed = app.page.get_by_role("spinbutton", name=app.text["settings.seed"])
    expect(seed).to_have_value(values["seed"])


def expect_own(app: AppPage, page_id: str, own: dict[str, str]) -> None:
    """The page shows its own choices as the link gives them."""
    text, tokens = app.text, SENTENCE.split()
    if page_id == "positional":
        chosen = app.page.locator(".st-key-pe_kind [role=radio][aria-checked=true]")
        expect(chosen).to_have_text(text["positional.kind_learned"])
        expect(app.page.get_by_role("slider", name=text["positional.extra"])).to_have_value("5")
        chips = app.page.locator(".st-key-pe_dims [data-tag] > span[title]")
        expect(chips).to_have_text([text["positional.dim_option"].format(dim=d) for d in (2, 7)])
    elif page_id == "qkv":
        expect(open_tab(app, "qkv_tab")).to_have_text(text["qkv.tab_k"])
        expect(combobox(app, "qkv_token")).to_have_value(f"3·{tokens[3]}")
    elif page_id == "attention":
        expect(open_tab(app, "attn_steps")).to_have_text(text["attention.tab_scale"])
        expect(combobox(app, "attn_query")).to_have_value(f"7·{tokens[7]}")
        expect(app.page.locator(".st-key-attn_causal input")).to_be_checked()
    elif page_id == "multihead":
        expect(combobox(app, "mha_head")).to_have_value(text["multihead.head_n"].format(h=2))
        expect(open_tab(app, "mha_qk")).to_have_text(text["multihead.tab_k"])
        expect(open_tab(app, "mha_tab")).to_have_text(text["multihead.tab_output"])
    elif page_id == "learn":
        expect(combobox(app, "learn_task")).to_have_value(text[f"task.{own['train']}"])
        for key, name in (("d_model", "size"), ("n_layers", "layers"), ("steps", "steps")):
            slider = app.page.locator(f".st-key-learn_{key}").get_by_role("slider")
            expect(slider).to_have_value(own[name])
        for key, name in (("n_heads", "heads"), ("lr", "lr")):
            slider = app.page.locator(f".st-key-learn_{key}").get_by_role("slider")
            expect(slider).to_have_attribute("aria-valuetext", own[name])
    assert own.items() <= address(app).items()


@pytest.mark.parametrize("page_id", list(OWN))
def test_a_lesson_link_opens_each_page_with_exactly_its_values(new_tab, page_id):
    query = urlencode({**SHARED, **OWN[page_id]})
    app = new_tab(page_id, query)  # a Korean browser: the link's English wins
    if page_id in SENTENCE_PAGES:  # the learn page keeps them unseen, in the address
        expect_shared(app, SHARED)
    expect_own(app, page_id, OWN[page_id])
    assert SHARED.items() <= address(app).items()
    assert not app.page.get_by_text(app.text[NOTICE_KEY].split("{")[0].strip()).count()
    assert not_drawn(app.wait_charts_drawn()) == []
    assert app.problems() == []


def test_the_address_bar_follows_the_slider_the_tab_and_the_token(new_tab):
    app = new_tab("attention", urlencode({"lang": "en", "text": SENTENCE}))
    app.page.wait_for_url(lambda url: "tab=dot" in url and "d_model=64" in url, timeout=120_000)
    slider = app.slider("settings.d_model")
    slider.focus()
    app.page.keyboard.press("ArrowRight")
    slow = {"timeout": 120_000}  # a busy machine: wait longer, assert the same
    app.page.wait_for_url(
        lambda url: parse_qs(urlparse(url).query).get("d_model") == ["72"], **slow
    )
    app.wait_idle()
    tab = app.page.locator(".st-key-attn_steps [role=tab]").nth(1)
    tab.evaluate("e => e.scrollIntoView({block: 'center'})")  # not under the sticky sizes bar
    tab.click()
    app.page.wait_for_url(lambda url: parse_qs(urlparse(url).query).get("tab") == ["scale"], **slow)
    app.wait_idle()
    choose(app, "attn_query", "6·because")
    app.page.wait_for_url(lambda url: parse_qs(urlparse(url).query).get("query") == ["6"], **slow)
    app.wait_idle()
    assert {k: address(app)[k] for k in ("d_model", "tab", "query")} == {
        "d_model": "72",
        "tab": "scale",
        "query": "6",
    }
    assert app.problems() == []


def copied_link(app: AppPage, for_class: bool = False) -> str:
    """Open the sidebar's link box (tick "for a class"), return the address it offers."""
    app.page.locator(f"{SHARE} button").first.click()
    code = app.page.locator(f"{POPOVER} [data-testid=stCode] code").first
    code.wait_for()
    if for_class:
        before = code.inner_text()
        app.page.locator(POPOVER).get_by_text(app.text["links.for_class"]).click()
        expect(code).not_to_have_text(before)
    link = code.inner_text().replace("\n", "")
    app.page.keyboard.press("Escape")
    return link


def test_a_copied_address_opens_the_same_view_in_a_new_tab(new_tab):
    query = urlencode({**SHARED, **OWN["multihead"]})
    first = new_tab("multihead", query, locale="en")
    choose(first, "mha_head", first.text["multihead.head_n"].format(h=4))
    first.wait_for_text("k_4 = K[")
    first.wait_idle()
    charts = [c["print"] for c in first.wait_charts_settled()]
    shapes = first.shapes()
    link = copied_link(first)
    assert link.startswith(first.base_url + "/multi_head_attention?")
    assert parse_qs(urlparse(link).query) == parse_qs(urlparse(first.page.url).query)
    second = new_tab("multihead", urlparse(link).query, locale="ko")
    expect_shared(second, SHARED)
    expect(combobox(second, "mha_head")).to_have_value(second.text["multihead.head_n"].format(h=4))
    expect(open_tab(second, "mha_qk")).to_have_text(second.text["multihead.tab_k"])
    expect(open_tab(second, "mha_tab")).to_have_text(second.text["multihead.tab_output"])
    assert second.shapes() == shapes
    assert [c["print"] for c in second.wait_charts_settled()] == charts
    assert first.problems() == [] and second.problems() == []


def test_the_link_for_a_class_hides_the_controls_but_shows_its_values(new_tab):
    first = new_tab("qkv", urlencode({**SHARED, **OWN["qkv"]}), locale="en")
    link = copied_link(first, for_class=True)
    assert parse_qs(urlparse(link).query)["view"] == ["lesson"]
    app = new_tab("qkv", urlparse(link).query)
    expect(app.page.locator(".st-key-sidebar_settings")).to_be_hidden()
    expect(app.page.locator(".st-key-main_controls")).to_be_hidden()
    expect_own(app, "qkv", OWN["qkv"])
    assert "10 × 96" in app.shapes()  # the link's sentence and d_model
    assert app.problems() == []


HOSTILE = {
    "nan": ("attention", {"d_model": "nan", "query": "NaN", "seed": "nan"}),
    "1e309": ("multihead", {"seed": "1e309", "head": "1e309", "n_heads": "1e309"}),
    "repeated": ("qkv", [("token", "1"), ("token", "2"), ("tab", "q"), ("tab", "k")]),
    "40k_text": ("positional", {"text": "x" * 30_000, "dims": "1," * 4000, "extra": "9" * 2000}),
    "script": (
        "attention",
        {"text": "<script>alert(1)</script>", "tab": "<script>alert(1)</script>", "lang": "<b>"},
    ),
    "learn": (
        "learn",
        {"train": "<script>alert(1)</script>", "heads": "3", "lr": "1e309", "steps": "nan"},
    ),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_query_string_falls_back_with_the_notice(new_tab, case):
    page_id, params = HOSTILE[case]
    app = new_tab(page_id, urlencode(params, quote_via=quote), locale="en")
    app.wait_for_text(app.text[NOTICE_KEY].split("{")[0].strip())
    assert app.page.locator('[data-testid="stException"]').count() == 0
    assert app.page.locator("script", has_text="alert(1)").count() == 0
    assert not app.dialogs
    assert not_drawn(app.wait_charts_drawn()) == []
    shown = address(app)
    assert all(len(value) <= 2000 for value in shown.values())  # the defaults replaced them
    assert app.problems() == []


def test_a_link_too_long_for_the_server_is_refused_and_the_app_stays_up(new_tab, app_server):
    """A 100 kB address: the server refuses its header (Tornado's 64 KiB limit) with a 4xx, which
    Chromium may report as a failed navigation, or, if it gets through, the app falls back with
    its notice; either way the next visitor gets the app as usual."""
    from playwright.sync_api import Error as PlaywrightError

    app = new_tab("overview", "", locale="en")
    try:
        response = app.page.goto(app_server.url + "/?" + urlencode({"text": "x" * 100_000}))
        refused = response is not None and 400 <= response.status < 500
    except PlaywrightError as error:  # a 4xx with an empty body
        refused = "ERR_HTTP_RESPONSE_CODE_FAILURE" in str(error)
    if not refused:
        app.wait_for_text(app.text[NOTICE_KEY].split("{")[0].strip())
    again = new_tab("overview", "lang=en", locale="en")
    assert again.problems() == []


def test_a_downloaded_csv_of_a_matrix_has_its_shape_and_labels(new_tab):
    app = new_tab("attention", urlencode({"lang": "en", "text": "the cat sat", "d_model": "16"}))
    tokens = ["0·the", "1·cat", "2·sat"]
    app.page.locator(f".st-key-{downloads.BOX_KEY} summary").click()  # open the downloads box
    key = downloads._key("csv", "A = softmax(·)")
    button = app.page.locator(f".st-key-{key} button:visible").first
    with app.page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "A_softmax.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0] == [app.text["common.query_token"], *tokens]
    assert [row[0] for row in rows[1:]] == tokens
    weights = np.array([[float(cell) for cell in row[1:]] for row in rows[1:]])  # (3, 3)
    assert weights.shape == (3, 3)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    with app.page.expect_download() as info:
        app.page.locator(".st-key-npz_attention button:visible").first.click()
    with np.load(info.value.path()) as npz:
        assert npz["attention.weights"].shape == (1, 3, 3)
        np.testing.assert_allclose(npz["attention.weights"][0], weights)
    assert app.problems() == []
