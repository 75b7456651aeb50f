"""Take your numbers with you: any matrix as a CSV file with its row and column labels, and a
page's whole trace as one NumPy .npz file, every array under its field path
("attention.weights").

While the page's downloads box is open, each matrix the page draws is offered (`csv_button`
notes it: no element, no file) and the box lists them all with the trace; closed, the box is one
element and holds nothing. A file is built only when its button is clicked (`data` is a
callable, run then), so a slider move costs nothing for downloads. Clicking does not rerun the
page.
"""

import csv
import dataclasses
import hashlib
import io
import re
import unicodedata

import numpy as np
import streamlit as st

from core.pipeline import PipelineTrace
from ui.i18n import t

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell


def _cell(label: str) -> str:
    """A label as a spreadsheet shows it: text, never a formula."""
    label = str(label)
    return "'" + label if label.startswith(FORMULA_START) else label


def matrix_csv(values: np.ndarray, rows: list[str], cols: list[str], corner: str = "") -> bytes:
    """A (rows, cols) matrix as CSV: a header of column labels (after `corner`, which names the
    rows), then one line per row label. Numbers in full (masked cells: -inf); UTF-8 with a
    byte-order mark, so a spreadsheet reads Hangul right."""
    if values.ndim != 2 or values.shape != (len(rows), len(cols)):
        raise ValueError(f"{values.shape} values for {len(rows)} rows × {len(cols)} columns")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([_cell(corner), *map(_cell, cols)])
    for label, row in zip(rows, values.tolist()):  # tolist: Python floats, repr in full
        writer.writerow([_cell(label), *map(repr, row)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def trace_arrays(trace: PipelineTrace) -> dict[str, np.ndarray]:
    """Every array of a trace by its field path ("embedding.vectors", "attention.weights");
    token texts as string arrays, numbers (scale, n_heads, ...) as 0-d arrays."""
    found: dict[str, np.ndarray] = {}

    def walk(value, path: str) -> None:
        if isinstance(value, np.ndarray):
            found[path] = value
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name), f"{path}.{field.name}" if path else field.name)
        elif isinstance(value, tuple) and all(isinstance(item, str) for item in value):
            found[path] = np.array(value, dtype=str)
        elif isinstance(value, bool | int | float | np.number):
            found[path] = np.array(value)

    walk(trace, "")
    return found


def trace_npz(trace: PipelineTrace) -> bytes:
    """The trace's arrays in one compressed .npz (np.load reads it without pickle)."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **trace_arrays(trace))
    return buffer.getvalue()


def _key(prefix: str, name: str) -> str:
    """A widget key from a matrix's name with its numbers left out ("A_3 = …" and "A_0 = …"
    are one button), so a live number never recreates it."""
    stable = re.sub(r"\d+", "#", name)
    return f"{prefix}_" + hashlib.blake2b(stable.encode(), digest_size=4).hexdigest()


def file_name(name: str, ending: str) -> str:
    """'Q Kᵀ / √64' -> 'Q_KT_64.csv': letters and digits only (a name of ours, never the
    learner's text)."""
    plain = unicodedata.normalize("NFKC", name)
    slug = re.sub(r"[^A-Za-z0-9]+", "_", plain).strip("_")[:60] or "matrix"
    return f"{slug}.{ending}"


BOX_KEY = "downloads_box"  # the page's downloads box (class st-key-downloads_box)
OFFERED_KEY = "downloads_offered"  # this page's matrices, by their button's key


def forget() -> None:
    """A new page run: no matrix offered yet (a fragment's rerun keeps the page's list)."""
    st.session_state[OFFERED_KEY] = {}


def csv_button(name: str, values: np.ndarray, rows: list[str], cols: list[str], corner="") -> None:
    """Offer a matrix as CSV in the page's downloads box (its button is drawn there). Kept only
    while the box is open: a closed box holds no arrays in the session."""
    if not st.session_state.get(BOX_KEY):
        return
    offered = st.session_state.setdefault(OFFERED_KEY, {})
    offered[_key("csv", name)] = (name, values, rows, cols, corner)


def grid_csv_button(name: str, weights: np.ndarray, labels: list[str], heads: list[str]) -> None:
    """Every head's (seq_len, seq_len) weights stacked into one CSV: a row per (head, query)."""
    rows = [f"{head} · {label}" for head in heads for label in labels]
    stacked = weights.reshape(-1, weights.shape[-1])  # (n_heads * seq_len, seq_len)
    csv_button(name, stacked, rows, labels)


def _csv(key: str, name: str, values, rows, cols, corner) -> None:
    st.download_button(
        name,
        data=lambda: matrix_csv(values, rows, cols, corner),
        file_name=file_name(name, "csv"),
        mime="text/csv",
        key=key,
        help=t("downloads.csv_help", name=name),
        on_click="ignore",
        type="tertiary",
        icon=":material/download:",
    )


def trace_button(page_id: str, trace: PipelineTrace) -> None:
    """The page's downloads box: its whole trace as .npz, then a CSV per matrix it drew. The
    buttons are drawn only while the box is open (one element on a slider move, not a dozen)."""
    offered = st.session_state.get(OFFERED_KEY, {})
    box = st.expander(
        t("downloads.box"), key=BOX_KEY, on_change="rerun", icon=":material/download:"
    )
    if not box.open:
        return
    with box:
        st.download_button(
            t("downloads.trace"),
            data=lambda: trace_npz(trace),
            file_name=f"{page_id}_trace.npz",
            mime="application/octet-stream",
            key=f"npz_{page_id}",
            help=t("downloads.trace_help"),
            on_click="ignore",
            icon=":material/download:",
        )
        st.caption(t("downloads.csv_intro"))
        for key, (name, values, rows, cols, corner) in offered.items():
            _csv(key, name, values, rows, cols, corner)
