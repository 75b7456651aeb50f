"""What every part of the benchmark shares: the pages, the two settings, servers, Chromium, RSS."""

import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import tomllib
import urllib.request
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python benchmarks/run.py` as well as `python -m benchmarks.run`
    sys.path.insert(0, str(ROOT))

from ui.setup import D_MODEL, MAX_HEADS, PAGES  # needs ROOT on the path

LANG = "en"
LOCALE = "en-US"
# 40 words: the tokenizer cuts the sentence to its first 32 tokens (the most a page shows).
LONG_SENTENCE = " ".join(f"word{i}" for i in range(40))
# Each setting as session-state values (AppTest) and as what the browser does to reach it.
SETTINGS = {
    "default": {},
    "maximum": {
        "shared_text": LONG_SENTENCE,
        "shared_d_model": D_MODEL["max"],
        "shared_n_heads": MAX_HEADS,
    },
}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]


@dataclass(frozen=True)
class Page:
    id: str
    path: str  # script path relative to ROOT, as in ui.setup.PAGES
    url: str  # "/" for app.py, pages/N_name.py -> "/name"


def url_path(script: str) -> str:
    """Streamlit's URL for a script: "/" for the entry point, pages/2_pos_enc.py -> "/pos_enc"."""
    if script == "app.py":
        return "/"
    stem = Path(script).stem
    number, _, name = stem.partition("_")
    return "/" + (name if number.isdigit() and name else stem)


def all_pages() -> list[Page]:
    return [Page(page_id, path, url_path(path)) for page_id, path, _ in PAGES]


def labels(lang: str = LANG) -> dict:
    """Every label table of a language, nested ({"settings": {"d_model": ...}}), from all of
    its .toml files, as the app reads them."""
    tables: dict = {}
    for path in sorted((ROOT / "content" / lang).glob("*.toml")):
        with open(path, "rb") as f:
            for name, table in tomllib.load(f).items():
                tables.setdefault(name, {}).update(table)
    return tables


def slider_labels(lang: str = LANG) -> tuple[str, str]:
    """The accessible names of the d_model slider and the n_heads select_slider."""
    settings = labels(lang)["settings"]
    return settings["d_model"], settings["n_heads"]


def median(values) -> float:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


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


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    started: float  # time.time() just before launch
    healthy: float  # time.time() when /_stcore/health first answered "ok"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:  # it leads its own process group
        return self.process.pid

    def rss_bytes(self) -> int:
        """Resident memory of the server and every process it started."""
        return group_rss_bytes(self.process.pid)


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return r.read().strip() == b"ok"
    except OSError:
        return False


def _stop(process: subprocess.Popen) -> None:
    """Stop the server's whole process group: politely, then for good. (Linux does not give
    a group's id to a new process while any member of the group is alive.)"""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        os.killpg(process.pid, signal.SIGKILL)  # anything of the group still there
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass  # the group is gone


@contextmanager
def streamlit_server(
    script: Path,
    cwd: Path,
    log: Path | None = None,
    watch: bool = True,
    timeout: float = 60,
    port: int | None = None,
):
    """`streamlit run script` on a free port (or `port`) of 127.0.0.1 in its own process group,
    which is stopped as a whole at exit. Its output goes to `log` (default: discarded). `watch`:
    keep Streamlit's file watcher, as a learner's `streamlit run` has it (tests turn it off)."""
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        *([] if watch else ["--server.fileWatcherType", "none"]),
    ]
    started = time.time()
    # The child keeps its own copy of the log's file descriptor.
    with open(log, "wb") if log else nullcontext(subprocess.DEVNULL) as out:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        while not _healthy(port):
            if process.poll() is not None or time.time() - started > timeout:
                why = (
                    f"exited with {process.returncode}"
                    if process.poll() is not None
                    else f"did not answer /_stcore/health in {timeout} s"
                )
                output = log.read_text(errors="replace")[-4000:] if log else "(not kept)"
                raise RuntimeError(
                    f"streamlit {why}: {' '.join(command)}\n--- its output ---\n{output}"
                )
            time.sleep(0.02)
        yield Server(process, port, started, time.time())
    finally:
        _stop(process)


def group_rss_bytes(pgid: int) -> int:
    """Sum of VmRSS over every process in a process group, read from /proc."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
            if int(fields[2]) != pgid:  # state, ppid, pgrp
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024  # kB
        except (OSError, ValueError):
            continue  # the process ended while we looked
    return total


def chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


def chromium_version(path: str | None) -> str:
    if not path:
        return "not found"
    try:
        out = subprocess.run(
            [path, "--version"], check=False, capture_output=True, text=True, timeout=20
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
