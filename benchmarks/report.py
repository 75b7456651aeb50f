"""The results as Markdown: a budget summary, one table per measurement, and how it was measured.

Units: 1 kB = 1 000 bytes, 1 MB = 10⁶ bytes, 1 GB = 10⁹ bytes. Budgets are shown next to the
numbers with ✅/❌; they are information, never a pass/fail exit status.
"""

import math
import statistics
from dataclasses import dataclass, field

from benchmarks.common import median

RERUN_RATIO = 8.0  # every page's rerun at maximum settings ≤ 8× the empty page's
KB_PER_RERUN = 300.0  # ≤ 300 kB sent per rerun at maximum settings
PRESS_MS = 250.0  # key press -> redrawn chart ≤ 250 ms median
PRESS_RATIO = 1.5  # ... and within 1.5× of the reference page
COLD_START_S = 4.0
RSS_30_GB = 1.0


@dataclass
class Results:
    """Everything one run measured; a missing part stays None (not measured or failed)."""

    meta: dict
    pages: list  # common.Page
    settings: tuple[str, ...]
    floor: object = None  # server_side.RerunResult of the empty page
    reruns: dict = field(default_factory=dict)  # (page id, setting) -> RerunResult
    engine: object = None  # server_side.EngineResult
    reference: object = None  # browser.PressResult
    presses: dict = field(default_factory=dict)  # (page id, setting) -> browser.PressResult
    cold: object = None  # browser.ColdStart
    memory: object = None  # browser.Memory
    training: list = field(default_factory=list)  # training.TrainingResult, one per task
    classroom: object = None  # classroom.Classroom
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _ok(passed: bool | None) -> str:
    return "" if passed is None else (" ✅" if passed else " ❌")


def _num(value, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def _p90(values) -> float:
    values = sorted(v for v in values if v is not None)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, math.ceil(0.9 * len(values)) - 1)]


def _reference_ms(r: Results) -> float:
    return r.reference.median_ms if r.reference and r.reference.latencies else float("nan")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _worst_row(title: str, measured: list, limit: float, shown, over_shown=None) -> list[str]:
    """A budget row from (value, where) pairs: the worst value and where, ✅/❌, and every place
    over the limit, worst first. `shown` formats a value; `over_shown` (default: the same) formats
    it in the list of places over the limit."""
    over_shown = over_shown or shown
    worst, where = max(measured)
    over = [f"{name} {over_shown(v)}" for v, name in sorted(measured, reverse=True) if v > limit]
    return [
        title,
        f"{shown(worst)} ({where})" + _ok(worst <= limit),
        ", ".join(over) or "all within",
    ]


def budget_lines(r: Results) -> list[list[str]]:
    """One row per budget: the worst measured value, where it was, and the verdict."""
    rows = []
    floor = r.floor.median if r.floor and r.floor.times else float("nan")
    maximum = [(pid, res) for (pid, s), res in r.reruns.items() if s == "maximum" and res.times]
    if maximum:
        ratios = [(res.median / floor, pid) for pid, res in maximum]
        rows.append(
            _worst_row(
                f"Rerun at maximum settings ≤ {RERUN_RATIO:g}× empty page",
                ratios,
                RERUN_RATIO,
                lambda x: f"{x:.1f}×",
            )
        )
    sent = [
        (res.median_bytes / 1000, pid)
        for (pid, s), res in r.presses.items()
        if s == "maximum" and res.bytes
    ]
    if sent:
        rows.append(
            _worst_row(
                f"≤ {KB_PER_RERUN:g} kB sent per rerun at maximum settings",
                sent,
                KB_PER_RERUN,
                lambda kb: f"{kb:,.0f} kB",
                lambda kb: f"{kb:,.0f} kB ({kb / KB_PER_RERUN:.1f}×)",
            )
        )
    times = [(res.median_ms, f"{pid} {s}") for (pid, s), res in r.presses.items() if res.latencies]
    if times:
        rows.append(
            _worst_row(
                f"Key press → redrawn chart ≤ {PRESS_MS:g} ms (median)",
                times,
                PRESS_MS,
                lambda ms: f"{ms:,.0f} ms",
            )
        )
        ref = _reference_ms(r)
        if not math.isnan(ref):
            rows.append(
                _worst_row(
                    f"… and ≤ {PRESS_RATIO:g}× the reference page ({ref:,.0f} ms)",
                    [(ms / ref, name) for ms, name in times],
                    PRESS_RATIO,
                    lambda x: f"{x:.1f}×",
                )
            )
    if r.cold and r.cold.seconds:
        value = median(r.cold.seconds)
        rows.append(
            [
                f"Cold start ≤ {COLD_START_S:g} s (median of {len(r.cold.seconds)})",
                f"{value:.2f} s" + _ok(value <= COLD_START_S),
                f"{value / COLD_START_S:.2f}× the budget",
            ]
        )
    if r.memory and r.memory.rss_30:
        gb = r.memory.rss_30 / 1e9
        rows.append(
            [
                f"{r.memory.sessions} sessions ≤ {RSS_30_GB:g} GB server RSS",
                f"{gb * 1000:,.0f} MB" + _ok(gb <= RSS_30_GB),
                f"{gb / RSS_30_GB:.0%} of the budget",
            ]
        )
    return rows


