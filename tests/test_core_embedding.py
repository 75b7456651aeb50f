"""Token embedding: a seeded lookup table, scaled by √d_model, stable across processes."""

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from core.embedding import embed, token_row

ROOT = Path(__file__).resolve().parents[1]
SENTENCE = ("the", "cat", "saw", "the", "dog", ".")


def test_vocab_is_in_first_seen_order():
    assert embed(SENTENCE, 8).vocab == ("the", "cat", "saw", "dog", ".")


def test_token_ids_point_into_vocab():
    trace = embed(SENTENCE, 8)
    assert trace.token_ids.tolist() == [0, 1, 2, 0, 3, 4]


def test_token_ids_shape_is_seq_len():
    assert embed(SENTENCE, 8).token_ids.shape == (len(SENTENCE),)


def test_table_shape_is_vocab_size_by_d_model():
    assert embed(SENTENCE, 12).table.shape == (5, 12)


def test_vectors_shape_is_seq_len_by_d_model():
    assert embed(SENTENCE, 12).vectors.shape == (len(SENTENCE), 12)


def test_vectors_are_table_rows_times_sqrt_d_model():
    d_model = 16
    trace = embed(SENTENCE, d_model)
    for position, token in enumerate(SENTENCE):
        row = trace.table[trace.vocab.index(token)]
        for column in range(d_model):
            expected = row[column] * math.sqrt(d_model)
            assert abs(trace.vectors[position, column] - expected) <= 1e-12


def test_scale_is_sqrt_d_model():
    assert embed(SENTENCE, 64).scale == 8.0


def test_repeated_token_gets_the_same_vector_in_one_sentence():
    vectors = embed(SENTENCE, 16).vectors
    np.testing.assert_array_equal(vectors[0], vectors[3])


def test_same_word_in_two_sentences_gets_the_same_vector():
    a = embed(("a", "cat", "sleeps"), 16, seed=5)
    b = embed(("my", "old", "grey", "cat"), 16, seed=5)
    np.testing.assert_array_equal(a.vectors[1], b.vectors[3])


def test_table_rows_are_the_tokens_own_rows():
    trace = embed(SENTENCE, 16, seed=2)
    for i, token in enumerate(trace.vocab):
        np.testing.assert_array_equal(trace.table[i], token_row(token, 16, seed=2))


def test_different_seeds_give_different_vectors():
    a = embed(SENTENCE, 16, seed=0).vectors
    b = embed(SENTENCE, 16, seed=1).vectors
    assert not np.allclose(a, b)


def test_different_tokens_get_different_vectors():
    vectors = embed(("cat", "dog"), 16).vectors
    assert not np.allclose(vectors[0], vectors[1])


def test_scaled_entries_are_about_unit_variance():
    tokens = tuple(f"token{i}" for i in range(400))
    vectors = embed(tokens, 64, seed=0).vectors  # 25 600 entries
    assert abs(vectors.mean()) < 0.05
    assert 0.9 < vectors.std() < 1.1


def test_vectors_are_float64():
    assert embed(SENTENCE, 8).vectors.dtype == np.float64


def test_empty_sentence_gives_empty_arrays():
    trace = embed((), 8)
    assert (trace.vocab, trace.token_ids.shape, trace.table.shape, trace.vectors.shape) == (
        (),
        (0,),
        (0, 8),
        (0, 8),
    )


# --- determinism across processes ----------------------------------------------------------

SCRIPT = """
import numpy as np
from core.embedding import embed
print(hash("salted"))
print(embed(("나는", "cat", "👩\\u200d💻", "cat", "."), 32, seed=7).vectors.tobytes().hex())
"""


def run_in_fresh_process(hash_seed: str) -> list[str]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.split()


def test_vectors_are_bit_identical_across_processes_with_different_hash_seeds():
    first, second = run_in_fresh_process("1"), run_in_fresh_process("2")
    assert first[0] != second[0], "the two processes should salt hash() differently"
    assert first[1] == second[1]


def test_vectors_in_a_fresh_process_match_this_process():
    _, vectors_hex = run_in_fresh_process("3")
    here = embed(("나는", "cat", "👩\u200d💻", "cat", "."), 32, seed=7).vectors
    assert vectors_hex == here.tobytes().hex()
