"""Attention against loop-by-loop references, plus the mistakes other teaching code makes."""

import math

import numpy as np
import pytest

from core.attention import (
    causal_mask,
    init_params,
    multi_head_attention,
    scaled_dot_product_attention,
    valid_head_counts,
)
from core.pipeline import run_pipeline

DEFAULT_SENTENCE = "The animal didn't cross the street because it was too tired"


def loop_attention(q, k, v, mask=None, scale=None):
    """softmax(q kᵀ / scale) v one row at a time, with math.exp and explicit sums.

    mask[i][j] True = blocked. scale defaults to √d_k. Returns (weights, output) as arrays.
    """
    seq_q, d_k = q.shape
    seq_k, d_v = v.shape
    scale = math.sqrt(d_k) if scale is None else scale
    weights = [[0.0] * seq_k for _ in range(seq_q)]
    output = [[0.0] * d_v for _ in range(seq_q)]
    for i in range(seq_q):
        scores = []
        for j in range(seq_k):
            if mask is not None and mask[i][j]:
                scores.append(None)
                continue
            dot = 0.0
            for t in range(d_k):
                dot += float(q[i, t]) * float(k[j, t])
            scores.append(dot / scale)
        allowed = [s for s in scores if s is not None]
        if not allowed:
            continue  # a fully blocked row attends to nothing
        top = max(allowed)
        exps = [0.0 if s is None else math.exp(s - top) for s in scores]
        total = sum(exps)
        weights[i] = [e / total for e in exps]
        for c in range(d_v):
            output[i][c] = sum(weights[i][j] * float(v[j, c]) for j in range(seq_k))
    return np.array(weights), np.array(output)


def loop_multi_head(x, params, scale_by=None):
    """Per head: slice columns of x@w, loop attention, concatenate, @ w_o.

    scale_by=None divides by √d_head (the paper); pass d_model to get the known mistake.
    """
    d_model = x.shape[1]
    d_head = d_model // params.n_heads
    q_all, k_all, v_all = x @ params.w_q, x @ params.w_k, x @ params.w_v
    scale = math.sqrt(d_head if scale_by is None else scale_by)
    weights, heads = [], []
    for h in range(params.n_heads):
        cols = slice(h * d_head, (h + 1) * d_head)
        w, out = loop_attention(q_all[:, cols], k_all[:, cols], v_all[:, cols], scale=scale)
        weights.append(w)
        heads.append(out)
    concat = np.concatenate(heads, axis=1)  # (seq_len, d_model)
    return np.array(weights), np.array(heads), concat, concat @ params.w_o


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


# --- scaled dot-product attention ----------------------------------------------------------


@pytest.mark.parametrize(
    ("seq_q", "seq_k", "d_k", "d_v"), [(5, 5, 4, 4), (3, 6, 7, 2), (1, 1, 1, 1)]
)
def test_sdpa_matches_loop_reference(rng, seq_q, seq_k, d_k, d_v):
    q, k = rng.standard_normal((seq_q, d_k)), rng.standard_normal((seq_k, d_k))
    v = rng.standard_normal((seq_k, d_v))
    weights, output = loop_attention(q, k, v)
    trace = scaled_dot_product_attention(q, k, v)
    np.testing.assert_allclose(trace.weights, weights, rtol=0, atol=1e-9)
    np.testing.assert_allclose(trace.output, output, rtol=0, atol=1e-9)


def test_sdpa_batched_over_heads_matches_loop_reference_per_head(rng):
    q, k, v = rng.standard_normal((3, 3, 6, 5))  # each (heads, seq, d)
    trace = scaled_dot_product_attention(q, k, v)
    for h in range(3):
        weights, output = loop_attention(q[h], k[h], v[h])
        np.testing.assert_allclose(trace.weights[h], weights, rtol=0, atol=1e-9)
        np.testing.assert_allclose(trace.output[h], output, rtol=0, atol=1e-9)


