"""Each page shows the engine's own numbers: values on the page are recomputed here
independently (straight from the formulas or the engine's documented functions) and compared."""

import math

import numpy as np
import pytest

from core.tokenizer import tokenize
from tests.apptest import chart_frames, row_named, run_page
from ui.i18n import labels

SENTENCE = "the cat saw the dog"
TOKENS = tokenize(SENTENCE).tokens


def frame_with_rows(at, first_row: str, n_cells: int):
    """The heatmap data whose first row label is `first_row` and that has n_cells cells."""
    for frame in chart_frames(at):
        cells = {"row", "col", "value"} <= set(frame.columns) and len(frame) == n_cells
        if cells and str(frame["row"].iloc[0]) == first_row:
            return frame
    raise AssertionError(f"no heatmap starting at {first_row!r} with {n_cells} cells")


def test_positional_page_heatmap_is_the_paper_formula():
    at = run_page("positional", "en", shared_text=SENTENCE, shared_d_model=16)
    n_positions = len(TOKENS) + 16  # the page draws 16 extra positions by default
    frame = frame_with_rows(at, "0·the", n_positions * 16)
    for row, col, value in frame[["row", "col", "value"]].itertuples(index=False):
        pos = int(str(row).split("·")[0])
        j = int(col)
        angle = pos / 10000 ** ((j - j % 2) / 16)
        expected = math.sin(angle) if j % 2 == 0 else math.cos(angle)
        assert value == pytest.approx(expected, abs=1e-4)


def test_positional_page_shows_the_shuffle_gaps_of_the_engine():
    from core.experiments import order_experiment

    at = run_page("positional", "en", shared_text=SENTENCE)
    order = order_experiment(TOKENS, 64, 4, 0)
    shown = {metric.label: metric.value for metric in at.metric}
    assert shown[labels("en")["positional.gap_pe"]] == f"{order.gap_pe:.1e}"
    assert float(shown[labels("en")["positional.gap_plain"]]) < 1e-9


def test_qkv_page_shows_the_query_of_the_first_token():
    from core.pipeline import run_pipeline

    at = run_page("qkv", "en", shared_text=SENTENCE, shared_d_model=16, shared_n_heads=2)
    trace = run_pipeline(SENTENCE, 16, 2, 0)
    q0 = trace.x[0] @ trace.params.w_q  # row 0 of X·W_Q, written out here
    table = next(row_named(df.value) for df in at.dataframe if df.value.shape == (3, 17))
    np.testing.assert_allclose(table.iloc[0].to_numpy(float), np.round(q0, 4), atol=1e-9)


def test_attention_page_query_table_is_softmax_of_scaled_dot_products():
    from core.pipeline import run_pipeline

    at = run_page("attention", "en", shared_text=SENTENCE, shared_d_model=16)
    trace = run_pipeline(SENTENCE, 16, 1, 0)
    q = trace.x @ trace.params.w_q  # (seq_len, d_model)
    k = trace.x @ trace.params.w_k
    dots = k @ q[0]  # query 0 against every key
    weights = np.exp(dots / 4 - (dots / 4).max())  # √d_k = √16 = 4
    weights /= weights.sum()
    table = next(df.value for df in at.dataframe if "q·k_j" in df.value.columns)
    np.testing.assert_allclose(table["q·k_j"].to_numpy(float), np.round(dots, 4), atol=1e-9)
    weight_col = labels("en")["common.weight"]
    np.testing.assert_allclose(table[weight_col].to_numpy(float), np.round(weights, 4), atol=1e-9)


def test_multihead_page_grid_and_mean_distance_match_the_engine():
    from core.pipeline import run_pipeline

    at = run_page("multihead", "en", shared_text=SENTENCE, shared_d_model=16, shared_n_heads=4)
    weights = run_pipeline(SENTENCE, 16, 4, 0).attention.weights  # (4, seq, seq)
    n = len(TOKENS)
    pairs = [(g, h) for g in range(4) for h in range(4) if g != h]
    mean = np.mean([0.5 * np.abs(weights[g] - weights[h]).sum(-1).mean() for g, h in pairs])
    shown = {metric.label: metric.value for metric in at.metric}
    assert shown[labels("en")["multihead.mean_distance"]] == f"{mean:.0%}"
    grid = next(f for f in chart_frames(at) if "head" in f.columns)
    assert len(grid) == 4 * n * n
    np.testing.assert_allclose(
        grid["value"].to_numpy(float), np.round(weights, 4).ravel(), atol=1e-6
    )


def test_attention_page_step_tabs_show_dot_products_then_scaled_scores():
    """Steps 1 and 2 sit in lazy tabs: each, when open, draws Q Kᵀ or Q Kᵀ / √d_k (d_k = 16)."""
    from core.pipeline import run_pipeline

    trace = run_pipeline(SENTENCE, 16, 1, 0)
    q, k = trace.x @ trace.params.w_q, trace.x @ trace.params.w_k  # (seq_len, d_model) each
    n = len(TOKENS)
    at = run_page("attention", "en", shared_text=SENTENCE, shared_d_model=16)
    assert at.session_state["attn_steps"] == labels("en")["attention.tab_dot"]  # step 1 open
    first_row = f"0·{TOKENS[0]}"
    # The first n² heatmap is step 1's (the weights chart, also n², comes after it).
    dots = frame_with_rows(at, first_row, n * n)
    np.testing.assert_allclose(dots["value"].to_numpy(float), (q @ k.T).ravel(), atol=1e-3)
    at.session_state["attn_steps"] = labels("en")["attention.tab_scale"]
    at.run()
    assert not at.exception
    scaled = frame_with_rows(at, first_row, n * n)
    np.testing.assert_allclose(scaled["value"].to_numpy(float), (q @ k.T).ravel() / 4, atol=1e-3)
    assert labels("en")["attention.tab_scale"] == at.session_state["attn_steps"]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_multihead_page_with_one_head_says_there_is_nothing_to_compare(lang):
    """One head: the distance and the one-big-head comparison give way to a notice each, and no
    chart compares heads (the grid and the head's own matrices stay)."""
    one = run_page("multihead", lang, shared_text=SENTENCE, shared_d_model=16, shared_n_heads=1)
    notice = labels(lang)["multihead.one_head"]
    assert not one.exception
    assert [info.value for info in one.info].count(notice) == 2
    assert not one.metric  # no mean distance of a single head
    four = run_page("multihead", lang, shared_text=SENTENCE, shared_d_model=16, shared_n_heads=4)
    assert notice not in [info.value for info in four.info]
    assert len(chart_frames(one)) == len(chart_frames(four)) - 3  # D, single head, average
