"""One browser tab on the running app, and the few things the browser tests do with it.

Waiting rules (see shared/BROWSER.md): never sleep. After an interaction, first wait for output
that only the new rerun can show (`wait_for_text`, a changed chart), then for Streamlit to be idle.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # no Playwright: the fixtures skip the tests (fail under CI) and say why
    PlaywrightTimeout = TimeoutError

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"  # git-ignored: screenshots and the load test's numbers
LOCALES = {"ko": "ko-KR", "en": "en-US"}  # the browser's language; the app follows it
VIEWPORT = {"width": 1400, "height": 1000}
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    # No traffic of its own: no updates, no sync, no first-run pages.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHART = '[data-testid="stVegaLiteChart"], [data-testid="stGraphVizChart"]'
# Loading a page by its URL (/embedding) makes Streamlit's frontend ask for
# /embedding/_stcore/health and /embedding/_stcore/host-config, which answer 404: known, harmless.
HARMLESS_404 = re.compile(r"^https?://[^/]+/[^/]+/_stcore/(health|host-config)$")
# Streamlit serves st.image pictures from /media/<hash> and forgets those of earlier reruns. When
# reruns come fast (a learner holding a key down, a busy server) the browser may ask for a
# picture that a newer rerun has already replaced: a 404 for an image no longer on the page.
MEDIA = re.compile(r"^https?://[^/]+/media/[0-9a-f]+\.\w+$")
IMAGES_JS = (
    "() => [...document.images].map((i) => ({src: i.src, ok: i.complete && i.naturalWidth > 0}))"
)

# Elements whose code is still loading show a grey skeleton; charts appear only after it.
LOADING_JS = """[...document.querySelectorAll('[data-testid="stSkeleton"]')].map(() =>
  ({kind: 'stSkeleton', key: null, hidden: false, renderer: 'none', width: 0, height: 0, marks: 0, drawn: false,
    print: 'loading'}))"""
# Every chart on the page: whether it is hidden (in a tab not shown), how it is drawn, its size,
# how many marks it shows, and a print of its data: the marks' aria labels (their values), colours
# and texts (Graphviz: its texts; canvas: a pixel sample). Positions and sizes are left out: the
# same data drawn again may come out a pixel taller.
CHARTS_JS = r"""(selector) => {
  const hash = (s) => {
    let h = 2166136261;
    for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); }
    return (h >>> 0).toString(16);
  };
  const key = (el) => (el.closest('[class*="st-key-"]')?.className.match(/st-key-(\S+)/) || [])[1];
  return [...document.querySelectorAll(selector)].map((chart) => {
    const kind = chart.dataset.testid;
    const canvas = chart.querySelector('canvas');
    const svg = chart.querySelector('svg');
    const box = (canvas || svg)?.getBoundingClientRect();
    const report = {kind, key: key(chart) || null, hidden: !chart.checkVisibility(),
                    renderer: canvas ? 'canvas' : svg ? 'svg' : 'none',
                    width: box ? Math.round(box.width) : 0, height: box ? Math.round(box.height) : 0,
                    marks: 0, drawn: false, print: ''};
    if (canvas && canvas.width && canvas.height) {
      const small = document.createElement('canvas');
      small.width = 64; small.height = 64;
      const ctx = small.getContext('2d', {willReadFrequently: true});
      ctx.drawImage(canvas, 0, 0, 64, 64);
      const pixels = ctx.getImageData(0, 0, 64, 64).data;
      const colours = new Set();
      for (let i = 0; i < pixels.length; i += 4) colours.add(pixels.slice(i, i + 4).join(','));
      report.marks = colours.size;
      report.drawn = colours.size > 1;
      report.print = hash(Array.from(pixels).join(','));
    } else if (svg && kind === 'stGraphVizChart') {
      const nodes = svg.querySelectorAll('g.node');
      report.marks = nodes.length;
      report.drawn = [...nodes].some((n) => { const b = n.getBBox(); return b.width > 0 && b.height > 0; });
      report.print = hash(svg.textContent);
    } else if (svg) {
      const marks = [...svg.querySelectorAll('.role-mark :is(path, rect, circle, line, text, image)')];
      report.marks = marks.length;
      report.drawn = marks.some((m) => { const b = m.getBBox(); return b.width > 0 || b.height > 0; });
      report.print = hash(marks.map((m) => [m.getAttribute('aria-label'), m.getAttribute('fill'),
        m.textContent].join('~')).join('|')
        + [...svg.querySelectorAll('text')].map((t) => t.textContent).join('|'));
    }
    report.drawn = report.drawn && report.width > 0 && report.height > 0;
    return report;
  });
}"""


def labels(lang: str) -> dict[str, str]:
    """The app's short labels in one language, flat ("settings.d_model" -> text): every .toml
    of content/<lang>/, read as the app reads them."""
    from ui.i18n import labels as app_labels

    return app_labels(lang)


def template_pattern(template: str) -> re.Pattern:
    """A label with {placeholders} as a regex that matches it with any values filled in."""
    parts = re.split(r"\{[^{}]*\}", template)
    return re.compile(".+?".join(re.escape(part) for part in parts))


def page_url(path: str) -> str:
    """URL path of a script: app.py -> "/", pages/2_positional_encoding.py -> "/positional_encoding"."""
    if path == "app.py":
        return "/"
    return "/" + re.sub(r"^\d+_", "", Path(path).stem)


def expect(target):
    """Playwright's `expect` (retrying assertions), imported late: without Playwright installed
    the fixtures skip the tests instead of every module failing to import."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def failed_url(text: str, location: str) -> str:
    """The URL a console error is about: Streamlit reports a picture that failed to load as
    "Client Error: Image source error - <url>" from its own script; others name it as location."""
    found = re.search(r"Image source error - (\S+)", text)
    return found.group(1) if found else location


