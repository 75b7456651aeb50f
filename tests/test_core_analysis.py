"""Measurements for reading traces: cosine, PCA, entropy, head distance, the scaling experiment."""

import math

import numpy as np
import pytest

from core.analysis import cosine_similarity, entropy, head_distance, pca_2d, position_similarity
from core.experiments import scaling_experiment
from core.positional import sinusoidal_encoding


@pytest.fixture
def rng():
    return np.random.default_rng(99)


# --- cosine similarity ---------------------------------------------------------------------


def test_cosine_similarity_matches_loop_formula(rng):
    vectors = rng.standard_normal((5, 7))
    engine = cosine_similarity(vectors)
    for a in range(5):
        for b in range(5):
            dot = sum(vectors[a, t] * vectors[b, t] for t in range(7))
            norm_a = math.sqrt(sum(vectors[a, t] ** 2 for t in range(7)))
            norm_b = math.sqrt(sum(vectors[b, t] ** 2 for t in range(7)))
            assert abs(engine[a, b] - dot / (norm_a * norm_b)) <= 1e-9


def test_cosine_similarity_of_parallel_and_opposite_vectors():
    engine = cosine_similarity(np.array([[1.0, 2.0], [3.0, 6.0], [-2.0, -4.0], [2.0, -1.0]]))
    assert engine[0, 1] == pytest.approx(1.0)
    assert engine[0, 2] == pytest.approx(-1.0)
    assert engine[0, 3] == pytest.approx(0.0, abs=1e-12)


def test_cosine_similarity_of_a_zero_vector_is_zero_not_nan():
    engine = cosine_similarity(np.array([[0.0, 0.0], [1.0, 1.0]]))
    assert not np.isnan(engine).any()
    assert engine[0, 1] == 0.0


# --- PCA -----------------------------------------------------------------------------------


def anisotropic_cloud(rng, n=40):
    """Points whose spread differs clearly along each axis, then rotated."""
    raw = rng.standard_normal((n, 5)) * np.array([5.0, 3.0, 1.0, 0.5, 0.1])
    rotation, _ = np.linalg.qr(rng.standard_normal((5, 5)))
    return raw @ rotation + 10.0  # an offset that PCA must remove


def covariance_pca(vectors):
    """PCA by eigen-decomposition of the covariance matrix, largest eigenvalues first."""
    centred = vectors - vectors.mean(axis=0)
    eigenvalues, eigenvectors = np.linalg.eigh(np.cov(centred, rowvar=False))
    order = np.argsort(eigenvalues)[::-1]
    eigenvalues, eigenvectors = eigenvalues[order], eigenvectors[:, order]
    return centred @ eigenvectors[:, :2], eigenvalues[:2] / eigenvalues.sum()


def test_pca_explained_ratios_match_covariance_eigenvalues(rng):
    vectors = anisotropic_cloud(rng)
    _, expected = covariance_pca(vectors)
    np.testing.assert_allclose(pca_2d(vectors).explained, expected, rtol=0, atol=1e-9)


def test_pca_points_match_covariance_projection_up_to_sign_per_axis(rng):
    vectors = anisotropic_cloud(rng)
    expected, _ = covariance_pca(vectors)
    points = pca_2d(vectors).points
    for axis in range(2):
        same = np.allclose(points[:, axis], expected[:, axis], rtol=0, atol=1e-9)
        flipped = np.allclose(points[:, axis], -expected[:, axis], rtol=0, atol=1e-9)
        assert same or flipped


def test_pca_points_are_centred(rng):
    points = pca_2d(anisotropic_cloud(rng)).points
    np.testing.assert_allclose(points.mean(axis=0), 0.0, rtol=0, atol=1e-9)


def test_pca_explained_shares_are_between_zero_and_one_in_order(rng):
    explained = pca_2d(anisotropic_cloud(rng)).explained
    assert 1.0 >= explained[0] >= explained[1] >= 0.0
    assert explained.sum() <= 1.0 + 1e-12


def test_pca_of_points_on_a_line_keeps_everything_in_one_axis():
    vectors = np.outer(np.arange(6.0), [1.0, 2.0, 3.0])
    projection = pca_2d(vectors)
    np.testing.assert_allclose(projection.explained, [1.0, 0.0], rtol=0, atol=1e-12)


@pytest.mark.parametrize("vectors", [np.ones((1, 4)), np.ones((3, 4))])
def test_pca_without_spread_gives_zeros_not_nan(vectors):
    projection = pca_2d(vectors)
    assert projection.points.shape == (len(vectors), 2)
    assert np.all(projection.points == 0.0)
    assert np.all(projection.explained == 0.0)


# --- entropy -------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 5, 32])
def test_entropy_of_uniform_row_is_log_n(n):
    assert entropy(np.full((1, n), 1.0 / n))[0] == pytest.approx(math.log(n), abs=1e-12)


def test_entropy_of_one_hot_row_is_zero():
    assert entropy(np.array([[0.0, 1.0, 0.0, 0.0]]))[0] == 0.0


def test_entropy_matches_loop_formula(rng):
    weights = rng.dirichlet(np.ones(6), size=4)
    engine = entropy(weights)
    for row in range(4):
        expected = -sum(p * math.log(p) for p in weights[row] if p > 0)
        assert abs(engine[row] - expected) <= 1e-12


