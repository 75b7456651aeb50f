"""A class presses Train together: ten learners on the "watch it learn" page, each with its own
seed (so ten different runs), press Train at the same moment while an eleventh learner walks
through pages 1-5. One run trains at a time: the others must show their place in the queue, every
run must finish, and every page the eleventh learner opens must still answer, with its charts.

Playwright's sync API serves one thread, so the learners run on its async API, in a thread of
their own (as in test_browser_load.py).

In a class, the ten pressing learners' browsers run on their own laptops; here they share the
server's two cores with it. Drawn by a Chromium at normal priority, their ten pages redrawing
every second starved the server and the training (its main thread waited for a core 65% of the
time) and the eleventh learner's first page took 41-99 s here, over two minutes in CI. So the
ten run in a Chromium of their own at idle scheduling priority (SCHED_IDLE: it gets only the CPU
nobody else wants), which takes their drawing off the server's cores but none of their load on
the server: each still holds a session, reruns and polls as a learner's browser does. The
eleventh learner, whose pages are the ones measured, uses a Chromium at normal priority.
(SCHED_IDLE is Linux's; elsewhere the ten draw at normal priority, as they used to.)
"""

import asyncio
import os
import re
import shlex
import sys
import threading
import time
from pathlib import Path

import pytest
from app_page import (
    ARTIFACTS,
    CHART,
    CHARTS_JS,
    IDLE,
    LAUNCH_ARGS,
    LOADING_JS,
    LOCALES,
    VIEWPORT,
    labels,
    page_url,
    template_pattern,
)

from ui.setup import PAGES

pytestmark = pytest.mark.browser

LEARNERS = 10
PATHS = {page_id: path for page_id, path, _ in PAGES}
CONCEPT_PAGES = ("embedding", "positional", "qkv", "attention", "multihead")
ALL_DRAWN = f"() => ({CHARTS_JS})({CHART!r}).concat({LOADING_JS}).every(c => c.hidden || c.drawn)"
WAIT_MS = 300_000  # ten runs one after another on a busy two-core machine: minutes, not seconds
IDLE_PRIORITY = hasattr(os, "SCHED_IDLE")  # Linux


def _background_chromium(chromium_path: str, folder: Path) -> str:
    """A launcher that starts Chromium at idle CPU priority: every process it forks inherits the
    policy (Chromium's own priority changes set nice values, which SCHED_IDLE ignores)."""
    if not IDLE_PRIORITY:
        return chromium_path
    idle = (
        "import os, sys; os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0)); "
        "os.execv(sys.argv[1], sys.argv[1:])"
    )
    launcher = folder / "chromium-idle"
    launcher.write_text(
        f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -c {shlex.quote(idle)} "
        f'{shlex.quote(chromium_path)} "$@"\n'
    )
    launcher.chmod(0o755)
    return str(launcher)


def _idle_chromium_processes() -> int:
    """How many Chromium processes of this machine run at idle priority now (Linux /proc)."""
    count = 0
    for entry in Path("/proc").iterdir() if IDLE_PRIORITY else ():
        try:
            stat = (entry / "stat").read_text()
        except (OSError, ValueError):
            continue
        name, fields = stat[stat.find("(") + 1 : stat.rfind(")")], stat[stat.rfind(")") + 2 :]
        if "chrom" in name and fields.split()[38] == str(os.SCHED_IDLE):
            count += 1
    return count


def _problems_of(page, problems: list[str]) -> None:
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))


