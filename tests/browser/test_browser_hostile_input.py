"""Hostile input through every way text gets into the app: the sidebar's sentence box and the URL
parameters read on a session's first run (?text=, ?lang=).

After each: no dialog opened, no exception shown, no console error, nothing injected into the
page (no <img src=x>, no <script>, no javascript: link, no inline handler), the text shown as
text in the token table, and the app still working (a normal sentence shows its tokens).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from app_page import LOCALES, VIEWPORT, AppPage, expect, not_drawn, template_pattern

from ui.setup import MAX_CHARS, PAGES, SENTENCE_PAGES

pytestmark = pytest.mark.browser

NORMAL = "the quick brown fox"
NORMAL_TOKENS = ["quick", "brown", "fox"]
OVERVIEW = {page_id: path for page_id, path, _ in PAGES}["overview"]
FAMILY = (
    "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 👩‍👩‍👧‍👦: 4 people, 3 joiners
)
RAINBOW_FLAG = "\U0001f3f3\ufe0f\u200d\U0001f308"  # 🏳️‍🌈: flag, VS16, joiner, rainbow


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    shown: tuple[str, ...]  # cells the token table must show (from the first 2000 characters)
    truncated: bool = False  # more than MAX_TOKENS tokens: the page warns


CASES = [
    Case("empty", "", ()),
    Case("spaces_only", "   \t  \u3000 ", ()),
    Case("10k_words", ("lorem ipsum " * 834)[:10_000], ("lorem", "ipsum"), truncated=True),
    Case("10k_one_word", "x" * 10_000, ("x" * MAX_CHARS,)),
    Case(
        "emoji_zwj",
        f"family {FAMILY} flag {RAINBOW_FLAG}",
        ("family", FAMILY, "flag", RAINBOW_FLAG),
    ),
    Case(
        "right_to_left",
        "مرحبا بالعالم שלום \u202egnp.exe",
        ("مرحبا", "بالعالم", "שלום", "gnp", "exe"),
    ),
    Case("script_tag", "<script>alert(1)</script>", ("<", "script", ">", "alert", "/")),
    Case("img_onerror", "<img src=x onerror=alert(1)>", ("<", "img", "src", "=", "x", "onerror")),
    Case("markdown_js_link", "[x](javascript:alert(1))", ("[", "x", "]", "javascript", ":")),
    Case("latex", r"$\frac{$", ("$", "\\", "frac", "{")),
    Case(
        "control_chars",
        "ctrl\x00\x01\x02\x03\x04\x05\x06\x07\x08\x1b[31mred ok",
        ("ctrl", "[", "31mred", "ok"),
    ),
]
CASE_PARAMS = [pytest.param(case, id=case.name) for case in CASES]

# What an injection would leave in the DOM.
INJECTED_JS = r"""() => ({
  img_src_x: [...document.images].filter((i) => /(^|\/)x$/.test(i.getAttribute('src') || '')).length,
  script_alert: [...document.scripts].filter((s) => s.textContent.includes('alert(1)')).length,
  javascript_links: [...document.querySelectorAll('a[href]')]
    .filter((a) => a.getAttribute('href').trim().toLowerCase().startsWith('javascript:')).length,
  inline_handlers: document.querySelectorAll('[onerror], [onload], [onclick], [onmouseover]').length,
  katex_errors: document.querySelectorAll('.katex-error').length,
})"""


def _expect_shown_as_text(app: AppPage, case: Case) -> None:
    if case.shown:
        app.wait_for_cells(list(case.shown))
    else:
        app.wait_for_text(app.text["common.empty_sentence"], '[data-testid="stMain"]')
    app.wait_idle()
    warning = app.page.locator('[data-testid="stAlert"]').filter(
        has_text=template_pattern(app.text["common.truncated"])
    )
    assert warning.count() == (1 if case.truncated else 0)


def _expect_unharmed(app: AppPage) -> None:
    injected = app.page.evaluate(INJECTED_JS)
    assert injected == dict.fromkeys(injected, 0), f"injected into the page: {injected}"
    assert app.problems() == []


def _expect_still_working(app: AppPage) -> None:
    app.type_sentence(NORMAL)
    app.wait_for_cells(NORMAL_TOKENS)
    app.wait_idle()
    assert app.problems() == []


@pytest.fixture(scope="module")
def typing_page(browser, app_server):
    """The overview in English, one tab for every typed case."""
    context = browser.new_context(locale=LOCALES["en"], viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    app = AppPage(context.new_page(), app_server.url, "en").open("overview", OVERVIEW)
    yield app
    context.close()


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_hostile_sentence_typed_into_the_sentence_box(typing_page, case):
    app = typing_page
    app.forget_problems()
    box = app.sentence_box()
    if len(case.text) > MAX_CHARS:
        box.fill(case.text)  # all at once, like a paste: more than max_chars is refused
        assert len(box.input_value()) <= MAX_CHARS
        box.fill(case.text[: MAX_CHARS - 10])
        box.press_sequentially(case.text[MAX_CHARS - 10 : MAX_CHARS + 10])  # typing stops at 2000
        assert box.input_value() == case.text[:MAX_CHARS]
        box.press("Enter")
    else:
        app.type_sentence(case.text)
    _expect_shown_as_text(app, case)
    expect(app.sentence_box()).to_have_value(case.text[:MAX_CHARS])
    _expect_unharmed(app)
    _expect_still_working(app)


@pytest.fixture(scope="module")
def korean_context(browser):
    context = browser.new_context(locale=LOCALES["ko"], viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    yield context
    context.close()


@pytest.mark.parametrize("case", CASE_PARAMS)
def test_hostile_url_parameters(korean_context, app_server, case):
    """?text=<case>&lang=<case>: the sentence is the case, the unknown language falls back to the
    browser's (Korean here) with a notice; a text longer than the box allows falls back to the
    example sentence, with the same notice."""
    page = korean_context.new_page()  # a new tab: a new session, which reads the URL
    try:
        app = AppPage(page, app_server.url, "ko")
        app.open("overview", OVERVIEW, urlencode({"text": case.text, "lang": case.text}))
        notice = app.text["common.link_fallback"].split("{")[0]
        app.wait_for_text(notice.strip())
        if len(case.text) > MAX_CHARS:
            expect(app.sentence_box()).to_have_value(app.text["example.default"])
        else:
            _expect_shown_as_text(app, case)
            expect(app.sentence_box()).to_have_value(case.text)
        _expect_unharmed(app)
        _expect_still_working(app)
    finally:
        page.close()


@pytest.mark.parametrize(
    "page_id, path", [pytest.param(p, path, id=p) for p, path, _ in PAGES if p in SENTENCE_PAGES]
)
def test_every_page_survives_all_hostile_text_at_once(korean_context, app_server, page_id, path):
    """Every short case in one sentence, given by URL to each page: its charts and tables draw
    the tokens as text, nothing is injected, nothing breaks."""
    text = " ".join(case.text for case in CASES if len(case.text) < 100)
    page = korean_context.new_page()
    try:
        app = AppPage(page, app_server.url, "ko")
        app.open(page_id, path, urlencode({"text": text}))
        charts = app.wait_charts_drawn()
        assert not_drawn(charts) == []
        _expect_unharmed(app)
    finally:
        page.close()
