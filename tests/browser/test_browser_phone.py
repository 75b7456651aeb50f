"""Every page in both languages on a phone (390 × 844) and a laptop (1400 px wide): nothing wider
than the screen, every token row labelled (Korean included), the main controls a few Tab presses
away, the page's language announced, and screenshots for a reviewer (artifacts/screenshots/).
"""

import re

import pytest
from app_page import ARTIFACTS, LOCALES, AppPage

from ui.i18n import LANGS
from ui.setup import PAGES

pytestmark = pytest.mark.browser

PAGE_PARAMS = [pytest.param(page_id, path, id=page_id) for page_id, path, _ in PAGES]
PATHS = {page_id: path for page_id, path, _ in PAGES}
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1400, "height": 1000}
SCREENSHOTS = ARTIFACTS / "screenshots"
MAX_SCREENSHOT_HEIGHT = 16_000  # pixels; taller pages are cut there
MAX_TABS = 15  # Tab presses from page load to the sentence box or the d_model slider
LONG_SENTENCE = " ".join(f"word{i}" for i in range(40))  # cut to the 32 tokens a page shows

# Elements of the main area that reach past the right edge of the screen, widest first. An
# element inside a box that scrolls (or clips) sideways and itself fits is not counted: a table
# or a formula may scroll inside itself, the page may not.
OVERFLOW_JS = r"""() => {
  const edge = document.documentElement.clientWidth;
  const main = document.querySelector('[data-testid="stMain"]');
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== main; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX !== 'visible' && up.getBoundingClientRect().right <= edge + 1) return true;
    }
    return false;
  };
  const found = [];
  for (const el of main.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= edge + 1) continue;
    if (getComputedStyle(el).visibility === 'hidden' || clipped(el)) continue;
    const id = el.dataset.testid || el.className?.baseVal || el.className || '';
    found.push({tag: el.tagName.toLowerCase(), id: String(id).slice(0, 60),
                right: Math.round(box.right), width: Math.round(box.width),
                text: (el.textContent || '').trim().slice(0, 40)});
  }
  return found.sort((a, b) => b.right - a.right);
}"""
SCROLL_WIDTH_JS = "() => document.documentElement.scrollWidth"
# The row and column labels of the clickable weights chart (an SVG: its axis labels are texts).
AXIS_LABELS_JS = r"""() => {
  const svg = document.querySelector('[data-testid="stMain"] [class*="st-key-attn_query_chart"] svg.marks');
  if (!svg) return null;
  const axis = (name) => [...svg.querySelectorAll(`g.role-axis[aria-label*="${name}"] .role-axis-label text`)]
    .map((t) => t.textContent);
  return {y: axis('Y-axis'), x: axis('X-axis')};
}"""


# What has the keyboard focus: its tag, its label (aria-label or <label>), whether it is shown.
FOCUSED_JS = r"""() => {
  const el = document.activeElement;
  const box = el?.getBoundingClientRect();
  return {tag: (el?.tagName || '').toLowerCase(),
          label: el?.getAttribute('aria-label') || el?.labels?.[0]?.textContent
                 || (el?.textContent || '').trim().slice(0, 30),
          testid: el?.closest('[data-testid]')?.dataset.testid || '',
          href: el?.getAttribute('href') || '',
          visible: !!box && box.width > 0 && box.right > 0 && box.left < innerWidth};
}"""


def _open(browser, app_server, page_id: str, lang: str, viewport: dict, **query) -> AppPage:
    context = browser.new_context(
        locale=LOCALES[lang], viewport=viewport, device_scale_factor=2 if viewport == PHONE else 1
    )
    context.set_default_timeout(60_000)
    app = AppPage(context.new_page(), app_server.url, lang)
    app.open(page_id, PATHS[page_id], "&".join(f"{k}={v}" for k, v in query.items()))
    app.wait_charts_drawn(timeout=30_000)
    return app


@pytest.fixture
def opened(browser, app_server):
    """open(page_id, lang, viewport, **url settings) -> AppPage, closed after the test."""
    apps: list[AppPage] = []

    def _opened(page_id: str, lang: str, viewport: dict, **query) -> AppPage:
        apps.append(_open(browser, app_server, page_id, lang, viewport, **query))
        return apps[-1]

    yield _opened
    for app in apps:
        app.page.context.close()


