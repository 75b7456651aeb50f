"""Numbers measured in headless Chromium against a real `streamlit run` server.

- key press -> redrawn chart, and the bytes the server sends for that rerun (every page, and a
  one-slider reference page served on another port in the same run);
- cold start: launch -> first page fully drawn;
- server memory with 1 and with 30 open sessions.

How a press is timed (see probe.js): focus the d_model slider, arm the probe (remember the
controls bar's caption and each chart's signature), press one arrow key. Every press moves the slider
to a value this browser session has not seen yet (ArrowRight from the default 64; ArrowLeft from
512 at maximum settings: 512 -> 504 -> 496 ...), as a learner stepping the slider does. Going
back and forth between two values would understate the cost: Streamlit's browser-side message
cache then replaces every element of 10 kB or more by a reference, and st.cache_data hits.
The press is done when the controls bar's caption shows the new value (the rerun's new output), the
app is idle (data-test-script-state="notRunning"), and no chart has changed for QUIET_MS; the
latency is from the keydown event to the animation frame that showed the last chart change
(or the idle state, if that came later). The first `warmup` presses are not counted.
"""

import os
import shutil
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

from benchmarks.common import (
    CHROMIUM_ARGS,
    D_MODEL,
    LANG,
    LOCALE,
    LONG_SENTENCE,
    MAX_HEADS,
    ROOT,
    Page,
    labels,
    median,
    slider_labels,
    streamlit_server,
)

PROBE = (Path(__file__).parent / "probe.js").read_text(encoding="utf-8")
VIEWPORT = {"width": 1400, "height": 900}
QUIET_MS = 600  # a press is over when no chart has changed for this long
LOAD_QUIET_MS = 1000
TIMEOUT_MS = 60_000
REFERENCE_LABEL = "reference value"
REFERENCE_PAGE = f'''"""Reference: one slider, one small chart."""
import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

st.set_page_config(page_title="reference", layout="wide")
st.title("Reference")
bar = st.container(key="main_controls")  # where the app keeps its sizes, as the probe expects
value = bar.slider("{REFERENCE_LABEL}", 8, 512, 64, step=8, key="ref_value")
bar.caption(f"value = {{value}}")
x = np.arange(20)
data = pd.DataFrame({{"x": x, "y": np.sin(x * value / 100.0)}})
st.altair_chart(alt.Chart(data).mark_line().encode(x="x:Q", y="y:Q"), width="stretch")
'''


@dataclass
class PressResult:
    target: str  # page id or "reference"
    setting: str
    latencies: list[float] = field(default_factory=list)  # ms, timed presses
    idle: list[float] = field(default_factory=list)  # ms, key press -> app idle (script done)
    bytes: list[int] = field(default_factory=list)  # bytes received per timed press
    http_bytes: list[int] = field(default_factory=list)  # the part of those sent over HTTP
    charts: int = 0
    changed: list[int] = field(default_factory=list)  # charts whose picture changed, per press
    failed: int = 0  # presses that did not finish within the timeout
    load_ms: float | None = None  # goto -> page drawn (warm server)
    first_value: int | None = None  # the slider's value before the first press
    last_value: int | None = None  # the slider's value after the last press
    errors: list[str] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # ms of Chromium renderer CPU per timed press

    @property
    def median_ms(self) -> float:
        return median(self.latencies)

    @property
    def median_bytes(self) -> float:
        return median(self.bytes)


@dataclass
class ColdStart:
    seconds: list[float] = field(default_factory=list)  # launch -> "/" fully drawn
    health: list[float] = field(default_factory=list)  # launch -> /_stcore/health ok


@dataclass
class Memory:
    rss_1: int | None = None  # bytes, server process group, 1 session open
    rss_30: int | None = None  # bytes, 30 sessions open
    sessions: int = 0


class ByteCounter:
    """Bytes the server sends to one browser page: websocket frames plus HTTP responses
    (media such as st.image travels over HTTP)."""

    def __init__(self, page):
        self.total = 0
        self.http = 0  # the part that came over HTTP
        page.on("websocket", self._websocket)
        page.on("requestfinished", self._request)

    def _websocket(self, ws):
        ws.on("framereceived", self._frame)

    def _frame(self, payload):
        self.total += len(payload.encode() if isinstance(payload, str) else payload)

    def _request(self, request):
        try:
            size = max(request.sizes()["responseBodySize"], 0)
        except PlaywrightError:  # the page closed meanwhile: nothing more to count
            return
        self.total += size
        self.http += size

    def reset(self) -> None:
        self.total = self.http = 0


