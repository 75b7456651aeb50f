"""Properties that must hold for any sizes, seeds and inputs (hypothesis)."""

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from core.attention import (
    init_params,
    multi_head_attention,
    scaled_dot_product_attention,
    valid_head_counts,
)
from core.embedding import embed
from core.experiments import order_experiment, shuffle_order
from core.positional import sinusoidal_encoding

D_MODELS = [1, 2, 4, 6, 8, 12, 16, 24, 32, 64]
APP_D_MODELS = [8, 16, 24, 32, 64]  # the app's slider moves in steps of 8
FEW = settings(max_examples=50, deadline=None)

seq_lens = st.integers(1, 12)
seeds = st.integers(0, 2**32 - 1)


def sizes_from(d_models: list[int]) -> st.SearchStrategy[tuple[int, int]]:
    """(d_model, n_heads) with n_heads one of the head counts that divide d_model."""
    return st.sampled_from(d_models).flatmap(
        lambda d_model: st.tuples(st.just(d_model), st.sampled_from(valid_head_counts(d_model)))
    )


sizes = sizes_from(D_MODELS)
app_sizes = sizes_from(APP_D_MODELS)  # a tiny d_model can make the outputs themselves tiny


@st.composite
def attention_cases(draw, low=-10.0, high=10.0):
    """(x, params): x of shape (seq_len, d_model) with entries in [low, high], seeded params."""
    seq_len, (d_model, n_heads), seed = draw(seq_lens), draw(sizes), draw(seeds)
    elements = st.floats(low, high, allow_nan=False, allow_infinity=False)
    x = draw(hnp.arrays(np.float64, (seq_len, d_model), elements=elements))
    return x, init_params(d_model, n_heads, seed)


def random_input(seq_len: int, d_model: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((seq_len, d_model)) * 3.0


@FEW
@given(case=attention_cases(), causal=st.booleans())
def test_weight_rows_sum_to_one(case, causal):
    x, params = case
    weights = multi_head_attention(x, params, causal).weights
    np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=0, atol=1e-12)


@FEW
@given(case=attention_cases(), causal=st.booleans())
def test_weights_are_non_negative(case, causal):
    x, params = case
    assert np.all(multi_head_attention(x, params, causal).weights >= 0.0)


@FEW
@given(case=attention_cases())
def test_causal_weights_are_zero_above_diagonal(case):
    x, params = case
    weights = multi_head_attention(x, params, causal=True).weights
    seq_len = x.shape[0]
    for i in range(seq_len):
        for j in range(i + 1, seq_len):
            assert np.all(weights[:, i, j] == 0.0)


@FEW
@given(case=attention_cases(low=-1e4, high=1e4), causal=st.booleans())
def test_large_inputs_give_no_nan_or_inf(case, causal):
    x, params = case
    trace = multi_head_attention(x, params, causal)
    assert np.all(np.isfinite(trace.weights))
    assert np.all(np.isfinite(trace.heads))
    assert np.all(np.isfinite(trace.output))


@FEW
@given(seq_len=seq_lens, d_model=st.sampled_from(D_MODELS), seed=seeds)
def test_one_head_is_single_head_attention_on_full_projections(seq_len, d_model, seed):
    x = random_input(seq_len, d_model, seed)
    params = init_params(d_model, 1, seed)
    single = scaled_dot_product_attention(x @ params.w_q, x @ params.w_k, x @ params.w_v)
    trace = multi_head_attention(x, params)
    np.testing.assert_allclose(trace.heads[0], single.output, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(trace.weights[0], single.weights, rtol=1e-12, atol=1e-12)


@FEW
@given(seq_len=seq_lens, size=sizes, seed=seeds, data=st.data())
def test_permuting_rows_without_positions_permutes_the_output(seq_len, size, seed, data):
    d_model, n_heads = size
    x = random_input(seq_len, d_model, seed)
    params = init_params(d_model, n_heads, seed)
    perm = np.array(data.draw(st.permutations(range(seq_len))), dtype=int)
    permuted = multi_head_attention(x[perm], params).output
    np.testing.assert_allclose(permuted, multi_head_attention(x, params).output[perm], atol=1e-9)


@FEW
@given(seq_len=st.integers(2, 12), size=app_sizes, seed=seeds, data=st.data())
def test_permuting_tokens_with_sinusoidal_positions_changes_the_output(seq_len, size, seed, data):
    d_model, n_heads = size
    perm = np.array(data.draw(st.permutations(range(seq_len))), dtype=int)
    assume(not np.array_equal(perm, np.arange(seq_len)))
    e = embed(tuple(f"w{i}" for i in range(seq_len)), d_model, seed).vectors
    pe = sinusoidal_encoding(seq_len, d_model)  # stays with the position, not the token
    params = init_params(d_model, n_heads, seed)
    permuted = multi_head_attention(e[perm] + pe, params).output
    original = multi_head_attention(e + pe, params).output
    assert np.abs(permuted - original[perm]).max() > 1e-3


@FEW
@given(seq_len=st.integers(2, 12), size=sizes, seed=seeds)
def test_order_experiment_gap_is_zero_without_positions(seq_len, size, seed):
    d_model, n_heads = size
    tokens = tuple(f"w{i}" for i in range(seq_len))
    assert order_experiment(tokens, d_model, n_heads, seed).gap_plain < 1e-9


@FEW
@given(seq_len=st.integers(2, 12), size=app_sizes, seed=seeds)
def test_order_experiment_gap_is_clear_with_positions(seq_len, size, seed):
    d_model, n_heads = size
    tokens = tuple(f"w{i}" for i in range(seq_len))
    assert order_experiment(tokens, d_model, n_heads, seed).gap_pe > 1e-3


@FEW
@given(seq_len=st.integers(1, 12), seed=seeds)
def test_order_experiment_shuffled_tokens_follow_perm(seq_len, seed):
    tokens = tuple(f"w{i}" for i in range(seq_len))
    trace = order_experiment(tokens, 8, 2, seed)
    assert trace.shuffled == tuple(tokens[i] for i in trace.perm)


@FEW
@given(seq_len=st.integers(0, 40), seed=seeds)
def test_shuffle_order_is_a_permutation_that_moves_something(seq_len, seed):
    perm = shuffle_order(seq_len, seed)
    assert sorted(perm.tolist()) == list(range(seq_len))
    if seq_len > 1:
        assert not np.array_equal(perm, np.arange(seq_len))
