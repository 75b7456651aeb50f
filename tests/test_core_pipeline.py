"""The whole path for one sentence: tokens → embedding → + position → attention."""

import math

import numpy as np
import pytest

from core.pipeline import encode_positions, run_pipeline
from core.tokenizer import tokenize

SENTENCE = "The animal didn't cross the street because it was too tired"


def test_pipeline_input_is_embedding_plus_positions():
    trace = run_pipeline(SENTENCE, d_model=16, n_heads=2, seed=1)
    np.testing.assert_array_equal(trace.x, trace.embedding.vectors + trace.positional)


def test_pipeline_positions_are_the_paper_sinusoids_by_default():
    trace = run_pipeline("a b c", d_model=4, n_heads=1)
    for pos in range(3):
        for i in range(2):
            angle = pos / 10000 ** (2 * i / 4)
            assert abs(trace.positional[pos, 2 * i] - math.sin(angle)) <= 1e-12
            assert abs(trace.positional[pos, 2 * i + 1] - math.cos(angle)) <= 1e-12


def test_pipeline_without_positions_adds_zeros():
    trace = run_pipeline(SENTENCE, d_model=8, n_heads=2, positional="none")
    np.testing.assert_array_equal(trace.x, trace.embedding.vectors)


def test_unknown_positional_kind_raises_value_error():
    with pytest.raises(ValueError, match="sinusoidal"):
        encode_positions(3, 8, "rotary")


def test_pipeline_projections_are_x_times_weights():
    trace = run_pipeline(SENTENCE, d_model=16, n_heads=4, seed=2)
    np.testing.assert_allclose(trace.projections.q, trace.x @ trace.params.w_q, atol=1e-12)
    np.testing.assert_allclose(trace.projections.k, trace.x @ trace.params.w_k, atol=1e-12)
    np.testing.assert_allclose(trace.projections.v, trace.x @ trace.params.w_v, atol=1e-12)


def test_pipeline_shapes_follow_the_sentence_and_sizes():
    trace = run_pipeline(SENTENCE, d_model=16, n_heads=4)
    seq_len = 11  # 11 words; "didn't" stays one token
    assert len(trace.tokens) == seq_len
    assert trace.x.shape == (seq_len, 16)
    assert trace.attention.weights.shape == (4, seq_len, seq_len)
    assert trace.attention.output.shape == (seq_len, 16)


def test_pipeline_reports_truncation():
    trace = run_pipeline("a b c d e f", d_model=8, n_heads=2, max_tokens=4)
    assert (trace.tokens, trace.truncated, trace.n_found) == (("a", "b", "c", "d"), True, 6)


def test_pipeline_causal_flag_reaches_attention():
    weights = run_pipeline(SENTENCE, d_model=8, n_heads=2, causal=True).attention.weights
    assert np.all(np.triu(weights, k=1) == 0.0)


def test_pipeline_rejects_bad_head_count_before_any_work():
    with pytest.raises(ValueError, match="divide"):
        run_pipeline(SENTENCE, d_model=10, n_heads=4)


def test_pipeline_is_reproducible_for_the_same_seed():
    a = run_pipeline(SENTENCE, d_model=16, n_heads=2, seed=5).attention.output
    b = run_pipeline(SENTENCE, d_model=16, n_heads=2, seed=5).attention.output
    np.testing.assert_array_equal(a, b)


def test_pipeline_of_empty_text_gives_empty_arrays():
    trace = run_pipeline("   ", d_model=8, n_heads=2)
    assert trace.tokens == ()
    assert trace.attention.output.shape == (0, 8)


def test_a_trained_pipeline_draws_the_models_own_numbers_and_reads_its_pronoun():
    """trained_pipeline and pronoun_reading against the model's forward pass, computed here."""
    from core.model import forward
    from core.pipeline import UnknownWords, pronoun_reading, trained_pipeline
    from core.training import train

    run = train("coreference_en", seed=0)
    sentence = "The animal didn't cross the street because it was too wide"
    tokens = tokenize(sentence).tokens
    ids = np.array([run.task.vocab.index(token) for token in tokens])
    model = forward(run.params, ids[None, :])
    for layer in (0, 1):
        trace = trained_pipeline(run.params, run.task.vocab, sentence, layer)
        np.testing.assert_array_equal(
            trace.attention.weights, model.layers[layer].attention.weights[0]
        )
        np.testing.assert_array_equal(trace.x, model.layers[layer].x[0])
        np.testing.assert_array_equal(
            trace.projections.q, trace.x @ run.params.attention_params(layer).w_q
        )
    np.testing.assert_array_equal(trace.embedding.vectors, run.params.w_e[ids])
    pronoun, nouns = tokens.index("it"), [tokens.index("animal"), tokens.index("street")]
    reading = pronoun_reading(run.params, run.task.vocab, sentence, pronoun, nouns)
    logits = model.logits[0, pronoun]
    assert reading.referent == max(nouns, key=lambda i: logits[ids[i]])
    assert tokens[reading.referent] == "street"  # "wide" is said of a place
    best = max(
        layer.attention.weights[0, :, pronoun, reading.referent].max() for layer in model.layers
    )
    assert reading.direct.weight == pytest.approx(best)
    with pytest.raises(UnknownWords) as unknown:
        trained_pipeline(run.params, run.task.vocab, "it was too zebra", 0)
    assert unknown.value.words == ("zebra",)