async def _presser(browser, url: str, seed: int, start: threading.Event, seen: dict) -> dict:
    """Open the learn page with this seed, press Train when everyone does, wait for the end."""
    text = labels("en")
    context = await browser.new_context(locale=LOCALES["en"], viewport=VIEWPORT)
    context.set_default_timeout(WAIT_MS)
    page = await context.new_page()
    problems: list[str] = []
    _problems_of(page, problems)
    queued = template_pattern(text["trained.queued"])
    done = template_pattern(text["learn.done"])
    try:
        await page.goto(f"{url}{page_url(PATHS['learn'])}?seed={seed}")
        await page.locator(IDLE).wait_for()
        await page.locator(".st-key-learn_train button").wait_for()
        seen["ready"] += 1
        while not start.is_set():  # every learner presses at the same moment
            await asyncio.sleep(0.05)
        await page.locator(".st-key-learn_train button").click()
        # While it waits, the page shows its place in the queue; then the progress; then done.
        for _ in range(WAIT_MS // 250):
            if await page.get_by_text(queued).count():
                seen["queued"] += 1
                break
            if await page.get_by_text(done).count():
                break
            await asyncio.sleep(0.25)
        await page.get_by_text(done).first.wait_for()
        for box in await page.locator('[data-testid="stException"]').all():
            problems.append("exception shown: " + (await box.inner_text())[:300])
    except Exception as error:  # noqa: BLE001 - every failure of a learner is reported
        problems.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")
    finally:
        await context.close()
    return {"seed": seed, "problems": problems}


async def _walker(browser, url: str, start: threading.Event, finished: threading.Event) -> dict:
    """Open pages 1-5 one after another while the runs train; each must answer with its charts."""
    text = labels("en")
    context = await browser.new_context(locale=LOCALES["en"], viewport=VIEWPORT)
    context.set_default_timeout(120_000)
    page = await context.new_page()
    problems: list[str] = []
    _problems_of(page, problems)
    visits = []
    while not start.is_set():
        await asyncio.sleep(0.05)
    try:
        for i in range(2 * len(CONCEPT_PAGES)):
            page_id = CONCEPT_PAGES[i % len(CONCEPT_PAGES)]
            began = time.monotonic()
            await page.goto(url + page_url(PATHS[page_id]))
            title = re.compile(rf"^\s*{re.escape(text[f'{page_id}.title'])}\s*$")
            await page.locator("h1").filter(has_text=title).first.wait_for()
            await page.locator(IDLE).wait_for()
            await page.wait_for_function(ALL_DRAWN, polling=250)
            visits.append((page_id, round(time.monotonic() - began, 1), not finished.is_set()))
            for box in await page.locator('[data-testid="stException"]').all():
                problems.append("exception shown: " + (await box.inner_text())[:300])
    except Exception as error:  # noqa: BLE001
        problems.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")
    finally:
        await context.close()
    return {"visits": visits, "problems": problems}


async def _class(executable: str, crowd_executable: str, url: str, seen: dict):
    from playwright.async_api import async_playwright

    start, finished = threading.Event(), threading.Event()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=executable, headless=True, args=LAUNCH_ARGS
        )
        crowd = await playwright.chromium.launch(
            executable_path=crowd_executable, headless=True, args=LAUNCH_ARGS
        )
        try:
            pressers = [
                asyncio.ensure_future(_presser(crowd, url, 1000 + i, start, seen))
                for i in range(LEARNERS)
            ]
            walker = asyncio.ensure_future(_walker(browser, url, start, finished))
            while seen["ready"] < LEARNERS and not all(p.done() for p in pressers):
                await asyncio.sleep(0.1)
            seen["idle_processes"] = _idle_chromium_processes()
            start.set()
            results = await asyncio.gather(*pressers)
            finished.set()
            return results, await walker
        finally:
            await crowd.close()
            await browser.close()


def test_ten_learners_pressing_train_together_keep_every_page_answering(
    chromium_path, app_server, tmp_path
):
    seen = {"ready": 0, "queued": 0, "idle_processes": 0}
    started = time.monotonic()
    out: list = []
    crowd_chromium = _background_chromium(chromium_path, tmp_path)
    crowd = threading.Thread(  # Playwright's sync API owns this thread's event loop
        target=lambda: out.append(
            asyncio.run(_class(chromium_path, crowd_chromium, app_server.url, seen))
        )
    )
    crowd.start()
    crowd.join()
    results, walk = out[0]
    seconds = time.monotonic() - started
    lines = [
        (
            f"Train load test: {LEARNERS} learners pressed Train at once (seeds 1000…), "
            f"{seen['queued']} saw their place in the queue; all done after {seconds:.0f} s"
        ),
        f"their browser at idle priority: {seen['idle_processes']} Chromium processes",
        *(f"  seed {r['seed']}: {'ok' if not r['problems'] else r['problems']}" for r in results),
        "pages opened meanwhile (page, seconds to drawn, while runs were training):",
        *(
            f"  {page_id:<10} {s:>5} s  {'training' if busy else 'after'}"
            for page_id, s, busy in walk["visits"]
        ),
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "train_load_test.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n" + "\n".join(lines))

    if IDLE_PRIORITY:
        assert seen["idle_processes"] > LEARNERS, (
            "the ten learners' pages are drawn at idle priority"
        )
    assert [r["problems"] for r in results] == [[] for _ in results]
    assert walk["problems"] == []
    assert len(walk["visits"]) == 2 * len(CONCEPT_PAGES), "every page answered"
    assert any(busy for _, _, busy in walk["visits"]), "pages were opened while runs trained"
    assert seen["queued"] >= 1, "one run at a time: someone waited with their place shown"
