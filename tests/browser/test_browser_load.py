"""A small load test: ten learners on one server at once, each in its own browser context on a
page of its own (cycling through the pages and both languages), each moving the sidebar sliders.
None may see an error; the server's memory before, at its peak and after goes to
artifacts/load_test.txt.

Playwright's sync API serves one thread, so the learners run on its async API, in a thread of
their own with their own Chromium.
"""

import asyncio
import re
import threading
import time

import pytest
from app_page import (
    ARTIFACTS,
    CHART,
    CHARTS_JS,
    IDLE,
    IMAGES_JS,
    LAUNCH_ARGS,
    LOADING_JS,
    LOCALES,
    MEDIA,
    VIEWPORT,
    failed_url,
    forgivable_404,
    labels,
    page_url,
    template_pattern,
)

from ui.i18n import LANGS
from ui.setup import PAGES, SENTENCE_PAGES

pytestmark = pytest.mark.browser

LEARNERS = 10
# The pages with the shared d_model and head sliders (page 6 has sizes of its own; its crowd
# test is test_browser_train_load.py).
SLIDER_PAGES = [page for page in PAGES if page[0] in SENTENCE_PAGES]
MOVES = 2  # d_model steps per learner, then one head-count step
ALL_DRAWN = f"() => ({CHARTS_JS})({CHART!r}).concat({LOADING_JS}).every(c => c.hidden || c.drawn)"


async def _learner(browser, url: str, page_id: str, path: str, lang: str) -> dict:
    """One learner: open a page, move d_model MOVES steps and the head count one, check it all."""
    text = labels(lang)
    context = await browser.new_context(locale=LOCALES[lang], viewport=VIEWPORT)
    # Ten at once on a busy two-core machine: each step may wait long (one waited past 60 s once);
    # the test asserts the same things, it only waits longer.
    context.set_default_timeout(240_000)
    page = await context.new_page()
    errors, not_found, problems = [], set(), []
    page.on(
        "console",
        lambda m: errors.append((m.text, m.location.get("url", ""))) if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("response", lambda r: not_found.add(r.url) if r.status == 404 else None)

    async def on_dialog(dialog) -> None:
        problems.append(f"dialog opened: {dialog.message}")
        await dialog.dismiss()

    page.on("dialog", on_dialog)
    started = time.monotonic()
    try:
        await page.goto(url + page_url(path))
        title = re.compile(rf"^\s*{re.escape(text[f'{page_id}.title'])}\s*$")
        await page.locator("h1").filter(has_text=title).first.wait_for()
        await page.locator(IDLE).wait_for()
        sidebar = page.locator(".st-key-main_controls")  # the sentence and sizes bar
        caption = template_pattern(text["settings.d_head_live"])
        d_model = page.get_by_role("slider", name=text["settings.d_model"])
        heads = page.get_by_role("slider", name=text["settings.n_heads"])
        value = int(await d_model.input_value())
        for _ in range(MOVES):
            await d_model.focus()
            await d_model.press("ArrowRight")
            value += int(await d_model.get_attribute("step") or 1)
            await sidebar.get_by_text(caption).filter(has_text=f"= {value} /").first.wait_for()
            await page.locator(IDLE).wait_for()
        old = await heads.get_attribute("aria-valuetext")
        await heads.focus()
        await heads.press("ArrowRight")
        await page.wait_for_function(
            "([el, old]) => el.getAttribute('aria-valuetext') !== old",
            arg=[await heads.element_handle(), old],
        )
        new = await heads.get_attribute("aria-valuetext")
        await sidebar.get_by_text(caption).filter(has_text=f"/ {new} =").first.wait_for()
        await page.locator(IDLE).wait_for()
        await page.wait_for_function(ALL_DRAWN, polling=250)
        await page.wait_for_function("() => [...document.images].every((i) => i.complete)")
        for box in await page.locator('[data-testid="stException"]').all():
            problems.append("exception shown: " + (await box.inner_text())[:300])
        images = await page.evaluate(IMAGES_JS)
        problems += [f"broken image: {image['src']}" for image in images if not image["ok"]]
        shown = {image["src"] for image in images}
    except Exception as error:  # noqa: BLE001 - every failure of a learner is reported
        problems.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")
        shown = set()
    finally:
        await context.close()
    forgiven = set()
    for text, location in errors:
        url = failed_url(text, location)
        if url in not_found and forgivable_404(url, shown):
            forgiven.add(url)
        else:
            problems.append(f"console error: {text} ({location})")
    return {
        "page": page_id,
        "lang": lang,
        "seconds": round(time.monotonic() - started, 1),
        "problems": problems,
        "old_pictures_gone": sum(1 for u in forgiven if MEDIA.match(u)),
    }


async def _crowd(executable: str, url: str) -> list[dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=executable, headless=True, args=LAUNCH_ARGS
        )
        try:
            learners = [
                _learner(
                    browser, url, *SLIDER_PAGES[i % len(SLIDER_PAGES)][:2], LANGS[i % len(LANGS)]
                )
                for i in range(LEARNERS)
            ]
            return await asyncio.gather(*learners)
        finally:
            await browser.close()


def _mib(kib: int) -> str:
    return f"{kib / 1024:.0f} MiB"


def test_ten_learners_at_once_see_no_error(chromium_path, app_server, capsys):
    before = app_server.rss_bytes() // 1024
    peak = [before]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.25):
            peak.append(app_server.rss_bytes() // 1024)

    results: list[dict] = []
    crowd = threading.Thread(
        target=lambda: results.extend(asyncio.run(_crowd(chromium_path, app_server.url)))
    )
    sampler = threading.Thread(target=sample, daemon=True)
    started = time.monotonic()
    sampler.start()
    crowd.start()
    crowd.join()
    done.set()
    sampler.join()
    seconds = time.monotonic() - started
    after = app_server.rss_bytes() // 1024

    lines = [
        f"Load test: {LEARNERS} browser contexts at once on one Streamlit server",
        f"(pid {app_server.pid} and its children), each {MOVES} d_model steps + 1 head step",
        f"server RSS before: {_mib(before)}",
        f"server RSS peak:   {_mib(max(peak))}",
        f"server RSS after:  {_mib(after)}",
        f"wall time: {seconds:.1f} s",
    ]
    lines += [
        f"  {r['page']:<11} {r['lang']}  {r['seconds']:>5} s  "
        f"{'ok' if not r['problems'] else r['problems']}"
        + (
            f"  ({r['old_pictures_gone']} picture(s) of an earlier rerun already gone: 404)"
            if r["old_pictures_gone"]
            else ""
        )
        for r in results
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load_test.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with capsys.disabled():
        print("\n" + "\n".join(lines))

    assert len(results) == LEARNERS
    assert [r for r in results if r["problems"]] == []