def launch(playwright, executable: str):
    return playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)


def new_context(browser):
    context = browser.new_context(locale=LOCALE, viewport=VIEWPORT)
    context.add_init_script(PROBE)
    return context


def open_page(context, url: str, errors: list[str]):
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"[:300]))
    counter = ByteCounter(page)
    page.goto(url, timeout=TIMEOUT_MS)
    return page, counter


def wait_loaded(page, quiet_ms: int = LOAD_QUIET_MS) -> dict:
    result = page.evaluate("([q, t]) => window.__bench.waitLoaded(q, t)", [quiet_ms, TIMEOUT_MS])
    if not result["ok"]:
        raise TimeoutError(f"page not loaded within {TIMEOUT_MS} ms: {result}")
    return result


def press(page, slider_name: str, key: str, quiet_ms: int = QUIET_MS) -> dict:
    """Press one key on a slider and wait for the rerun to be drawn (see the module docstring).
    The outcome's "cpu" is the renderer CPU time from the key press until the rerun was drawn
    and quiet (None without /proc): the probe's before/after comparison of the charts is outside
    it. "charts", "changed" and "blank" come from that comparison."""
    slider = page.get_by_role("slider", name=slider_name)
    slider.focus()
    page.evaluate("() => window.__bench.arm()")
    cpu_before = renderer_cpu_ms()
    page.keyboard.press(key)
    outcome = page.evaluate("([q, t]) => window.__bench.waitRerun(q, t)", [quiet_ms, TIMEOUT_MS])
    cpu_after = renderer_cpu_ms()
    outcome["cpu"] = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    if outcome["ok"]:
        outcome.update(page.evaluate("() => window.__bench.compare()"))
    return outcome