def test_sdpa_dot_products_and_scores_follow_the_formula(rng):
    q, k, v = rng.standard_normal((3, 4, 9))
    trace = scaled_dot_product_attention(q, k, v)
    for i in range(4):
        for j in range(4):
            dot = sum(q[i, t] * k[j, t] for t in range(9))
            assert abs(trace.dot_products[i, j] - dot) <= 1e-9
            assert abs(trace.scores[i, j] - dot / 3.0) <= 1e-9


def test_sdpa_with_causal_mask_matches_loop_reference(rng):
    q, k, v = rng.standard_normal((3, 6, 4))
    mask = causal_mask(6)
    weights, output = loop_attention(q, k, v, mask)
    trace = scaled_dot_product_attention(q, k, v, mask)
    np.testing.assert_allclose(trace.weights, weights, rtol=0, atol=1e-9)
    np.testing.assert_allclose(trace.output, output, rtol=0, atol=1e-9)


def test_masked_entries_get_minus_infinity_scores(rng):
    q, k, v = rng.standard_normal((3, 4, 3))
    mask = np.array([[False, True, False, True]] * 4)
    scores = scaled_dot_product_attention(q, k, v, mask).scores
    assert np.all(scores[mask] == -np.inf)
    assert np.all(np.isfinite(scores[~mask]))


def test_masked_entries_get_zero_weight(rng):
    q, k, v = rng.standard_normal((3, 4, 3))
    mask = np.array([[False, True, False, True]] * 4)
    weights = scaled_dot_product_attention(q, k, v, mask).weights
    assert np.all(weights[mask] == 0.0)
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=0, atol=1e-12)


def test_fully_blocked_row_gives_no_nan(rng):
    q, k, v = rng.standard_normal((3, 4, 3))
    mask = np.zeros((4, 4), dtype=bool)
    mask[2] = True
    trace = scaled_dot_product_attention(q, k, v, mask)
    assert not np.isnan(trace.weights).any()
    assert not np.isnan(trace.output).any()


def test_fully_blocked_row_has_zero_weights_and_zero_output(rng):
    q, k, v = rng.standard_normal((3, 4, 3))
    mask = np.zeros((4, 4), dtype=bool)
    mask[2] = True
    trace = scaled_dot_product_attention(q, k, v, mask)
    assert np.all(trace.weights[2] == 0.0)
    assert np.all(trace.output[2] == 0.0)


def test_causal_mask_blocks_exactly_the_future():
    expected = [[j > i for j in range(5)] for i in range(5)]
    assert causal_mask(5).tolist() == expected


# --- multi-head attention ------------------------------------------------------------------


@pytest.mark.parametrize(("seq_len", "d_model", "n_heads"), [(6, 8, 2), (5, 12, 3), (4, 16, 1)])
def test_multi_head_matches_loop_reference(rng, seq_len, d_model, n_heads):
    x = rng.standard_normal((seq_len, d_model))
    params = init_params(d_model, n_heads, seed=3)
    weights, heads, concat, output = loop_multi_head(x, params)
    trace = multi_head_attention(x, params)
    np.testing.assert_allclose(trace.weights, weights, rtol=0, atol=1e-9)
    np.testing.assert_allclose(trace.heads, heads, rtol=0, atol=1e-9)
    np.testing.assert_allclose(trace.concat, concat, rtol=0, atol=1e-9)
    np.testing.assert_allclose(trace.output, output, rtol=0, atol=1e-9)


def test_multi_head_q_k_v_are_column_slices_of_the_projections(rng):
    x = rng.standard_normal((5, 12))
    params = init_params(12, 3, seed=0)
    trace = multi_head_attention(x, params)
    for h in range(3):
        cols = slice(h * 4, (h + 1) * 4)
        np.testing.assert_allclose(trace.q[h], (x @ params.w_q)[:, cols], rtol=0, atol=1e-12)
        np.testing.assert_allclose(trace.k[h], (x @ params.w_k)[:, cols], rtol=0, atol=1e-12)
        np.testing.assert_allclose(trace.v[h], (x @ params.w_v)[:, cols], rtol=0, atol=1e-12)


