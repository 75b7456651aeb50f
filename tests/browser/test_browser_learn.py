"""Page 6 in a real browser: Train shows a progress bar that moves, a loss that falls and head
maps that change while the model trains; Stop ends a long run; screenshots of a trained page at
1400 and 390 px in both languages (artifacts/screenshots/). Prints the seconds from Train to the
first progress shown and the steps trained per second.

Each run uses a seed of its own (in the address), so no run is already trained on this server.
"""

import itertools
import time

import pytest
from app_page import ARTIFACTS, LOCALES, VIEWPORT, AppPage, template_pattern

from core.tasks import TASKS

pytestmark = pytest.mark.browser

PATH = "pages/6_watch_it_learn.py"
SCREENSHOTS = ARTIFACTS / "screenshots"
PHONE = {"width": 390, "height": 844}
RUN_TIMEOUT = 120_000  # ms a default run may take on a busy two-core machine
PROGRESS = '[data-testid="stMain"] [data-testid="stProgress"] [role="progressbar"]'
# What the page shows now: the progress bar's value (or null), the loss metric's value (or null),
# and whether a notice says the run has ended.
STATE_JS = """([progress, lossLabel, ended]) => {
  const bar = document.querySelector(progress);
  const metric = [...document.querySelectorAll('[data-testid="stMetric"]')]
    .find((m) => m.querySelector('[data-testid="stMetricLabel"]')?.textContent.trim() === lossLabel);
  const notices = [...document.querySelectorAll('[data-testid="stAlert"]')].map((a) => a.textContent);
  return {progress: bar ? Number(bar.getAttribute('aria-valuenow')) : null,
          loss: metric ? Number(metric.querySelector('[data-testid="stMetricValue"]').textContent) : null,
          ended: notices.some((text) => ended.some((re) => new RegExp(re).test(text)))};
}"""


@pytest.fixture
def learn_page(browser, app_server):
    """learn_page(lang, seed) -> the page in a fresh session, the sidebar's seed from the address."""
    contexts = []

    def _open(lang: str, seed: int) -> AppPage:
        context = browser.new_context(locale=LOCALES[lang], viewport=VIEWPORT)
        context.set_default_timeout(60_000)
        contexts.append(context)
        app = AppPage(context.new_page(), app_server.url, lang).open("learn", PATH, f"seed={seed}")
        app.wait_charts_drawn()
        return app

    yield _open
    for context in contexts:
        context.close()


def _state(app: AppPage) -> dict:
    ended = [template_pattern(app.text[k]).pattern for k in ("learn.done", "learn.stopped")]
    return app.page.evaluate(STATE_JS, [PROGRESS, app.text["learn.loss"], ended])


def _next_state(app: AppPage, last: dict, timeout: float = RUN_TIMEOUT) -> dict:
    """Wait until the page shows something new (a progress value, a loss, the end), return it."""
    ended = [template_pattern(app.text[k]).pattern for k in ("learn.done", "learn.stopped")]
    app.page.wait_for_function(
        f"""([args, last]) => {{
          const now = ({STATE_JS})(args);
          return JSON.stringify(now) !== JSON.stringify(last);
        }}""",
        arg=[[PROGRESS, app.text["learn.loss"], ended], last],
        timeout=timeout,
        polling=50,
    )
    return _state(app)


def _head_prints(app: AppPage) -> list[str]:
    """The prints of the head maps (every chart but the two curves, which come and go)."""
    return [c["print"] for c in app.charts() if c["kind"] == "stVegaLiteChart"][-_layers(app) :]


def _layers(app: AppPage) -> int:
    return int(app.page.get_by_role("slider", name=app.text["learn.n_layers"]).input_value())