def renderer_cpu_ms() -> float | None:
    """CPU time used so far by every Chromium renderer process (user + system, from /proc), in
    ms; None where there is no /proc. Unlike the wall-clock latency it does not grow while other
    work on a shared machine holds the CPU, so two versions of a page compare more steadily."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        return None
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            if b"--type=renderer" not in command:
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):  # the process ended meanwhile
            continue
    return total / ticks * 1000


def measure_presses(
    page,
    counter: ByteCounter,
    result: PressResult,
    slider_name: str,
    maximum: int,
    warmup: int,
    presses: int,
) -> None:
    """Warm-up presses (not timed), then `presses` timed ones, all in one direction."""
    slider = page.get_by_role("slider", name=slider_name)
    result.first_value = int(slider.input_value())
    key = "ArrowLeft" if result.first_value >= maximum else "ArrowRight"
    for i in range(warmup + presses):
        counter.reset()
        outcome = press(page, slider_name, key)
        sent, http = counter.total, counter.http
        if not outcome["ok"]:
            result.failed += 1
            result.errors.append(f"press {i} did not finish: {outcome}"[:300])
            page.wait_for_timeout(2000)
            continue
        result.charts = outcome["charts"]
        if i >= warmup:
            result.latencies.append(outcome["latency"])
            if outcome["idle"] is not None:
                result.idle.append(outcome["idle"])
            result.bytes.append(sent)
            result.http_bytes.append(http)
            result.changed.append(outcome["changed"])
            if outcome["cpu"] is not None:
                result.cpu.append(outcome["cpu"])
    result.last_value = int(slider.input_value())


def _check_page(page, result: PressResult) -> None:
    exceptions = page.locator('[data-testid="stException"]').count()
    if exceptions:
        result.errors.append(f"{exceptions} exception(s) on the page")


def measure_reference(browser, presses: int, warmup: int = 1) -> PressResult:
    """The same key press on a one-slider, one-small-chart page, served from a temp dir."""
    result = PressResult("reference", "-")
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "reference.py"
        script.write_text(REFERENCE_PAGE)
        config = ROOT / ".streamlit" / "config.toml"  # same theme and client options as the app
        if config.exists():
            (Path(tmp) / ".streamlit").mkdir()
            shutil.copy(config, Path(tmp) / ".streamlit" / "config.toml")
        with streamlit_server(script, Path(tmp)) as server:
            context = new_context(browser)
            try:
                page, counter = open_page(context, server.url + "/", result.errors)
                wait_loaded(page)
                measure_presses(page, counter, result, REFERENCE_LABEL, 512, warmup, presses)
                _check_page(page, result)
            finally:
                context.close()
    return result


def _settings_caption(d_model: int, n_heads: int) -> str:
    template = labels(LANG)["settings"]["d_head_live"]
    return template.format(d_model=d_model, n_heads=n_heads, d_head=d_model // n_heads)


def measure_page(
    browser, server, page_info: Page, setting: str, warmup: int, presses: int
) -> PressResult:
    """Load one page at one setting in a fresh session, then time slider presses on it."""
    result = PressResult(page_info.id, setting)
    d_model_label, heads_label = slider_labels(LANG)
    maximum = D_MODEL["max"]
    own = page_info.id == "learn"  # "watch it learn" has sizes of its own (the Train run itself
    if own:  # is not measured: only what a slider move redraws)
        learn = labels(LANG)["learn"]
        d_model_label, heads_label, maximum = learn["d_model"], learn["n_heads"], 128
    url = server.url + page_info.url
    if setting == "maximum":  # the sentence comes in through ?text=, the sizes through the sliders
        url += "?" + urllib.parse.urlencode({"text": LONG_SENTENCE})
    context = new_context(browser)
    try:
        started = time.time()
        page, counter = open_page(context, url, result.errors)
        loaded = wait_loaded(page)
        result.load_ms = loaded["epochMs"] - started * 1000
        if setting == "maximum":
            # page 6's head count changes nothing its caption shows: only its d_model goes up
            for name in (d_model_label,) if own else (d_model_label, heads_label):
                outcome = press(page, name, "End")
                if not outcome["ok"]:
                    raise TimeoutError(f"could not reach maximum settings: {outcome}")
            caption = page.evaluate("() => window.__bench.caption()")
            wanted = _settings_caption(D_MODEL["max"], MAX_HEADS)
            if not own and wanted not in caption:
                raise RuntimeError(
                    f"maximum settings not reached: the controls bar shows {caption!r}"
                )
        measure_presses(page, counter, result, d_model_label, maximum, warmup, presses)
        _check_page(page, result)
    finally:
        context.close()
    return result


def measure_cold_start(browser, trials: int, sessions: int) -> tuple[ColdStart, Memory]:
    """Launch the app, load "/" until fully drawn; on the last launch also measure memory:
    server RSS with that one session open, then with `sessions` sessions (pages of the app in
    turn, at default settings, spread over 3 browser contexts), each loaded and idle."""
    from benchmarks.common import all_pages

    cold, memory = ColdStart(), Memory()
    for trial in range(trials):
        with streamlit_server(ROOT / "app.py", ROOT) as server:
            cold.health.append(server.healthy - server.started)
            contexts = [new_context(browser)]
            try:
                errors: list[str] = []
                page, _ = open_page(contexts[0], server.url + "/", errors)
                loaded = wait_loaded(page)
                cold.seconds.append(loaded["epochMs"] / 1000 - server.started)
                if trial < trials - 1:
                    continue
                time.sleep(1)
                memory.rss_1 = server.rss_bytes()
                memory.sessions = 1
                if sessions <= 1:
                    continue
                contexts += [new_context(browser) for _ in range(2)]
                pages = all_pages()
                for i in range(1, sessions):
                    target = pages[i % len(pages)]
                    extra, _ = open_page(contexts[i % 3], server.url + target.url, errors)
                    wait_loaded(extra, quiet_ms=300)
                    memory.sessions += 1
                memory.rss_30 = 0
                for _ in range(4):  # settle, then keep the highest of a few readings
                    time.sleep(0.5)
                    memory.rss_30 = max(memory.rss_30, server.rss_bytes())
            finally:
                for context in contexts:
                    context.close()
    return cold, memory
