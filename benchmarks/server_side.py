"""Server-side numbers through AppTest (no browser): rerun time per page, and the bytes of the
element protos a rerun produces; plus the engine alone against a plain np.einsum version."""

import io
import logging
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from benchmarks.common import LANG, LOCALE, ROOT, SETTINGS, Page, median

EMPTY_PAGE = "import streamlit as st\n"  # the floor: Streamlit's own cost of one rerun


def quiet_streamlit() -> None:
    """AppTest outside `streamlit run` logs a warning per cached call; they are noise here."""
    import streamlit.logger

    streamlit.logger.set_log_level("error")
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)


@dataclass
class ElementSize:
    kind: str
    bytes: int
    context: str  # the nearest text above it (the chart's name line), to say which one it is
    rows: int | None = None  # rows of chart data, for charts


@dataclass
class RerunResult:
    page: str
    setting: str
    times: list[float]  # seconds, warm reruns only
    proto_bytes: int = 0  # sum of ByteSize() of every element the rerun produced
    elements: list[ElementSize] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float:
        return median(self.times)


def _walk(node):
    from streamlit.testing.v1.element_tree import Block

    if isinstance(node, Block) or type(node).__name__ == "ElementTree":
        for child in node.children.values():
            yield from _walk(child)
    else:
        yield node


def _chart_rows(proto) -> int | None:
    """Rows of the Arrow tables a chart ships: `datasets` (Altair) or `data` (a plain spec)."""
    import pyarrow.ipc

    tables = [dataset.data.data for dataset in getattr(proto, "datasets", [])]
    data = getattr(proto, "data", None)
    if isinstance(getattr(data, "data", None), bytes) and data.data:
        tables.append(data.data)
    if not tables:
        return None
    return sum(pyarrow.ipc.open_stream(io.BytesIO(t)).read_all().num_rows for t in tables)


def _first_line(text: str, limit: int = 60) -> str:
    line = next((part for part in text.splitlines() if part.strip()), "")
    return " ".join(line.replace("&nbsp;", " ").split())[:limit]


def element_sizes(at) -> list[ElementSize]:
    """Every element of the page (main area and sidebar) with its proto size."""
    sizes, context = [], ""
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        kind = getattr(node, "type", type(node).__name__)
        if kind in ("markdown", "subheader", "header", "title"):
            context = _first_line(str(getattr(node, "value", "")))
        rows = _chart_rows(proto) if "chart" in kind else None
        sizes.append(ElementSize(kind, proto.ByteSize(), context, rows))
    return sizes


@contextmanager
def compiled_once():
    """Compile each script once, as `streamlit run` does: its ScriptCache lives as long as the
    server, while AppTest builds a fresh one for every `run()` and so compiles the page (and its
    magic) again on every rerun, a cost no learner waits for (4 … 10 ms a rerun here). Inside this
    block every AppTest run shares one cache. Where AppTest's internals have moved, it measures
    as AppTest does and `compiled_once` yields False."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    modules = [m for m in (app_test, local_script_runner) if getattr(m, "ScriptCache", None)]
    if len(modules) < 2:
        yield False
        return
    cache = ScriptCache()
    for module in modules:
        module.ScriptCache = lambda: cache
    try:
        yield True
    finally:
        for module in modules:
            module.ScriptCache = ScriptCache


def _new_app(script: Path, state: dict):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(script), default_timeout=60)
    at.context["locale"] = LOCALE
    for key, value in state.items():
        at.session_state[key] = value
    return at


def time_page(page: Page, setting: str, reruns: int) -> RerunResult:
    """Median of `reruns` warm reruns, each one a "seed changed" rerun as a learner makes it.

    Set-up (not timed): session state = the setting, run app.py, switch_page, run. Then the seed
    widget alternates between seed+1 and seed (`number_input(key="shared_seed").set_value`),
    so every rerun changes every chart's data, as moving a slider does; the first two reruns
    fill st.cache_data and are not timed, the timed ones hit the cache. Timed: `at.run()`.
    """
    at = _new_app(ROOT / "app.py", {"shared_lang": LANG, **SETTINGS[setting]})
    result = RerunResult(page.id, setting, [])
    at.run()
    if page.path != "app.py":
        at.switch_page(page.path)
        at.run()
    if at.exception:
        result.error = "; ".join(str(e.value)[:200] for e in at.exception)
        return result
    base = int(at.session_state["shared_seed"])
    seeds = (base + 1, base) if base < 9999 else (base - 1, base)
    for i in range(2 + reruns):
        at.number_input(key="shared_seed").set_value(seeds[i % 2])
        start = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - start
        if i >= 2:
            result.times.append(elapsed)
    if at.exception:
        result.error = "; ".join(str(e.value)[:200] for e in at.exception)
    result.elements = element_sizes(at)
    result.proto_bytes = sum(e.bytes for e in result.elements)
    return result


def time_empty_page(reruns: int) -> RerunResult:
    """The floor: the same AppTest rerun of a script that only imports streamlit."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "empty.py"
        script.write_text(EMPTY_PAGE)
        at = _new_app(script, {})
        result = RerunResult("empty page", "-", [])
        for i in range(2 + reruns):
            start = time.perf_counter()
            at.run()
            if i >= 2:
                result.times.append(time.perf_counter() - start)
        result.elements = element_sizes(at)
        result.proto_bytes = sum(e.bytes for e in result.elements)
    return result