def render(r: Results) -> str:
    m = r.meta
    out = ["# Attention Playground — speed benchmark", ""]
    out += [
        f"- Date: {m['date']} · mode: **{m['mode']}** · run took {m['elapsed']}",
        f"- Machine: {m['cpus']} cores (`os.cpu_count()`), {m['platform']}",
        (
            f"- Python {m['python']} · Streamlit {m['streamlit']} · NumPy {m['numpy']} · "
            f"Altair {m['altair']} · {m['chromium']}"
        ),
        (
            f"- Load average (1 min) before / after the run: {m['load_start']:.2f} / "
            f"{m['load_end'] or 0:.2f} (anything else running on the machine shows up here and "
            "in the numbers)"
        ),
        f"- Code: {m['git']}",
        f"- Command: `{m['command']}`",
        (
            "- Units: 1 kB = 1 000 bytes, 1 MB = 10⁶ bytes. Budgets are information, not a test: "
            "the command exits 0 whenever it measured."
        ),
        "",
    ]

    out += ["## Budgets", ""]
    rows = budget_lines(r)
    out += (
        _table(["budget", "worst measured", "over budget"], rows) if rows else ["(none measured)"]
    )
    out.append("")

    out += ["## 1. Server rerun time (AppTest)", ""]
    floor = r.floor.median if r.floor and r.floor.times else float("nan")
    rows = []
    if r.floor and r.floor.times:
        rows.append(
            [
                "empty page (floor)",
                "–",
                _num(floor * 1000, 1),
                "1.0",
                _num(r.floor.proto_bytes / 1000, 1),
                str(len(r.floor.times)),
            ]
        )
    for page in r.pages:
        for s in r.settings:
            res = r.reruns.get((page.id, s))
            if res is None:
                continue
            if res.error or not res.times:
                rows.append([page.id, s, f"error: {res.error}", "", "", ""])
                continue
            ratio = res.median / floor
            verdict = _ok(ratio <= RERUN_RATIO) if s == "maximum" else ""
            rows.append(
                [
                    page.id,
                    s,
                    _num(res.median * 1000, 1),
                    f"{ratio:.1f}×{verdict}",
                    _num(res.proto_bytes / 1000, 1),
                    str(len(res.times)),
                ]
            )
    out += _table(
        [
            "page",
            "settings",
            "median rerun (ms)",
            f"÷ empty page (max: ≤ {RERUN_RATIO:g}×)",
            "element protos (kB)",
            "reruns",
        ],
        rows,
    )
    out += [
        "",
        (
            'Timed: `at.run()` after `number_input(key="shared_seed").set_value(…)`, the '
            "seed alternating between two values, so every rerun redraws every chart with new "
            "data while st.cache_data hits (the two warm-up reruns that fill it are not timed); "
            "each script is compiled once, as `streamlit run` does, not on every AppTest run. "
            "Element protos: sum of `ByteSize()` of every element of the last rerun, main area "
            "and sidebar: what a browser that has none of it cached would be sent."
        ),
        "",
    ]

    out += ["## 2–3. Browser: slider key press → redrawn chart, and bytes sent per rerun", ""]
    ref = _reference_ms(r)
    rows = []
    if r.reference:
        res = r.reference
        rows.append(
            [
                "reference page",
                "–",
                _walk(res),
                _num(res.median_ms),
                _range(res.latencies),
                _num(median(res.idle)),
                _num(median(res.cpu)),
                "1.0×",
                _num(res.median_bytes / 1000, 1),
                _num(median(res.http_bytes) / 1000, 1),
                "–",
                _changed(res),
                _fails(res),
            ]
        )
    for page in r.pages:
        for s in r.settings:
            res = r.presses.get((page.id, s))
            if res is None:
                continue
            ms = res.median_ms
            ratio = ms / ref if not math.isnan(ref) else float("nan")
            kb = res.median_bytes / 1000
            proto = r.reruns.get((page.id, s))
            rows.append(
                [
                    page.id,
                    s,
                    _walk(res),
                    _num(ms) + (_ok(ms <= PRESS_MS) if res.latencies else ""),
                    _range(res.latencies),
                    _num(median(res.idle)),
                    _num(median(res.cpu)),
                    (f"{ratio:.1f}×" + _ok(ratio <= PRESS_RATIO)) if not math.isnan(ratio) else "–",
                    _num(kb, 1) + (_ok(kb <= KB_PER_RERUN) if s == "maximum" and res.bytes else ""),
                    _num(median(res.http_bytes) / 1000, 1),
                    _num(proto.proto_bytes / 1000, 1) if proto and proto.times else "–",
                    _changed(res),
                    _fails(res),
                ]
            )
    out += _table(
        [
            "page",
            "settings",
            "d_model walk",
            f"median press → drawn (ms, ≤ {PRESS_MS:g})",
            "min–p90–max",
            "of which until idle (ms)",
            "browser CPU per press (ms)",
            f"÷ reference (≤ {PRESS_RATIO:g}×)",
            f"kB sent per rerun (max: ≤ {KB_PER_RERUN:g})",
            "of which HTTP (kB)",
            "AppTest protos (kB)",
            "charts redrawn",
            "problems",
        ],
        rows,
    )
    out += [
        "",
        (
            "Each row is a fresh browser session. Every press moves the d_model slider to a "
            "value the session has not seen (ArrowRight from 64; ArrowLeft from 512 at maximum "
            "settings), so neither st.cache_data nor Streamlit's browser-side cache of elements "
            "≥ 10 kB hides any cost; the first press is a warm-up. Time: keydown → the animation "
            "frame that showed the last chart change, once the sidebar caption shows the new "
            "value, the app is idle and no chart has changed for 600 ms. Until idle: keydown → "
            "the app's switch to notRunning (the script has run and its messages have arrived); "
            "the rest is drawing in the browser. Browser CPU: the CPU time every Chromium "
            "renderer process used from the key press to done (from /proc; the probe's "
            "before/after comparison of the charts is outside it), steadier than the latency "
            "on a shared machine. Charts: Vega-Lite, "
            "Graphviz and st.image elements. Bytes: websocket frames plus HTTP responses (st.image "
            "pictures) received from press to done; medians over the timed presses. AppTest "
            "protos: the cross-check, at the setting's start value (st.image pictures are not in "
            "it: a proto holds only their address). Charts redrawn: charts whose pixels (canvas), "
            "markup (SVG) or picture address differ after the press, of all on the page."
        ),
        "",
    ]

    out += ["## 4. Cold start", ""]
    if r.cold and r.cold.seconds:
        rows = [
            [str(i + 1), _num(h, 2), _num(s, 2) + _ok(s <= COLD_START_S)]
            for i, (h, s) in enumerate(zip(r.cold.health, r.cold.seconds))
        ]
        out += _table(
            ["launch", "→ /_stcore/health ok (s)", f'→ "/" fully drawn (s, ≤ {COLD_START_S:g})'],
            rows,
        )
        out += [
            "",
            (
                "`streamlit run app.py` started (time.time() before Popen) → the overview "
                "page, loaded in an already running Chromium right after the health check, idle, "
                "every chart drawn and nothing changing for 1 s (the time is that of the last "
                "change)."
            ),
            "",
        ]
    else:
        out += ["not measured", ""]

    out += ["## 5. Server memory", ""]
    if r.memory and r.memory.rss_1:
        rows = [["1", _num(r.memory.rss_1 / 1e6), ""]]
        if r.memory.rss_30:
            gb = r.memory.rss_30 / 1e9
            rows.append(
                [
                    str(r.memory.sessions),
                    _num(r.memory.rss_30 / 1e6),
                    f"≤ {RSS_30_GB * 1000:,.0f} MB" + _ok(gb <= RSS_30_GB),
                ]
            )
        out += _table(["open sessions", "server RSS (MB)", "budget"], rows)
        out += [
            "",
            (
                "Sum of VmRSS (/proc) over the server's process group, every session loaded "
                "and idle; the sessions open the app's pages in turn at default settings, in 3 "
                "browser contexts."
            ),
            "",
        ]
    else:
        out += ["not measured", ""]

    out += ["## 6. The engine alone", ""]
    e = r.engine
    if e:
        eng, ein = median(e.engine_times) * 1000, median(e.einsum_times) * 1000
        out += _table(
            ["implementation", "median (ms)", "ratio"],
            [
                ["core.attention.multi_head_attention", _num(eng, 3), f"{e.ratio:.2f}×"],
                ["np.einsum formulation (benchmarks/server_side.py)", _num(ein, 3), "1.00×"],
            ],
        )
        out += [
            "",
            (
                f"seq_len {e.seq_len}, d_model {e.d_model}, {e.n_heads} heads, "
                f"{len(e.engine_times)} runs each, interleaved; outputs and weights agree to "
                f"{e.max_abs_diff:.1e} (required ≤ 1e-9)."
            ),
            "",
        ]
    else:
        out += ["not measured", ""]

    out += ["## 7. Training (one thread, as the app trains)", ""]
    if r.training:
        out += _table(
            [
                "task",
                "d_model / heads",
                "steps",
                "run (s)",
                "steps/s",
                "to 95 % held-out (s)",
                "held-out accuracy",
            ],
            [
                [
                    t.task,
                    f"{t.d_model} / {t.n_heads}",
                    str(t.steps),
                    _num(t.seconds, 1),
                    _num(t.steps_per_second),
                    "–" if t.seconds_to_95 is None else _num(t.seconds_to_95, 1),
                    f"{t.accuracy:.1%}",
                ]
                for t in r.training
            ],
        )
        out += [
            "",
            (
                "Each run in a fresh Python with one BLAS thread; the time includes the held-out "
                "evaluations every 10 steps. The last row is the model a page shows first with "
                "trained weights (the app's default sizes)."
            ),
            "",
        ]
    else:
        out += ["not measured", ""]

    out += ["## 8. A class on one server", ""]
    c = r.classroom
    if c:
        out += _table(
            ["measured", "value"],
            [
                [
                    "press Train → first progress shown (s, one learner at a time)",
                    " / ".join(_num(x, 2) for x in c.first_progress),
                ],
                [f"server CPU, {c.learners} pages open, idle (CPU s per s)", _num(c.cpu_idle, 3)],
                [
                    f"server CPU, 1 run training and {c.learners - 1} learners waiting",
                    _num(c.cpu_waiting, 3),
                ],
            ],
        )
        out += [
            "",
            (
                "The server process's own CPU (/proc), not the training process's; a waiting "
                "learner's page asks for its place in the queue every second."
            ),
            "",
        ]
    else:
        out += ["not measured (full run only)", ""]

    heavy = _heaviest(r)
    if heavy:
        out += ["## Heaviest elements at maximum settings (AppTest protos)", ""]
        out += _table(["page", "element", "kB", "data rows", "shown under"], heavy)
        out.append("")
    if r.notes:
        out += ["## Notes", ""] + [f"- {note}" for note in r.notes] + [""]
    if r.errors:
        out += ["## Errors", ""] + [f"- {error}" for error in r.errors] + [""]
    return "\n".join(out)


def _walk(res) -> str:
    if res.first_value is None or res.last_value is None:
        return "–"
    return f"{res.first_value} → {res.last_value}"


def _range(values) -> str:
    if not values:
        return "–"
    return f"{min(values):,.0f}–{_p90(values):,.0f}–{max(values):,.0f}"


def _changed(res) -> str:
    if not res.changed:
        return "–"
    return f"{statistics.median_low(res.changed)}/{res.charts}"


def _fails(res) -> str:
    problems = []
    if res.failed:
        problems.append(f"{res.failed} press(es) timed out")
    problems += res.errors[:2]
    return "; ".join(p.replace("|", "/") for p in problems) or ""


def _heaviest(r: Results, top: int = 3) -> list[list[str]]:
    rows = []
    for page in r.pages:
        res = r.reruns.get((page.id, "maximum"))
        if not res or not res.elements:
            continue
        for element in sorted(res.elements, key=lambda e: -e.bytes)[:top]:
            rows.append(
                [
                    page.id,
                    element.kind,
                    _num(element.bytes / 1000, 1),
                    _num(element.rows) if element.rows is not None else "–",
                    element.context.replace("|", "/").replace("&nbsp;", " "),
                ]
            )
    return rows
