"""Speed benchmark of Attention Playground: one command, one machine, one Markdown table.

    python -m benchmarks.run                       # full run, every page at default and maximum
                                                   # settings (about 10–15 min on 2 cores)
    python -m benchmarks.run --quick               # CI smoke test: default settings, few
                                                   # repetitions, no 30-session test (< 2 min)
    python -m benchmarks.run --out results.md      # default: benchmarks/results.md
    python -m benchmarks.run --pages embedding,attention   # only these page ids (ui.setup.PAGES)

Pages come from ui.setup.PAGES, so a new page is measured without touching this code. Settings:
"default" is what a new session gets; "maximum" is d_model 512, 16 heads and a 40-word sentence
(cut to 32 tokens). All in one run, on the same machine:

 1. server rerun time: median AppTest rerun of each page, and of an empty page as the floor
    (benchmarks/server_side.py);
 2. bytes the server sends to the browser per rerun, in Chromium (websocket frames + HTTP),
    with the AppTest element-proto sizes as a cross-check;
 3. slider key press -> redrawn chart in Chromium, on every page and on a one-slider,
    one-small-chart reference page served on another port (benchmarks/browser.py, probe.js);
 4. cold start: `streamlit run` launch -> first page fully drawn;
 5. server RSS with 1 and with 30 browser sessions open;
 6. the engine alone: core.attention.multi_head_attention against a plain np.einsum version;
 7. training: every task with its defaults (steps per second, seconds to 95 % held-out), and
    the app's default trained model, as the app trains them (one thread, a process of its own);
 8. a class on one server (full run only): press Train -> first progress shown, and the
    server's CPU while one run trains and nine learners wait (benchmarks/classroom.py).

Budgets are printed next to the numbers (✅/❌) but never decide the exit status: the command
exits 0 whenever it measured, 1 if some part crashed (the other parts are still reported).
Chromium: $CHROMIUM_PATH, else `chromium` on PATH.
"""

import argparse
import datetime
import logging
import os
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path

if __package__ in (None, ""):  # `python benchmarks/run.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import report
from benchmarks.common import ROOT, all_pages, chromium_path, chromium_version

FULL = {
    "reruns": 20,
    "presses": 10,
    "warmup": 1,
    "engine_runs": 50,
    "cold_trials": 3,
    "sessions": 30,
    "settings": ("default", "maximum"),
}
QUICK = {
    "reruns": 5,
    "presses": 3,
    "warmup": 1,
    "engine_runs": 10,
    "cold_trials": 1,
    "sessions": 1,
    "settings": ("default",),
}


class Progress:
    def __init__(self):
        self.start = time.time()

    def __call__(self, message: str) -> None:
        print(f"[{time.time() - self.start:6.1f} s] {message}", file=sys.stderr, flush=True)


