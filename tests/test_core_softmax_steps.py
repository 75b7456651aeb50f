"""core.softmax_steps against softmax written out with math.exp, key by key."""

import math

import numpy as np
import pytest

from core.softmax_steps import softmax_steps, unscaled_weights


def written_out(row: list[float]) -> list[float]:
    """e^{x_j} / Σ_k e^{x_k}, the textbook formula, blocked keys (−inf) weight 0."""
    exps = [0.0 if x == -math.inf else math.exp(x) for x in row]
    return [e / sum(exps) for e in exps]


def test_weights_are_the_formula_written_out():
    row = [1.5, -0.25, 3.0, 0.0]
    steps = softmax_steps(np.array(row))
    np.testing.assert_allclose(steps.weights, written_out(row), rtol=1e-12)


def test_exps_are_shifted_by_the_largest_score_and_sum_to_the_total():
    row = [2.0, -1.0, 0.5]
    steps = softmax_steps(np.array(row))
    assert steps.largest == 2.0
    np.testing.assert_allclose(steps.exps, [1.0, math.exp(-3.0), math.exp(-1.5)], rtol=1e-12)
    assert steps.total == pytest.approx(1.0 + math.exp(-3.0) + math.exp(-1.5), rel=1e-12)
    np.testing.assert_allclose(steps.weights, steps.exps / steps.total)


def test_large_scores_do_not_overflow():
    steps = softmax_steps(np.array([1000.0, 999.0]))
    assert np.isfinite(steps.exps).all()
    np.testing.assert_allclose(steps.weights, [1 / (1 + math.exp(-1)), 1 / (1 + math.e)])


def test_a_blocked_key_gets_zero_and_the_others_still_sum_to_one():
    steps = softmax_steps(np.array([0.3, -np.inf, 1.2]))
    assert steps.exps[1] == 0.0 and steps.weights[1] == 0.0
    np.testing.assert_allclose(steps.weights, written_out([0.3, -math.inf, 1.2]), rtol=1e-12)


def test_without_scaling_softmax_takes_the_raw_dot_products_over_the_same_keys():
    dots = np.array([8.0, 2.0, -4.0])
    scores = np.array([1.0, 0.25, -np.inf])  # ÷ √64, the last key blocked
    np.testing.assert_allclose(
        unscaled_weights(dots, scores), written_out([8.0, 2.0, -math.inf]), rtol=1e-12
    )


def test_without_scaling_the_weights_are_sharper():
    rng = np.random.default_rng(0)
    dots = rng.normal(size=12) * 8.0  # q·k at d_k = 64: spread ≈ √64
    scaled = softmax_steps(dots / 8.0).weights
    assert unscaled_weights(dots, dots / 8.0).max() > scaled.max()
