"""Positional encoding: the paper's sinusoids written out by hand, and the learned table."""

import math

import numpy as np
import pytest

from core.positional import learned_encoding, sinusoidal_encoding


def paper_formula(seq_len: int, d_model: int) -> list[list[float]]:
    """PE(pos, 2i) = sin(pos / 10000^(2i/d_model)), PE(pos, 2i+1) = cos(same), one by one."""
    table = [[0.0] * d_model for _ in range(seq_len)]
    for pos in range(seq_len):
        for i in range((d_model + 1) // 2):
            angle = pos / 10000 ** (2 * i / d_model)
            table[pos][2 * i] = math.sin(angle)
            if 2 * i + 1 < d_model:
                table[pos][2 * i + 1] = math.cos(angle)
    return table


def column_index_mistake(seq_len: int, d_model: int) -> list[list[float]]:
    """A known mistake: exponent j/d_model with the column j, not 2i/d_model with the pair i."""
    table = [[0.0] * d_model for _ in range(seq_len)]
    for pos in range(seq_len):
        for j in range(d_model):
            angle = pos / 10000 ** (j / d_model)
            table[pos][j] = math.sin(angle) if j % 2 == 0 else math.cos(angle)
    return table


@pytest.mark.parametrize(("seq_len", "d_model"), [(1, 2), (10, 4), (32, 64), (7, 5), (12, 33)])
def test_sinusoidal_matches_paper_formula_element_by_element(seq_len, d_model):
    engine = sinusoidal_encoding(seq_len, d_model)
    expected = paper_formula(seq_len, d_model)
    for pos in range(seq_len):
        for column in range(d_model):
            assert abs(engine[pos, column] - expected[pos][column]) <= 1e-9


def test_sinusoidal_handles_odd_d_model_with_a_final_sine_column():
    engine = sinusoidal_encoding(6, 7)
    for pos in range(6):
        assert abs(engine[pos, 6] - math.sin(pos / 10000 ** (6 / 7))) <= 1e-9


def test_sinusoidal_shape_and_dtype():
    engine = sinusoidal_encoding(9, 16)
    assert (engine.shape, engine.dtype) == ((9, 16), np.float64)


def test_sinusoidal_position_zero_is_alternating_zero_and_one():
    assert sinusoidal_encoding(1, 6).tolist() == [[0.0, 1.0, 0.0, 1.0, 0.0, 1.0]]


def test_column_index_mistake_differs_from_engine():
    engine = sinusoidal_encoding(16, 32)
    mistake = np.array(column_index_mistake(16, 32))
    assert np.abs(engine - mistake).max() > 0.1


def test_paper_formula_matches_engine_where_column_mistake_does_not():
    engine = sinusoidal_encoding(16, 32)
    assert np.allclose(engine, paper_formula(16, 32), rtol=0, atol=1e-9)
    assert not np.allclose(engine, column_index_mistake(16, 32), rtol=0, atol=1e-3)


def test_sine_and_cosine_of_a_pair_share_one_frequency():
    # sin² + cos² = 1 holds for columns (2i, 2i+1) only if both use the same angle
    engine = sinusoidal_encoding(20, 10)
    pair_norms = engine[:, 0::2] ** 2 + engine[:, 1::2] ** 2
    np.testing.assert_allclose(pair_norms, 1.0, rtol=0, atol=1e-12)


def test_learned_encoding_shape_and_dtype():
    table = learned_encoding(9, 16, seed=3)
    assert (table.shape, table.dtype) == ((9, 16), np.float64)


def test_learned_encoding_same_seed_same_table():
    np.testing.assert_array_equal(learned_encoding(9, 16, seed=3), learned_encoding(9, 16, seed=3))


def test_learned_encoding_different_seed_different_table():
    assert not np.allclose(learned_encoding(9, 16, seed=3), learned_encoding(9, 16, seed=4))


def test_learned_encoding_row_does_not_depend_on_seq_len():
    short, long = learned_encoding(5, 16, seed=1), learned_encoding(30, 16, seed=1)
    np.testing.assert_array_equal(short, long[:5])


def test_learned_encoding_entries_have_variance_one_half():
    table = learned_encoding(400, 64, seed=0)  # 25 600 entries
    assert abs(table.mean()) < 0.05
    assert 0.45 < table.var() < 0.55
