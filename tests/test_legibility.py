"""Every chart legible, as the pages draw them (AppTest): compared matrices share one colour
range and write its ends in numbers, every token axis keeps every label, every chart has a
description in the learner's language, and the self-attention page answers a click beside the
chart and writes softmax out on the learner's own numbers (with and without ÷ √d_k)."""

import json
import math
import re

import numpy as np
import pytest

from core.pipeline import run_pipeline
from core.tokenizer import tokenize
from tests.apptest import PAGE_IDS, SETTINGS, chart_frames, run_page
from ui.i18n import LANGS, labels

SENTENCE = "the cat saw the dog"
TOKENS = tokenize(SENTENCE).tokens
N = len(TOKENS)
FIRST_ROW = f"0·{TOKENS[0]}"
HANGUL = re.compile("[가-힣]")


def specs(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def bounds(at) -> list[float]:
    """The colour scale's end of every signed chart on the page (its data's first `bound`)."""
    return [float(f["bound"].iloc[0]) for f in chart_frames(at) if "bound" in f.columns]


def headers(at) -> list[str]:
    return [m.value for m in at.markdown]


def written_ends(at, bound: float) -> bool:
    """Some header writes the scale's two ends as numbers: "−3.21 … 0 … +3.21"."""
    return any(f"−{bound:.2f} … 0 … +{bound:.2f}" in text for text in headers(at))


def q_and_k(d_model: int):
    trace = run_pipeline(SENTENCE, d_model, 1, 0)
    return trace.x @ trace.params.w_q, trace.x @ trace.params.w_k  # (seq_len, d_model) each


# --- 1. One colour range for matrices a lesson compares -----------------------------------------


def test_q_k_and_its_scaled_version_share_one_colour_range():
    q, k = q_and_k(16)
    dots = q @ k.T  # (seq, seq), written out here
    at = run_page("attention", "en", shared_text=SENTENCE, shared_d_model=16)
    step1 = bounds(at)
    assert step1[0] == pytest.approx(np.abs(dots).max(), abs=1e-3)
    assert written_ends(at, step1[0])
    at.session_state["attn_steps"] = labels("en")["attention.tab_scale"]
    at.run()
    step2 = bounds(at)
    assert step2[0] == step1[0], "÷ √d_k is drawn on the same scale: paler, not identical"
    assert written_ends(at, step2[0])


def test_the_embedding_table_and_its_scaled_rows_share_one_colour_range():
    from core.embedding import embed

    at = run_page("embedding", "en", shared_text=SENTENCE)
    vectors = embed(TOKENS, 64, 0).vectors  # E[ids] · √64
    found = bounds(at)
    assert len(found) >= 2 and found[0] == found[1]  # E and X_emb
    assert found[0] >= np.abs(vectors).max() - 1e-3
    assert written_ends(at, found[0])


def test_embedding_position_and_input_share_one_colour_range():
    trace = run_pipeline(SENTENCE, 64, 4, 0)
    largest = max(np.abs(a).max() for a in (trace.embedding.vectors, trace.positional, trace.x))
    at = run_page("positional", "en", shared_text=SENTENCE)
    trio = [b for b in bounds(at) if b == pytest.approx(largest, abs=1e-3)]
    assert len(trio) == 3, bounds(at)


def test_a_signed_legend_writes_its_ends_in_numbers_on_every_page():
    for page_id in PAGE_IDS[1:]:
        at = run_page(page_id, "en", **SETTINGS["maximum"])
        for spec in specs(at):
            if "isValid(datum.bound)" not in json.dumps(spec):
                continue
            legend = next(
                layer["encoding"]["color"]["legend"]
                for layer in spec["layer"]
                if "isValid(datum.bound)" in json.dumps(layer)
            )
            if legend.get("values"):  # signed: the ends and 0; weights: 0 … 1 as they are
                assert "domain('color')" in legend["values"]["expr"], page_id


# --- 2, 3, 7. Labels and descriptions on every page --------------------------------------------


def token_axes(spec: dict) -> list[dict]:
    """The axes of a spec whose labels are tokens (rows, bar labels, upright token columns)."""
    found = []
    for part in [spec, *spec.get("layer", [])]:
        for channel, enc in part.get("encoding", {}).items():
            if channel not in ("x", "y"):
                continue
            axis = enc.get("axis") or {}
            upright = axis.get("labelAngle") == -90
            if channel == "y" and enc.get("type") == "nominal" or channel == "x" and upright:
                found.append(axis)
    return found


@pytest.mark.parametrize("settings", ["default", "maximum"])
@pytest.mark.parametrize("lang", LANGS)
def test_every_chart_is_described_and_every_token_keeps_its_label(lang, settings):
    for page_id in PAGE_IDS[1:]:
        at = run_page(page_id, lang, **SETTINGS[settings])
        assert not at.exception, page_id
        for spec in specs(at):
            description = spec.get("description", "")
            assert len(description) > 20, (page_id, spec.get("mark"))
            assert bool(HANGUL.search(description)) == (lang == "ko"), description
            for axis in token_axes(spec):
                assert axis.get("labelOverlap") is False, (page_id, axis)
                assert axis.get("labelLimit", 0) > 0, (page_id, axis)
        for element in at.get("image"):  # a picture drawn by st.image has its own alt text
            assert all(img.alt for img in element.proto.imgs), page_id


def test_a_large_matrix_is_a_labelled_picture_with_a_legend():
    at = run_page("qkv", "en", **SETTINGS["maximum"])  # 32 tokens × 512 dimensions
    pictures = [s for s in specs(at) if '"image"' in json.dumps(s)]
    assert pictures
    frames = [f for f in chart_frames(at) if "url" in f.columns]
    assert frames and frames[0]["row"].tolist()[:2] == ["0·word0", "1·word1"]
    assert len(frames[0]) == 32  # every token row is labelled
    for spec in pictures:
        assert any("isValid(datum.bound)" in json.dumps(layer) for layer in spec["layer"])


def test_the_height_depends_on_the_rows_alone():
    """Moving d_model from 64 (a chart of cells) to 72 (a picture) keeps every chart as tall."""

    def heights(d_model):
        at = run_page("qkv", "en", shared_text=SENTENCE, shared_d_model=d_model)
        return sorted(s["height"] for s in specs(at) if "height" in s)

    assert heights(64) == heights(72)


# --- 4, 5. The self-attention page: a click's result beside the chart, softmax written out -----


def softmax(x: np.ndarray) -> np.ndarray:
    exps = [math.exp(v - max(x)) for v in x]
    return np.array([e / sum(exps) for e in exps])


def beside_the_clickable_chart(at) -> list:
    """The charts in the column next to the clickable weights chart."""
    for i, column in enumerate(at.columns):
        if any('"select"' in c.proto.spec for c in column.get("vega_lite_chart")):
            return list(at.columns[i + 1].get("vega_lite_chart"))
    raise AssertionError("no clickable chart inside columns")


def bar_values(chart) -> np.ndarray:
    import io

    import pyarrow.ipc

    table = pyarrow.ipc.open_stream(io.BytesIO(chart.proto.data.data)).read_all()
    return np.asarray(table["value"].to_pylist(), dtype=float)


def test_the_chosen_rows_weights_are_drawn_beside_the_clickable_chart():
    q, k = q_and_k(16)
    at = run_page("attention", "en", shared_text=SENTENCE, shared_d_model=16)
    (bars,) = beside_the_clickable_chart(at)
    np.testing.assert_allclose(bar_values(bars), softmax(k @ q[0] / 4), atol=1e-4)
    assert '"text"' in bars.proto.spec, "each bar writes its number"
    at.session_state["attn_query"] = f"3·{TOKENS[3]}"  # what a click on row 3 stores
    at.run()
    (bars,) = beside_the_clickable_chart(at)
    np.testing.assert_allclose(bar_values(bars), softmax(k @ q[3] / 4), atol=1e-4)
    assert any("a_3 = A[3, :]" in text for text in headers(at))


def test_softmax_is_written_out_on_the_learners_numbers():
    q, k = q_and_k(16)
    scores = k @ q[0] / 4  # query 0, ÷ √16
    at = run_page("attention", "en", shared_text=SENTENCE, shared_d_model=16)
    table = next(df.value for df in at.dataframe if "q·k_j" in df.value.columns)
    exps = np.exp(scores - scores.max())
    column = labels("en")["softmax.col_exp"]
    np.testing.assert_allclose(table[column].to_numpy(float), np.round(exps, 4), atol=1e-9)
    caption = labels("en")["softmax.sum_caption"].format(largest=scores.max(), total=exps.sum())
    assert caption in [c.value for c in at.caption]
    assert any(r"\sum_k e^{s_k}" in latex.value for latex in at.latex)


def test_softmax_without_the_division_is_shown_next_to_the_real_weights():
    q, k = q_and_k(16)
    dots = k @ q[0]
    at = run_page("attention", "en", shared_text=SENTENCE, shared_d_model=16)
    frame = next(f for f in chart_frames(at) if "series" in f.columns and "label" in f.columns)
    with_s = labels("en")["softmax.with"].format(sqrt_d_k="√16")
    without = labels("en")["softmax.without"].format(sqrt_d_k="√16")
    shown = {name: group["value"].to_numpy(float) for name, group in frame.groupby("series")}
    np.testing.assert_allclose(shown[with_s], softmax(dots / 4), atol=1e-4)
    np.testing.assert_allclose(shown[without], softmax(dots), atol=1e-4)


def test_the_scaling_lines_are_named_by_dash_and_shape_not_colour_alone():
    at = run_page("attention", "en")
    lines = [s for s in specs(at) if s.get("mark", {}).get("type") == "line"]
    assert len(lines) == 2
    for spec in lines:
        assert spec["encoding"]["shape"]["field"] == "series"
        assert spec["encoding"]["strokeDash"]["field"] == "series"