def _screenshot(app: AppPage, name: str) -> None:
    """The whole page (the viewport grown to fit), then the viewport put back."""
    page = app.page
    before = page.viewport_size
    height = page.evaluate("""() => Math.max(
        ...['[data-testid="stMain"]', '[data-testid="stSidebarContent"]']
           .map((s) => document.querySelector(s)?.scrollHeight || 0))""")
    page.set_viewport_size({"width": before["width"], "height": min(max(height, 600), 16_000)})
    app.wait_charts_settled()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))
    page.set_viewport_size(before)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page_id, path", PAGE_PARAMS)
def test_nothing_is_wider_than_a_phone(opened, page_id, path, lang):
    app = opened(page_id, lang, PHONE)
    width = app.page.evaluate(SCROLL_WIDTH_JS)
    offenders = app.page.evaluate(OVERFLOW_JS)
    number = [pid for pid, _, _ in PAGES].index(page_id)
    _screenshot(app, f"{number}_{page_id}-{lang}-390.png")
    print(f"\n{page_id} ({lang}) at 390 px: scrollWidth {width}; worst {offenders[:1]}")
    assert width <= PHONE["width"] + 1, f"the page pans sideways ({width} px): {offenders[:5]}"
    assert not offenders, f"{len(offenders)} elements reach past the screen: {offenders[:5]}"
    assert app.problems() == []


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page_id, path", PAGE_PARAMS)
def test_laptop_screenshot(opened, page_id, path, lang):
    app = opened(page_id, lang, LAPTOP)
    assert app.page.evaluate(SCROLL_WIDTH_JS) <= LAPTOP["width"]
    number = [pid for pid, _, _ in PAGES].index(page_id)
    _screenshot(app, f"{number}_{page_id}-{lang}-1400.png")
    assert app.problems() == []


@pytest.mark.parametrize("lang", LANGS)
def test_html_lang_is_the_page_language(opened, lang):
    """A screen reader reads Korean text with a Korean voice only if the page says it is Korean."""
    app = opened("attention", lang, LAPTOP)
    app.page.wait_for_function(f"() => document.documentElement.lang === {lang!r}")
    assert app.page.evaluate("() => document.documentElement.lang") == lang


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_main_controls_are_a_few_tab_presses_away(opened, viewport):
    """From page load: the sentence box or the d_model slider within MAX_TABS Tab presses (the
    page's "skip to main content" link, taken with Enter, counts as a keyboard user takes it)."""
    app = opened("attention", "ko", viewport)
    page = app.page
    page.evaluate("() => document.activeElement?.blur()")  # as loaded: nothing focused
    targets = [app.text["settings.sentence"], app.text["settings.d_model"]]
    path = []
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        path.append(f"{focused['tag']}:{focused['label'][:30]}")
        # On a phone Streamlit keeps the closed sidebar's controls in the Tab order, off screen:
        # reaching one counts (the sidebar's own button opens it to the eye).
        shown = focused["visible"] or viewport == PHONE
        control = focused["tag"] in ("textarea", "input") and shown
        if control and any(target in focused["label"] for target in targets):
            break
        if focused["tag"] == "a" and focused["href"].endswith("#stMain"):  # a "skip to main" link
            page.keyboard.press("Enter")  # what a keyboard user does: the main area comes next
    else:
        pytest.fail(f"no main control within {MAX_TABS} Tab presses: {path}")
    print(f"\nreached {focused['label']!r} in {presses} Tab presses: {path}")


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
@pytest.mark.parametrize(
    "lang, text, n_tokens",
    [("ko", None, 6), ("en", LONG_SENTENCE, 32)],
    ids=["korean-default", "32-tokens"],
)
def test_every_token_keeps_its_axis_label(opened, viewport, lang, text, n_tokens):
    """The clickable weights chart labels every row and every column, Hangul included."""
    query = {"text": text.replace(" ", "+")} if text else {}
    app = opened("attention", lang, viewport, **query)
    app.page.locator('[class*="st-key-attn_query_chart"] svg.marks').first.wait_for()
    found = app.page.evaluate(AXIS_LABELS_JS)
    size = "390" if viewport == PHONE else "1400"
    _screenshot(app, f"labels_{lang}_{n_tokens}-{size}.png")
    assert found is not None, "no clickable chart drawn as SVG"
    assert len(found["y"]) == n_tokens, found["y"]
    assert len(found["x"]) == n_tokens, found["x"]
    if lang == "ko":
        assert all(re.search("[가-힣]", label) for label in found["y"]), found["y"]
