"""Fixtures for the browser tests: one Streamlit server and one Chromium for the whole session.

Chromium is found in this order: $CHROMIUM_PATH, a system `chromium` / `chromium-browser`,
Playwright's own download (`playwright install chromium`). Without one the browser tests are
skipped, except under CI (CI=true), where a missing browser is a failure.
"""

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the tests import `ui.setup.PAGES` from the app

from app_page import LAUNCH_ARGS, LOCALES, VIEWPORT, AppPage

from benchmarks.common import streamlit_server

START_TIMEOUT = 60  # seconds; a cold import of pandas and altair is most of it


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def unavailable(reason: str):
    """No browser: skip on a developer's machine, fail under CI."""
    if in_ci():
        pytest.fail(f"CI=true but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


def chromium_candidates(playwright) -> tuple[str | None, str]:
    """The Chromium to launch, or None and why there is none."""
    asked = os.environ.get("CHROMIUM_PATH")
    if asked:
        if os.path.isfile(asked) and os.access(asked, os.X_OK):
            return asked, f"CHROMIUM_PATH={asked}"
        return None, f"CHROMIUM_PATH={asked!r} is not an executable file"
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found, f"system {name}"
    bundled = playwright.chromium.executable_path
    if bundled and os.path.exists(bundled):
        return bundled, "Playwright's own Chromium"
    return None, (
        "no Chromium found: set CHROMIUM_PATH, install the system package "
        "`chromium`, or run `playwright install chromium`"
    )


@pytest.fixture(scope="session")
def playwright_session():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable(
            "the `playwright` Python package is not installed (pip install -r requirements-dev.txt)"
        )
    playwright = sync_playwright().start()
    yield playwright
    playwright.stop()


@pytest.fixture(scope="session")
def chromium_path(playwright_session) -> str:
    """The Chromium executable the browser tests launch (skip, or fail under CI, if none)."""
    path, source = chromium_candidates(playwright_session)
    if path is None:
        unavailable(source)
    print(f"\nbrowser: {source}, {path}")
    return path


@pytest.fixture(scope="session")
def browser(playwright_session, chromium_path):
    """One headless Chromium shared by every browser test."""
    from playwright.sync_api import Error

    try:
        chromium = playwright_session.chromium.launch(
            executable_path=chromium_path, headless=True, args=LAUNCH_ARGS
        )
    except Error as error:
        unavailable(f"{chromium_path} did not start: {error.message.splitlines()[0]}")
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def app_server(browser, tmp_path_factory):
    """`streamlit run app.py` on a free port of 127.0.0.1, stopped (whole group) at the end:
    the benchmark's launcher (benchmarks/common.py), file watcher off.

    Asks for `browser` first, so a machine without one skips before starting a server.
    """
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with streamlit_server(ROOT / "app.py", ROOT, log, watch=False, timeout=START_TIMEOUT) as server:
        yield server


@pytest.fixture
def open_app(browser, app_server):
    """Open a page in a fresh browser context (its own Streamlit session); closed after the test.

    open_app(page_id, path, lang) -> AppPage; lang sets the browser locale (ko-KR / en-US).
    """
    contexts = []

    def _open(page_id: str, path: str, lang: str) -> AppPage:
        context = browser.new_context(locale=LOCALES[lang], viewport=VIEWPORT)
        context.set_default_timeout(30_000)
        contexts.append(context)
        return AppPage(context.new_page(), app_server.url, lang).open(page_id, path)

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def shown_page(browser, app_server):
    """Pages opened once per (page, language) and shared by the tests that only look at them."""
    opened: dict[tuple[str, str], tuple[object, AppPage]] = {}

    def _shown(page_id: str, path: str, lang: str) -> AppPage:
        if (page_id, lang) not in opened:
            context = browser.new_context(locale=LOCALES[lang], viewport=VIEWPORT)
            context.set_default_timeout(30_000)
            app = AppPage(context.new_page(), app_server.url, lang)
            opened[(page_id, lang)] = (context, app)
            app.open(page_id, path)
        return opened[(page_id, lang)][1]

    yield _shown
    for context, _ in opened.values():
        context.close()