# ---- the engine alone -------------------------------------------------------------------------


def einsum_multi_head_attention(x: np.ndarray, w_q, w_k, w_v, w_o, n_heads: int):
    """The same computation written straight from the paper with np.einsum (independent code)."""
    seq_len, d_model = x.shape
    d_head = d_model // n_heads
    q = np.einsum("sd,de->se", x, w_q).reshape(seq_len, n_heads, d_head)  # (seq, h, d_head)
    k = np.einsum("sd,de->se", x, w_k).reshape(seq_len, n_heads, d_head)
    v = np.einsum("sd,de->se", x, w_v).reshape(seq_len, n_heads, d_head)
    scores = np.einsum("qhd,khd->hqk", q, k) / np.sqrt(d_head)  # (h, seq_q, seq_k)
    exp = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = exp / exp.sum(axis=-1, keepdims=True)  # (h, seq_q, seq_k)
    heads = np.einsum("hqk,khd->qhd", weights, v)  # (seq_q, h, d_head)
    output = np.einsum("se,ef->sf", heads.reshape(seq_len, d_model), w_o)  # (seq, d_model)
    return weights, output


@dataclass
class EngineResult:
    seq_len: int
    d_model: int
    n_heads: int
    engine_times: list[float]
    einsum_times: list[float]
    max_abs_diff: float

    @property
    def ratio(self) -> float:
        return median(self.engine_times) / median(self.einsum_times)


def time_engine(runs: int, seq_len: int = 64, d_model: int = 512, n_heads: int = 8) -> EngineResult:
    """Median time of core.attention.multi_head_attention and of the einsum version, interleaved
    so both see the same machine state; their outputs must agree to 1e-9."""
    from core.attention import init_params, multi_head_attention

    x = np.random.default_rng(0).standard_normal((seq_len, d_model))  # (seq_len, d_model)
    params = init_params(d_model, n_heads, seed=0)
    args = (x, params.w_q, params.w_k, params.w_v, params.w_o, n_heads)
    trace = multi_head_attention(x, params)
    weights, output = einsum_multi_head_attention(*args)
    diff = max(
        float(np.abs(trace.weights - weights).max()), float(np.abs(trace.output - output).max())
    )
    if diff > 1e-9:
        raise AssertionError(f"engine and einsum disagree by {diff:.3g} (> 1e-9)")
    engine_times, einsum_times = [], []
    for i in range(runs + 3):  # 3 warm-up rounds
        start = time.perf_counter()
        multi_head_attention(x, params)
        middle = time.perf_counter()
        einsum_multi_head_attention(*args)
        end = time.perf_counter()
        if i >= 3:
            engine_times.append(middle - start)
            einsum_times.append(end - middle)
    return EngineResult(seq_len, d_model, n_heads, engine_times, einsum_times, diff)