def _watch(app: AppPage) -> dict:
    """Press Train and watch until the run ends: every state seen, when, and the maps seen."""
    start = _state(app)
    maps_before = _head_prints(app)
    app.page.get_by_role("button", name=app.text["learn.train"], exact=True).click()
    pressed = time.monotonic()
    seen, maps = [], {tuple(maps_before)}
    state = start
    while not state["ended"]:
        state = _next_state(app, state)
        seen.append((time.monotonic() - pressed, state))
        maps.add(tuple(_head_prints(app)))
    app.wait_idle()
    app.wait_charts_settled()
    return {"seen": seen, "maps": maps, "before": maps_before, "after": _head_prints(app)}


def test_train_moves_the_bar_lowers_the_loss_and_changes_the_heads(learn_page):
    app = learn_page("en", 101)
    watched = _watch(app)
    progress = [s["progress"] for _, s in watched["seen"] if s["progress"]]
    rises = sum(b > a for a, b in itertools.pairwise(progress))
    assert rises >= 2, f"the progress bar rose {rises} times: {progress}"
    losses = [s["loss"] for _, s in watched["seen"] if s["loss"] is not None]
    assert losses[0] > losses[-1], losses
    assert watched["after"] != watched["before"], "the head maps changed"
    assert len(watched["maps"]) >= 3, "the maps changed while it trained, not only at the end"
    first = next(t for t, s in watched["seen"] if s["progress"])
    ended = watched["seen"][-1][0]
    steps = TASKS["coreference_en"].steps
    print(
        f"\nTrain → first progress shown: {first:.2f} s; run ended after {ended:.2f} s; "
        f"{steps / (ended - first):.0f} steps/s seen from the page; {len(progress)} progress "
        f"values, {len(watched['maps'])} different map prints"
    )
    _screenshot(app, "6_learn-en-trained-1400.png")
    _phone_screenshot(app, "6_learn-en-trained-390.png")
    assert app.problems() == []


def test_stop_ends_a_long_run(learn_page):
    app = learn_page("en", 202)
    steps = app.page.get_by_role("slider", name=app.text["learn.steps"])
    steps.focus()
    steps.press("End")
    assert steps.input_value() == "2000"  # Train reads the widgets when pressed
    app.page.get_by_role("button", name=app.text["learn.train"], exact=True).click()
    state = _state(app)
    while not state["progress"]:
        state = _next_state(app, state)
    app.page.get_by_role("button", name=app.text["learn.stop"], exact=True).click()
    stopped = template_pattern(app.text["learn.stopped"])
    notice = app.page.locator('[data-testid="stAlert"]').filter(has_text=stopped)
    notice.wait_for(timeout=30_000)
    app.wait_idle()
    step = int(notice.inner_text().split()[2].replace(",", ""))
    assert 0 < step < 2000
    assert app.page.locator(PROGRESS).count() == 0, "no progress bar once it has stopped"
    assert app.page.get_by_role("slider", name=app.text["learn.checkpoint"]).count() == 1
    assert app.problems() == []


def test_korean_page_trains_and_is_photographed(learn_page):
    app = learn_page("ko", 303)
    watched = _watch(app)
    assert watched["after"] != watched["before"]
    _screenshot(app, "6_learn-ko-trained-1400.png")
    _phone_screenshot(app, "6_learn-ko-trained-390.png")
    assert app.problems() == []


def _screenshot(app: AppPage, name: str) -> None:
    """The whole page (the viewport grown to fit), then the viewport put back."""
    page = app.page
    before = page.viewport_size
    height = page.evaluate(
        """() => Math.max(...['[data-testid="stMain"]', '[data-testid="stSidebarContent"]']
             .map((s) => document.querySelector(s)?.scrollHeight || 0))"""
    )
    page.set_viewport_size({"width": before["width"], "height": min(max(height, 600), 16_000)})
    app.wait_charts_settled()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))
    page.set_viewport_size(before)


def _phone_screenshot(app: AppPage, name: str) -> None:
    """The trained page on a phone: nothing pans sideways; then its screenshot."""
    before = app.page.viewport_size
    app.page.set_viewport_size(PHONE)
    app.wait_charts_settled()
    width = app.page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"the trained page pans sideways on a phone ({width} px)"
    _screenshot(app, name)
    app.page.set_viewport_size(before)