def test_multi_head_trace_shapes_are_as_documented(rng):
    seq_len, d_model, n_heads = 7, 12, 3
    d_head = d_model // n_heads
    trace = multi_head_attention(rng.standard_normal((seq_len, d_model)), init_params(12, 3))
    assert trace.q.shape == (n_heads, seq_len, d_head)
    assert trace.k.shape == (n_heads, seq_len, d_head)
    assert trace.v.shape == (n_heads, seq_len, d_head)
    assert trace.dot_products.shape == (n_heads, seq_len, seq_len)
    assert trace.scores.shape == (n_heads, seq_len, seq_len)
    assert trace.weights.shape == (n_heads, seq_len, seq_len)
    assert trace.heads.shape == (n_heads, seq_len, d_head)
    assert trace.concat.shape == (seq_len, d_model)
    assert trace.output.shape == (seq_len, d_model)


def test_sdpa_trace_shapes_are_as_documented(rng):
    q, k = rng.standard_normal((3, 7)), rng.standard_normal((5, 7))
    trace = scaled_dot_product_attention(q, k, rng.standard_normal((5, 2)))
    assert trace.dot_products.shape == (3, 5)
    assert trace.scores.shape == (3, 5)
    assert trace.weights.shape == (3, 5)
    assert trace.output.shape == (3, 2)


def test_multi_head_outputs_are_float64(rng):
    trace = multi_head_attention(rng.standard_normal((4, 8)), init_params(8, 2))
    assert trace.weights.dtype == np.float64 and trace.output.dtype == np.float64


# --- known mistake 1: scaling by √d_model instead of √d_head -----------------------------------


def test_multi_head_scores_are_dot_products_over_sqrt_d_head(rng):
    trace = multi_head_attention(rng.standard_normal((6, 16)), init_params(16, 4, seed=1))
    np.testing.assert_allclose(trace.scores, trace.dot_products / math.sqrt(4), rtol=1e-12)


def test_multi_head_dot_products_are_per_head_q_dot_k(rng):
    x = rng.standard_normal((5, 16))
    params = init_params(16, 4, seed=1)
    trace = multi_head_attention(x, params)
    q_all, k_all = x @ params.w_q, x @ params.w_k
    for h in range(4):
        cols = slice(h * 4, (h + 1) * 4)
        np.testing.assert_allclose(
            trace.dot_products[h], q_all[:, cols] @ k_all[:, cols].T, rtol=0, atol=1e-12
        )


def test_multi_head_is_not_scaled_by_sqrt_d_model(rng):
    x = rng.standard_normal((6, 16)) * 2
    params = init_params(16, 4, seed=1)
    mistake_weights, *_ = loop_multi_head(x, params, scale_by=16)
    right_weights, *_ = loop_multi_head(x, params)
    engine = multi_head_attention(x, params).weights
    assert np.abs(engine - mistake_weights).max() > 1e-3
    np.testing.assert_allclose(engine, right_weights, rtol=0, atol=1e-9)


# --- known mistake 2: softmax over the query axis ------------------------------------------


def test_weight_rows_sum_to_one(rng):
    weights = multi_head_attention(rng.standard_normal((6, 8)), init_params(8, 2)).weights
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=0, atol=1e-12)


def test_weight_columns_do_not_all_sum_to_one(rng):
    weights = multi_head_attention(rng.standard_normal((6, 8)), init_params(8, 2)).weights
    assert np.abs(weights.sum(axis=-2) - 1.0).max() > 1e-2


def test_softmax_is_not_taken_over_the_query_axis(rng):
    q, k, v = rng.standard_normal((3, 5, 4))
    scores = q @ k.T / 2.0
    column_softmax = np.exp(scores - scores.max(axis=0)) / np.exp(scores - scores.max(axis=0)).sum(
        axis=0
    )  # the mistake: each *column* sums to 1
    weights = scaled_dot_product_attention(q, k, v).weights
    assert np.abs(weights - column_softmax).max() > 1e-3