def forgivable_404(url: str, shown_images: set[str]) -> bool:
    """A 404 that is known and harmless: Streamlit's own probe of a page URL, or a picture of
    an earlier rerun that the page no longer shows (see MEDIA)."""
    return bool(HARMLESS_404.match(url) or (MEDIA.match(url) and url not in shown_images))


def not_drawn(charts: list[dict]) -> list[dict]:
    """The charts that are shown but have nothing drawn (or are still loading)."""
    return [chart for chart in charts if not (chart["hidden"] or chart["drawn"])]


class AppPage:
    """A tab of the app in one language, recording every error, dialog and 404 it sees."""

    def __init__(self, page: Page, base_url: str, lang: str):
        self.page, self.base_url, self.lang = page, base_url, lang
        self.text = labels(lang)
        self.console_errors: list[tuple[str, str]] = []  # (text, url of the failing resource)
        self.vega_warnings: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        self.not_found: set[str] = set()
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("response", lambda r: self.not_found.add(r.url) if r.status == 404 else None)
        page.on("dialog", self._on_dialog)

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append((message.text, message.location.get("url", "")))
        elif message.type == "warning" and message.text.startswith("WARN "):  # Vega's logger
            self.vega_warnings.append(message.text)

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    # --- opening and waiting ---------------------------------------------------------------
    def open(self, page_id: str, path: str, query: str = "") -> AppPage:
        """Load a page by its URL and wait until it has run and shows its title."""
        self.page.goto(self.base_url + page_url(path) + (f"?{query}" if query else ""))
        self.wait_for_title(page_id)
        return self

    def wait_for_title(self, page_id: str) -> None:
        """The page's h1 reads exactly its title in this tab's language (new output), then the
        app is idle."""
        exact = re.compile(rf"^\s*{re.escape(self.text[f'{page_id}.title'])}\s*$")
        self.page.locator("h1").filter(has_text=exact).first.wait_for()
        self.wait_idle()

    def wait_idle(self) -> None:
        self.page.locator(IDLE).wait_for()

    def wait_for_text(self, text: str, within: str = "body") -> None:
        """Wait until `text` is shown inside `within`: the new output of a rerun."""
        self.page.locator(within).get_by_text(text, exact=False).first.wait_for()

    # --- charts ------------------------------------------------------------------------------
    def charts(self) -> list[dict]:
        """Every chart as CHARTS_JS reports it; an element still loading (a grey skeleton)
        counts as a chart not drawn yet."""
        return self.page.evaluate(f"() => ({CHARTS_JS})({CHART!r}).concat({LOADING_JS})")

    def wait_charts_drawn(self, timeout: float = 10_000) -> list[dict]:
        """Wait until nothing is loading and every visible chart shows marks; return the charts
        as they were then, or, after `timeout`, as they are (the caller asserts, with details).
        A chart in a tab that is not shown is not drawn by Vega: it reports hidden=True."""
        return self._wait_for_charts(
            "(before, skip, charts) => charts.every((c) => c.hidden || c.drawn)", None, timeout
        )

    def wait_charts_changed(
        self, before: list[str], skip_key: str | None = None, timeout: float = 20_000
    ) -> list[dict]:
        """Wait until the charts' prints differ from `before`, then until they settle; return
        the charts. skip_key leaves out the charts whose widget key starts with it (their prints
        are not in `before`)."""
        self._wait_for_charts(
            """(before, skip, charts) => charts.every((c) => c.hidden || c.drawn)
                 && JSON.stringify(charts.filter((c) => !(skip && c.key?.startsWith(skip)))
                                         .map((c) => c.print)) !== JSON.stringify(before)""",
            [before, skip_key],
            timeout,
        )
        return self.wait_charts_settled()

    def _wait_for_charts(self, condition: str, arg, timeout: float) -> list[dict]:
        """Poll the charts until `condition(before, skip, charts)` holds; return those charts."""
        try:
            handle = self.page.wait_for_function(
                f"""([before, skip]) => {{
                  const charts = ({CHARTS_JS})({CHART!r}).concat({LOADING_JS});
                  return ({condition})(before, skip, charts) ? charts : null;
                }}""",
                arg=arg or [None, None],
                timeout=timeout,
                polling=200,
            )
            return handle.json_value()
        except PlaywrightTimeout:
            return self.charts()

    def wait_charts_settled(self, quiet_ms: int = 600, timeout: float = 20_000) -> list[dict]:
        """Wait until every chart is drawn and no chart has changed for `quiet_ms`; return them.

        Vega redraws each chart on its own after the rerun's data arrived, so the first chart
        that changed says nothing about the others: wait for the whole page to be still.
        """
        deadline = time.monotonic() + timeout / 1000
        while True:
            charts = self.page.evaluate(
                f"""async ([quiet, cap]) => {{
                  const prints = () => JSON.stringify(({CHARTS_JS})({CHART!r}).concat({LOADING_JS}));
                  const start = performance.now();
                  let last = prints(), since = start;
                  while (performance.now() - since < quiet && performance.now() - start < cap) {{
                    await new Promise((done) => setTimeout(done, 100));
                    const now = prints();
                    if (now !== last) {{ last = now; since = performance.now(); }}
                  }}
                  return JSON.parse(last);
                }}""",
                [quiet_ms, max(0, (deadline - time.monotonic()) * 1000)],
            )
            if not not_drawn(charts) or time.monotonic() > deadline:
                return charts

    def shapes(self) -> list[str]:
        """Every array shape the main area writes ("13 × 72"), in captions and diagrams, in order;
        the code expander left out."""
        return self.page.evaluate(r"""() => {
          const main = document.querySelector('[data-testid="stMain"]');
          const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
          const found = [];
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (node.parentElement.closest('[data-testid="stExpander"], [data-testid="stCode"]')) continue;
            found.push(...(node.textContent.match(/\d+(?: × \d+)+/g) || []));
          }
          return found;
        }""")

    # --- sidebar -----------------------------------------------------------------------------
    def slider(self, label_key: str):
        """A sidebar slider by its label. Its accessible name repeats the label (aria-label and
        aria-labelledby), so the name is matched as a substring, not exactly."""
        return self.page.get_by_role("slider", name=self.text[label_key])

    def sentence_box(self):
        return self.page.get_by_role("textbox", name=self.text["settings.sentence"], exact=True)

    def d_head_caption(self, d_model: int, n_heads: int) -> str:
        return self.text["settings.d_head_live"].format(
            d_model=d_model, n_heads=n_heads, d_head=d_model // n_heads
        )

    def go_to(self, page_id: str) -> None:
        """Click the sidebar link of a page and wait until that page has run."""
        link = self.page.locator('[data-testid="stSidebar"] a').filter(
            has_text=self.text[f"nav.{page_id}"]
        )
        link.first.click()
        self.wait_for_title(page_id)

    def type_sentence(self, text: str) -> None:
        """Put `text` in the sentence box and submit it (Enter, as a learner does)."""
        box = self.sentence_box()
        box.fill(text)
        box.press("Enter")

    # --- what the page shows ----------------------------------------------------------------
    def wait_for_cells(self, wanted: list[str], timeout: float = 20_000) -> None:
        """Wait until the first table of the main area shows every text in `wanted` as a cell."""
        self.page.wait_for_function(
            """(wanted) => {
              const grid = document.querySelector('[data-testid="stMain"] [data-testid="stDataFrame"]');
              if (!grid) return false;
              const cells = new Set([...grid.querySelectorAll('[role="gridcell"]')].map((c) => c.textContent));
              return wanted.every((w) => cells.has(w));
            }""",
            arg=wanted,
            timeout=timeout,
            polling=200,
        )

    def forget_problems(self) -> None:
        """Start a fresh record (a tab reused by several tests)."""
        for record in (self.console_errors, self.vega_warnings, self.page_errors, self.dialogs):
            record.clear()

    def problems(self) -> list[str]:
        """Everything that went wrong so far: exceptions drawn, console errors, page errors, dialogs.

        Forgiven, and only when the browser really received a 404 from exactly that URL: the two
        known probes of a page loaded by its URL (HARMLESS_404), and a picture of an earlier
        rerun that the page no longer shows (MEDIA). A picture still on the page must load.
        """
        found = []
        for box in self.page.locator('[data-testid="stException"]').all():
            found.append("exception shown: " + box.inner_text()[:500])
        try:  # judge the pictures once they have loaded (or failed)
            self.page.wait_for_function(
                "() => [...document.images].every((i) => i.complete)", timeout=10_000
            )
        except PlaywrightTimeout:
            pass
        images = self.page.evaluate(IMAGES_JS)
        found += [f"broken image: {image['src']}" for image in images if not image["ok"]]
        shown = {image["src"] for image in images}
        for text, location in self.console_errors:
            url = failed_url(text, location)
            if not (url in self.not_found and forgivable_404(url, shown)):
                found.append(f"console error: {text} ({location})")
        found += [f"page error: {error}" for error in self.page_errors]
        found += [f"dialog opened: {dialog}" for dialog in self.dialogs]
        return found