def _git() -> str:
    """The commit measured, and whether the work tree had changes on top of it."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], check=False, cwd=ROOT, capture_output=True, text=True, timeout=10
        ).stdout.strip()

    try:
        head, dirty = git("rev-parse", "--short", "HEAD"), git("status", "--porcelain")
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return f"commit {head}" + (" + uncommitted changes" if dirty else "") if head else "?"


def _meta(mode: str, argv: list[str]) -> dict:
    import altair
    import numpy
    import streamlit

    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "mode": mode,
        "elapsed": "?",
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "streamlit": streamlit.__version__,
        "numpy": numpy.__version__,
        "altair": altair.__version__,
        "chromium": chromium_version(chromium_path()),
        "git": _git(),
        "command": " ".join(["python -m benchmarks.run", *argv]),
        "load_start": os.getloadavg()[0],
        "load_end": None,
    }


def run_server_side(results: report.Results, cfg: dict, say: Progress) -> None:
    from benchmarks import server_side

    results.engine = server_side.time_engine(cfg["engine_runs"])
    say(f"engine {results.engine.ratio:.2f}× the einsum version")
    logging.disable(logging.WARNING)  # AppTest outside `streamlit run` warns on every rerun
    try:
        with server_side.compiled_once() as once:
            if not once:
                results.notes.append(
                    "AppTest's internals have moved: the server reruns include compiling the page "
                    "script on every rerun, which `streamlit run` does once."
                )
            results.floor = server_side.time_empty_page(cfg["reruns"])
            say(f"empty page rerun {results.floor.median * 1000:.1f} ms")
            for page in results.pages:
                for setting in results.settings:
                    res = server_side.time_page(page, setting, cfg["reruns"])
                    results.reruns[(page.id, setting)] = res
                    if res.error:
                        results.errors.append(f"AppTest {page.id} {setting}: {res.error}")
                    say(
                        f"rerun {page.id} {setting}: {res.median * 1000:.1f} ms, "
                        f"{res.proto_bytes / 1000:.0f} kB of protos"
                    )
    finally:
        logging.disable(logging.NOTSET)


def run_training(results: report.Results, cfg: dict, say: Progress) -> None:
    from benchmarks import training

    results.training = training.all_tasks(quick=cfg is QUICK)
    for res in results.training:
        say(f"training {res.task} d_model {res.d_model}: {res.seconds:.1f} s")


def run_browser(results: report.Results, cfg: dict, say: Progress) -> bool:
    """Every browser measurement; returns False if some part crashed."""
    from playwright.sync_api import sync_playwright

    from benchmarks import browser, classroom
    from benchmarks.common import streamlit_server

    executable = chromium_path()
    if not executable:
        raise RuntimeError("Chromium not found: set CHROMIUM_PATH or put `chromium` on PATH")
    ok = True
    with sync_playwright() as playwright:
        chromium = browser.launch(playwright, executable)
        try:
            # The reference page before and after the app's pages: drift shows, and the
            # median covers both.
            halves = 2 if cfg is FULL else 1
            reference = browser.measure_reference(chromium, cfg["presses"] // halves)
            say(f"reference page: {reference.median_ms:.0f} ms per press")
            with streamlit_server(ROOT / "app.py", ROOT) as server:
                for page in results.pages:
                    for setting in results.settings:
                        try:
                            res = browser.measure_page(
                                chromium, server, page, setting, cfg["warmup"], cfg["presses"]
                            )
                        except Exception as error:  # noqa: BLE001  (one page failing must not stop the rest)
                            ok = False
                            traceback.print_exc()
                            results.errors.append(
                                f"browser {page.id} {setting}: {type(error).__name__}: {error}"[
                                    :500
                                ]
                            )
                            continue
                        results.presses[(page.id, setting)] = res
                        say(
                            f"press {page.id} {setting}: {res.median_ms:.0f} ms, "
                            f"{res.median_bytes / 1000:.0f} kB per rerun"
                        )
            if halves == 2:
                second = browser.measure_reference(chromium, cfg["presses"] - cfg["presses"] // 2)
                results.notes.append(
                    f"Reference page median: {reference.median_ms:.0f} ms before the app's pages, "
                    f"{second.median_ms:.0f} ms after; the table uses all presses."
                )
                reference.latencies += second.latencies
                reference.idle += second.idle
                reference.bytes += second.bytes
                reference.http_bytes += second.http_bytes
                reference.changed += second.changed
                reference.cpu += second.cpu
                reference.failed += second.failed
                reference.last_value = second.last_value
            results.reference = reference
            try:
                results.cold, results.memory = browser.measure_cold_start(
                    chromium, cfg["cold_trials"], cfg["sessions"]
                )
                say(
                    f"cold start {results.cold.seconds} s; RSS {results.memory.rss_1} / "
                    f"{results.memory.rss_30} bytes"
                )
            except Exception as error:  # noqa: BLE001  (report it, keep the other numbers)
                ok = False
                traceback.print_exc()
                results.errors.append(f"cold start / memory: {type(error).__name__}: {error}")
            if cfg is FULL:
                try:
                    results.classroom = classroom.measure_classroom(chromium)
                    say(
                        f"class: server CPU {results.classroom.cpu_waiting:.2f} s/s while "
                        f"{results.classroom.learners - 1} wait"
                    )
                except Exception as error:  # noqa: BLE001  (report it, keep the other numbers)
                    ok = False
                    traceback.print_exc()
                    results.errors.append(f"class: {type(error).__name__}: {error}")
        finally:
            chromium.close()
    return ok


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="CI smoke test: default settings only, few repetitions, no 30-session memory test",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "benchmarks" / "results.md",
        help="where to write the Markdown (default: benchmarks/results.md)",
    )
    parser.add_argument("--pages", help="comma-separated page ids from ui.setup.PAGES")
    args = parser.parse_args(argv)

    cfg = QUICK if args.quick else FULL
    pages = all_pages()
    if args.pages:
        wanted = [p.strip() for p in args.pages.split(",") if p.strip()]
        unknown = set(wanted) - {p.id for p in pages}
        if unknown:
            parser.error(f"unknown page id(s) {sorted(unknown)}; known: {[p.id for p in pages]}")
        pages = [p for p in pages if p.id in wanted]
    say = Progress()
    results = report.Results(_meta("quick" if args.quick else "full", argv), pages, cfg["settings"])
    if args.quick:
        results.notes.append(
            "Quick mode: default settings only, few repetitions, no "
            "30-session test; the maximum-settings budgets are not measured."
        )
    crashed = False
    parts = (("server side", run_server_side), ("training", run_training), ("browser", run_browser))
    for name, part in parts:
        try:
            if part(results, cfg, say) is False:
                crashed = True
        except Exception as error:  # noqa: BLE001  (report it, keep the other numbers)
            crashed = True
            traceback.print_exc()
            results.errors.append(f"{name}: {type(error).__name__}: {error}"[:500])

    elapsed = time.time() - say.start
    results.meta["elapsed"] = f"{elapsed // 60:.0f} min {elapsed % 60:.0f} s"
    results.meta["load_end"] = os.getloadavg()[0]
    text = report.render(results)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    say(f"written to {args.out}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
