"""Helpers for the AppTest page tests: run a page with chosen settings, collect what it shows."""

import io
from pathlib import Path

import pandas as pd
import pyarrow.ipc
from streamlit.testing.v1 import AppTest

from ui.setup import PAGES

ROOT = Path(__file__).resolve().parent.parent
PAGE_IDS = [page_id for page_id, _, _ in PAGES]
PAGE_PATH = {page_id: path for page_id, path, _ in PAGES}
LONG_SENTENCE = " ".join(f"word{i}" for i in range(45))
SETTINGS = {
    "default": {},
    "minimum": {"shared_text": "hello", "shared_d_model": 8, "shared_n_heads": 1, "shared_seed": 0},
    "maximum": {
        "shared_text": LONG_SENTENCE,
        "shared_d_model": 512,
        "shared_n_heads": 16,
        "shared_seed": 9999,
    },
}
TEXT_ELEMENTS = (
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "info",
    "warning",
    "error",
    "success",
    "latex",
    "text",
    "code",
)


def run_page(page_id: str, lang: str = "en", locale: str | None = None, **state) -> AppTest:
    """Open the app, apply settings as a learner would have chosen them, then go to a page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.context["locale"] = locale or ("ko-KR" if lang == "ko" else "en-US")
    at.session_state["shared_lang"] = lang
    for key, value in state.items():
        at.session_state[key] = value
    return _run_then_go_to(at, page_id)


def open_link(page_id: str = "overview", **query_params) -> AppTest:
    """Open the app as a link with these query parameters would, then go to a page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for name, value in query_params.items():
        at.query_params[name] = value
    return _run_then_go_to(at, page_id)


def _run_then_go_to(at: AppTest, page_id: str) -> AppTest:
    """Run the overview (the entry point), then switch to the page unless it is the overview."""
    at.run()
    if page_id != "overview":
        at.switch_page(PAGE_PATH[page_id])
        at.run()
    return at


def shown_texts(at: AppTest) -> list[str]:
    """Every piece of text the page shows in text-like elements (not inside charts)."""
    texts = []
    for kind in TEXT_ELEMENTS:
        texts += [str(element.value) for element in at.get(kind)]
    texts += [str(element.proto.label) for element in at.get("expander")]
    texts += [str(metric.label) for metric in at.metric]
    return texts


def chart_frames(at: AppTest) -> list[pd.DataFrame]:
    """The data of every Altair chart on the page, as DataFrames (Streamlit ships it as Arrow)."""
    frames = []
    for chart in at.get("vega_lite_chart"):
        blobs = [dataset.data.data for dataset in chart.proto.datasets]
        if chart.proto.data.data:  # the chart's main data (st.vega_lite_chart(data, spec))
            blobs.append(chart.proto.data.data)
        for blob in blobs:
            frames.append(pyarrow.ipc.open_stream(io.BytesIO(blob)).read_all().to_pandas())
    return frames


def row_named(frame: pd.DataFrame) -> pd.DataFrame:
    """A table whose first column names its rows (ui.charts.token_rows), indexed by it."""
    return frame.set_index(frame.columns[0])
