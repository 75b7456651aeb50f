"""Every page in both languages as a learner first sees it: no error, every chart drawn, Hangul
drawn with a real font, and a screenshot for a reviewer (artifacts/screenshots/).

Each (page, language) is loaded once and shared by these tests, which only look at it.
"""

import re

import pytest
from app_page import ARTIFACTS, not_drawn

from ui.i18n import LANGS
from ui.setup import PAGES

pytestmark = pytest.mark.browser

PAGE_PARAMS = [pytest.param(page_id, path, id=page_id) for page_id, path, _ in PAGES]
SCREENSHOTS = ARTIFACTS / "screenshots"
MAX_SCREENSHOT_HEIGHT = 16_000  # pixels; taller pages are cut there

# Draws each distinct Hangul syllable of an element's text, in the element's own font, on a canvas.
# A syllable that no installed font has is drawn as the same empty box (.notdef) whatever the
# syllable; real glyphs differ from each other and from that box. So: every syllable must give
# its own picture, and none may look like a character that no font has (U+E000, U+10FFFD).
HANGUL_GLYPHS_JS = r"""(el) => {
  const style = getComputedStyle(el);
  const font = `${style.fontStyle} ${style.fontWeight} 40px ${style.fontFamily}`;
  const canvas = document.createElement('canvas');
  canvas.width = 56; canvas.height = 56;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const draw = (ch) => {
    ctx.clearRect(0, 0, 56, 56);
    ctx.font = font; ctx.textBaseline = 'top'; ctx.fillStyle = '#000';
    ctx.fillText(ch, 4, 4);
    const alpha = ctx.getImageData(0, 0, 56, 56).data.filter((_, i) => i % 4 === 3);
    return {ink: alpha.filter((a) => a > 0).length, picture: alpha.join(',')};
  };
  const syllables = [...new Set([...el.textContent].filter((ch) => /[\uac00-\ud7a3]/.test(ch)))];
  return {font, syllables, glyphs: syllables.map(draw), missing: ['\uE000', '\u{10FFFD}'].map(draw)};
}"""


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page_id, path", PAGE_PARAMS)
def test_page_loads_without_error(shown_page, page_id, path, lang):
    app = shown_page(page_id, path, lang)
    assert app.problems() == []


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page_id, path", PAGE_PARAMS)
def test_every_chart_is_drawn(shown_page, page_id, path, lang):
    """Each Vega-Lite / Graphviz chart has a non-empty svg (or canvas) with marks on it; a chart
    in a tab is checked with its tab shown."""
    app = shown_page(page_id, path, lang)
    empty = [f"{chart}" for chart in not_drawn(app.wait_charts_drawn())]
    tabs = app.page.locator('[data-testid="stMain"] [role="tab"]')
    for i in range(tabs.count()):
        tab = tabs.nth(i)
        tab.click()  # shows charts drawn already, or (on_change="rerun") reruns the page
        empty += [
            f"in tab {tab.inner_text()!r}: {chart}"
            for chart in not_drawn(app.wait_charts_settled())
        ]
    for tablist in app.page.locator('[data-testid="stMain"] [role="tablist"]').all():
        tablist.locator('[role="tab"]').first.click()  # as the learner first saw it
    app.wait_charts_settled()
    assert not empty, (
        f"{page_id} ({lang}) shows charts with nothing drawn:\n"
        + "\n".join(empty)
        + f"\nVega's warnings: {app.vega_warnings}"
    )


@pytest.mark.parametrize("page_id, path", PAGE_PARAMS)
def test_korean_title_is_drawn_in_hangul_glyphs(shown_page, page_id, path):
    app = shown_page(page_id, path, "ko")
    title = app.page.locator("h1").first
    assert re.search("[가-힣]", title.inner_text()), "the Korean title has no Hangul to check"
    found = title.evaluate(HANGUL_GLYPHS_JS)
    pictures = [glyph["picture"] for glyph in found["glyphs"]]
    fonts = _platform_fonts(app.page)
    detail = f"font {found['font']!r}; Chromium used {fonts}"
    assert all(glyph["ink"] > 0 for glyph in found["glyphs"]), f"blank Hangul: {detail}"
    assert len(set(pictures)) == len(pictures), f"Hangul drawn as identical boxes: {detail}"
    missing = {glyph["picture"] for glyph in found["missing"]}
    assert not missing & set(pictures), f"Hangul drawn like a missing glyph: {detail}"


def _platform_fonts(page) -> list[str]:
    """The fonts Chromium really used for the h1's text (DevTools protocol), for the message."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        h1 = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "h1 span"})["nodeId"]
        used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": h1})["fonts"]
        return [f"{font['familyName']} ({font['glyphCount']} glyphs)" for font in used]
    finally:
        cdp.detach()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page_id, path", PAGE_PARAMS)
def test_screenshot_of_the_whole_page(shown_page, page_id, path, lang):
    """artifacts/screenshots/<n>_<page>-<lang>.png, the whole page (the viewport grown to fit)."""
    app = shown_page(page_id, path, lang)
    page = app.page
    height = page.evaluate("""() => Math.max(
        ...['[data-testid="stMain"]', '[data-testid="stSidebarContent"]']
           .map((s) => document.querySelector(s)?.scrollHeight || 0))""")
    page.set_viewport_size(
        {
            "width": page.viewport_size["width"],
            "height": min(max(height, 600), MAX_SCREENSHOT_HEIGHT),
        }
    )
    app.wait_charts_drawn()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    number = [pid for pid, _, _ in PAGES].index(page_id)
    target = SCREENSHOTS / f"{number}_{page_id}-{lang}.png"
    page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000
    assert app.problems() == []
