"""Fixtures for the browser tests: one Streamlit server and one Chromium for the whole session.

Chromium is found in this order: $CHROMIUM_PATH, a system `chromium` / `chromium-browser`,
Playwright's own download (`playwright install chromium`). Without one the browser tests are
skipped, except under CI (CI=true), where a missing browser is a failure.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # the tests import `ui.setup.PAGES` from the app

from app_page import LAUNCH_ARGS, LOCALES, VIEWPORT, AppPage

SERVER_START_TIMEOUT = 60  # seconds; a cold import of pandas and altair is most of it


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


@dataclass(frozen=True)
class Server:
    url: str
    pid: int  # the Streamlit process; it leads its own process group and session
    log: Path

    def rss_kib(self) -> int:
        """Resident memory of the server and every process it started (same session id), KiB."""
        total = 0
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                stat = (proc / "stat").read_text()
                session = int(stat.rsplit(")", 1)[1].split()[3])  # field 6: session id
                if session != self.pid:
                    continue
                for line in (proc / "status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except (OSError, ValueError, IndexError):
                continue  # the process ended while we read it
        return total


def free_port() -> int:
    """A port nobody listens on: the kernel's pick, checked once more by trying to connect."""
    for _ in range(20):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port found")


def _health(url: str) -> str:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
            return answer.read().decode().strip()
    except OSError:
        return ""


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server's whole process group: politely, then for good. (Linux does not give
    a group's id to a new process while any member of the group is alive.)"""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
        os.killpg(proc.pid, signal.SIGKILL)  # anything of the group still there
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass  # the group is gone


@pytest.fixture(scope="session")
def app_server(browser, tmp_path_factory):
    """`streamlit run app.py` on a free port of 127.0.0.1, stopped (whole group) at the end.

    Asks for `browser` first, so a machine without one skips before starting a server.
    """
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]  # the code does not change during a test run
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while _health(url) != "ok":
            if proc.poll() is not None or time.monotonic() > deadline:
                why = (
                    f"exited with {proc.returncode}"
                    if proc.poll() is not None
                    else f"not healthy after {SERVER_START_TIMEOUT} s"
                )
                pytest.fail(
                    f"Streamlit server {why}: {' '.join(command)}\n--- its output ---\n"
                    f"{log.read_text(errors='replace')[-4000:]}",
                    pytrace=False,
                )
            time.sleep(0.2)  # polling the health endpoint, not waiting for the app
        if proc.poll() is not None:  # someone else answered on our port
            pytest.fail(f"port {port} answered but our server died:\n{log.read_text()[-4000:]}")
        yield Server(url, proc.pid, log)
    finally:
        _stop(proc)


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