# --- parameters ----------------------------------------------------------------------------


@pytest.mark.parametrize("d_model", [4, 16, 64])
def test_init_params_respects_xavier_uniform_bound(d_model):
    params = init_params(d_model, 1, seed=0)
    bound = math.sqrt(6 / (2 * d_model))
    for w in (params.w_q, params.w_k, params.w_v, params.w_o):
        assert np.abs(w).max() <= bound


def test_init_params_fill_the_xavier_range():
    params = init_params(64, 4, seed=0)
    bound = math.sqrt(6 / 128)
    w = np.stack([params.w_q, params.w_k, params.w_v, params.w_o])
    assert np.abs(w).max() > 0.99 * bound
    assert abs(w.var() - bound**2 / 3) < 0.05 * bound**2 / 3  # U(-a, a) has variance a²/3


def test_init_params_shapes_are_d_model_square():
    params = init_params(12, 3)
    for w in (params.w_q, params.w_k, params.w_v, params.w_o):
        assert w.shape == (12, 12)


def test_init_params_matrices_are_independent_of_each_other():
    params = init_params(16, 2)
    assert not np.allclose(params.w_q, params.w_k)
    assert not np.allclose(params.w_k, params.w_v)
    assert not np.allclose(params.w_v, params.w_o)


def test_init_params_weights_do_not_depend_on_n_heads():
    one, eight = init_params(64, 1, seed=0), init_params(64, 8, seed=0)
    for name in ("w_q", "w_k", "w_v", "w_o"):
        np.testing.assert_array_equal(getattr(one, name), getattr(eight, name))


def test_init_params_same_seed_same_weights():
    np.testing.assert_array_equal(init_params(16, 2, seed=9).w_q, init_params(16, 2, seed=9).w_q)


def test_init_params_different_seed_different_weights():
    assert not np.allclose(init_params(16, 2, seed=0).w_q, init_params(16, 2, seed=1).w_q)


def test_init_params_d_head_is_d_model_over_n_heads():
    params = init_params(64, 4)
    assert (params.d_model, params.n_heads, params.d_head) == (64, 4, 16)


def test_head_count_that_does_not_divide_d_model_raises_with_helpful_message():
    with pytest.raises(ValueError) as info:
        init_params(64, 3)
    message = str(info.value)
    assert "3" in message and "64" in message
    assert "divide" in message
    assert "[1, 2, 4, 8, 16]" in message  # suggests head counts that work


@pytest.mark.parametrize("n_heads", [0, -2])
def test_head_count_below_one_raises_with_helpful_message(n_heads):
    with pytest.raises(ValueError, match="at least 1"):
        init_params(64, n_heads)


def test_multi_head_attention_rejects_input_whose_width_heads_do_not_divide(rng):
    params = init_params(8, 4)
    with pytest.raises(ValueError, match="divide"):
        multi_head_attention(rng.standard_normal((3, 6)), params)


@pytest.mark.parametrize(
    ("d_model", "expected"),
    [(1, [1]), (12, [1, 2, 3, 4, 6, 12]), (64, [1, 2, 4, 8, 16, 32, 64]), (7, [1, 7])],
)
def test_valid_head_counts_are_the_divisors(d_model, expected):
    assert valid_head_counts(d_model) == expected


def test_valid_head_counts_respect_max_heads():
    assert valid_head_counts(64, max_heads=10) == [1, 2, 4, 8]


def test_valid_head_counts_each_build_params():
    for n_heads in valid_head_counts(24):
        assert init_params(24, n_heads).d_head * n_heads == 24


# --- at the app's default settings ---------------------------------------------------------


def test_default_settings_attention_is_neither_uniform_nor_one_hot():
    trace = run_pipeline(DEFAULT_SENTENCE, d_model=64, n_heads=4, seed=0)
    seq_len = len(trace.tokens)
    mean_max_weight = trace.attention.weights.max(axis=-1).mean()
    assert mean_max_weight > 1.5 / seq_len
    assert mean_max_weight < 0.9
