"""A class on one server: what learners waiting for training cost the server, and how long a
learner waits from pressing Train to the first progress shown.

One run trains at a time (ui/training_jobs.py); everyone else who pressed Train waits, and their
page asks for its place in the queue every second. Measured on a fresh server:
  - press Train -> "Training: step k of N" on the page, for a few learners one after another;
  - the server process's CPU (its own, not the training process's), in CPU seconds per second:
    with `learners` pages open and idle, then while one trains and the others wait.
"""

import os
import re
import time
from dataclasses import dataclass, field

from benchmarks.browser import new_context
from benchmarks.common import ROOT, all_pages, labels, streamlit_server

LEARN_URL = next(page.url for page in all_pages() if page.id == "learn")
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
TRAIN = ".st-key-learn_train button"
STEPS = 2000  # long enough that every measured second has one run training


@dataclass
class Classroom:
    learners: int = 0
    first_progress: list[float] = field(default_factory=list)  # seconds, press -> first step
    cpu_idle: float | None = None  # server CPU s per s, every page open, nobody training
    cpu_waiting: float | None = None  # ... while one run trains and the others wait


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far (Linux /proc), without its children."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_rate(pid: int, seconds: float) -> float:
    start, began = _cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return (_cpu_seconds(pid) - start) / (time.monotonic() - began)


def _open(browser, url: str, seed: int, steps: int):
    context = new_context(browser)
    context.set_default_timeout(120_000)
    page = context.new_page()
    page.goto(f"{url}{LEARN_URL}?seed={seed}&steps={steps}")
    page.locator(IDLE).wait_for()
    page.locator(TRAIN).wait_for()
    return context, page


def measure_classroom(browser, learners: int = 10, seconds: float = 20) -> Classroom:
    step = labels()["trained"]["step"]  # "Training: step {step} of {total}"
    started = re.compile(
        re.escape(step).replace(r"\{step\}", r"\d+").replace(r"\{total\}", r"\d{2,}")
    )
    result = Classroom(learners=learners)
    with streamlit_server(ROOT / "app.py", ROOT, watch=False) as server:
        pid = server.process.pid
        for seed in (4101, 4102, 4103):  # one learner at a time: press -> first step shown
            context, page = _open(browser, server.url, seed, 30)
            began = time.monotonic()
            page.locator(TRAIN).click()
            page.get_by_text(started).first.wait_for()
            result.first_progress.append(time.monotonic() - began)
            context.close()
        opened = [_open(browser, server.url, 4200 + i, STEPS) for i in range(learners)]
        try:
            result.cpu_idle = _cpu_rate(pid, seconds / 2)
            for _, page in opened:
                page.locator(TRAIN).click()
            time.sleep(5)  # every page has drawn its place in the queue
            result.cpu_waiting = _cpu_rate(pid, seconds)
        finally:
            for context, _ in opened:
                context.close()
    return result