def test_entropy_keeps_leading_axes():
    assert entropy(np.full((3, 4, 5), 0.2)).shape == (3, 4)


# --- head distance -------------------------------------------------------------------------


def test_head_distance_of_identical_heads_is_zero(rng):
    head = rng.dirichlet(np.ones(5), size=5)
    distance = head_distance(np.stack([head, head]))
    assert distance[0, 1] == 0.0


def test_head_distance_of_disjoint_one_hot_heads_is_one():
    first = np.eye(4)  # each token looks at itself
    second = np.roll(np.eye(4), 1, axis=1)  # each token looks at the next one
    distance = head_distance(np.stack([first, second]))
    assert distance[0, 1] == pytest.approx(1.0)


def test_head_distance_is_symmetric_with_zero_diagonal(rng):
    weights = rng.dirichlet(np.ones(6), size=(4, 6))  # (n_heads, seq, seq)
    distance = head_distance(weights)
    np.testing.assert_allclose(distance, distance.T, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(np.diag(distance), 0.0)


def test_head_distance_matches_loop_total_variation(rng):
    weights = rng.dirichlet(np.ones(5), size=(3, 5))
    distance = head_distance(weights)
    for g in range(3):
        for h in range(3):
            per_row = [
                0.5 * sum(abs(weights[g, q, k] - weights[h, q, k]) for k in range(5))
                for q in range(5)
            ]
            assert abs(distance[g, h] - sum(per_row) / 5) <= 1e-12


# --- position similarity -------------------------------------------------------------------


def test_position_similarity_diagonal_is_half_d_model():
    similarity = position_similarity(sinusoidal_encoding(10, 64))
    np.testing.assert_allclose(np.diag(similarity), 32.0, rtol=0, atol=1e-9)


def test_position_similarity_falls_off_for_nearby_positions():
    row = position_similarity(sinusoidal_encoding(32, 64))[10]
    assert row[10] > row[11] > row[12] > row[13] > row[14]
    assert row[10] > row[9] > row[8] > row[7] > row[6]


# --- the scaling experiment ----------------------------------------------------------------

D_KS = [4, 16, 64, 256, 1024]


@pytest.fixture(scope="module")
def scaling():
    return scaling_experiment(D_KS, seq_len=16, seed=0)


def test_unscaled_max_weight_grows_with_d_k(scaling):
    assert np.all(np.diff(scaling.max_weight_unscaled) > 0)
    assert scaling.max_weight_unscaled[-1] > 0.9


def test_unscaled_entropy_drops_with_d_k(scaling):
    assert np.all(np.diff(scaling.entropy_unscaled) < 0)
    assert scaling.entropy_unscaled[-1] < 0.2


def test_scaled_max_weight_stays_roughly_flat(scaling):
    assert np.ptp(scaling.max_weight_scaled) < 0.05


def test_scaled_entropy_stays_roughly_flat(scaling):
    assert np.ptp(scaling.entropy_scaled) < 0.1
    assert np.all(scaling.entropy_scaled < scaling.uniform_entropy)


def test_raw_dot_product_spread_grows_like_sqrt_d_k(scaling):
    np.testing.assert_allclose(scaling.dot_std, np.sqrt(D_KS), rtol=0.1)


def test_scaling_experiment_reports_the_sizes_and_uniform_entropy(scaling):
    assert scaling.d_k.tolist() == D_KS
    assert scaling.uniform_entropy == pytest.approx(math.log(16))


def test_select_head_is_that_heads_attention_alone():
    from core.analysis import select_head
    from core.attention import init_params, multi_head_attention, scaled_dot_product_attention

    x = np.random.default_rng(3).normal(size=(5, 12))
    params = init_params(12, 3, seed=1)
    trace = multi_head_attention(x, params)
    one = select_head(trace, 2)
    cols = slice(8, 12)  # head 2 owns columns 8 … 11 of W_Q, W_K, W_V
    expected = scaled_dot_product_attention(
        x @ params.w_q[:, cols], x @ params.w_k[:, cols], x @ params.w_v[:, cols]
    )
    np.testing.assert_allclose(one.weights[0], expected.weights, atol=1e-12)
    np.testing.assert_allclose(one.heads[0], expected.output, atol=1e-12)
    assert one.weights.shape == (1, 5, 5) and one.q.shape == (1, 5, 4)


def test_strongest_look_finds_the_largest_weight_of_a_query_row():
    from core.analysis import strongest_look

    layer0 = np.full((2, 3, 3), 1 / 3)
    layer1 = np.full((2, 3, 3), 1 / 3)
    layer1[1, 2] = [0.05, 0.9, 0.05]  # layer 1, head 1: query 2 looks at key 1
    look = strongest_look([layer0, layer1], query=2)
    assert (look.layer, look.head, look.key) == (1, 1, 1)
    assert look.weight == pytest.approx(0.9)
    assert strongest_look([layer0, layer1], query=0).weight == pytest.approx(1 / 3)
    only_0_and_2 = strongest_look([layer0, layer1], query=2, keys=[0, 2])
    assert only_0_and_2.key in (0, 2) and only_0_and_2.weight == pytest.approx(1 / 3)
