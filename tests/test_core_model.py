"""The tiny Transformer: gradients against finite differences, attention against unbatched runs."""

import math

import numpy as np
import pytest

from core.attention import MultiHeadParams, multi_head_attention
from core.model import ModelConfig, ModelParams, cross_entropy, forward, init_model, loss_and_grads
from core.tasks import Batch

PAD = 0


def padded_batch(config: ModelConfig, n: int = 3, seed: int = 0) -> Batch:
    """Random tokens (never PAD), then PAD at the end of some rows; targets -1 at PAD and at a
    few other places, so both kinds of "no target" are exercised."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, config.vocab_size, (n, config.seq_len))  # (n, seq_len)
    lengths = [config.seq_len, config.seq_len - 2, 2][:n] + [config.seq_len] * max(0, n - 3)
    for row, length in enumerate(lengths):
        ids[row, length:] = PAD
    targets = rng.integers(0, config.vocab_size, (n, config.seq_len))  # (n, seq_len)
    targets[ids == PAD] = -1
    targets[0, 1] = -1
    return Batch(ids, targets)


def numeric_gradient(params: ModelParams, batch: Batch, name: str, h: float = 1e-5):
    """Central differences (L(w + h) − L(w − h)) / 2h, one entry at a time."""
    state = params.state_dict()
    grad = np.zeros_like(state[name])
    for index in np.ndindex(grad.shape):
        losses = []
        for step in (h, -h):
            moved = {key: value.copy() for key, value in state.items()}
            moved[name][index] += step
            trace = forward(ModelParams.from_state_dict(params.config, moved), batch.token_ids)
            losses.append(cross_entropy(trace.logits, batch.targets))
        grad[index] = (losses[0] - losses[1]) / (2 * h)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    scale = max(np.abs(a).max(), np.abs(b).max(), 1e-12)
    return float(np.abs(a - b).max() / scale)


def small_config(n_layers: int = 2, n_heads: int = 2, pad_id: int | None = PAD) -> ModelConfig:
    return ModelConfig(vocab_size=7, seq_len=5, d_model=8, n_heads=n_heads, n_layers=n_layers,
                       pad_id=pad_id)  # fmt: skip


def trained_looking(params: ModelParams, seed: int) -> ModelParams:
    """Full-size w_q and w_k (the init makes them small): sharper attention, a harder check."""
    rng = np.random.default_rng(seed)
    state = params.state_dict()
    for name in state:
        if name.endswith(("W_Q", "W_K")):
            state[name] = rng.standard_normal(state[name].shape)
    return ModelParams.from_state_dict(params.config, state)


# --- gradients -----------------------------------------------------------------------------


@pytest.mark.parametrize(("n_layers", "n_heads"), [(1, 1), (1, 4), (2, 1), (2, 2), (2, 4)])
def test_every_gradient_matches_central_differences(n_layers, n_heads):
    config = small_config(n_layers, n_heads)
    params = trained_looking(init_model(config, seed=n_layers * 10 + n_heads), seed=n_heads)
    batch = padded_batch(config, seed=n_heads)
    _, grads = loss_and_grads(params, batch)
    for name in params.state_dict():
        assert relative_error(grads[name], numeric_gradient(params, batch, name)) <= 1e-6, name


def test_gradients_without_a_pad_token_match_central_differences():
    config = small_config(pad_id=None)
    params = trained_looking(init_model(config, seed=5), seed=5)
    batch = padded_batch(config, seed=5)  # id 0 is an ordinary token here
    _, grads = loss_and_grads(params, batch)
    for name in params.state_dict():
        assert relative_error(grads[name], numeric_gradient(params, batch, name)) <= 1e-6, name


def test_gradients_have_the_names_and_shapes_of_the_state_dict():
    config = small_config()
    params = init_model(config)
    _, grads = loss_and_grads(params, padded_batch(config))
    state = params.state_dict()
    assert list(grads) == list(state)
    assert all(grads[name].shape == state[name].shape for name in state)
    assert all(grads[name].dtype == np.float64 for name in state)


def test_pad_embedding_row_gets_exactly_zero_gradient():
    """A PAD token is never looked at and has no target, so its embedding row only moves
    through its own query (which nothing reads): its gradient is exactly 0."""
    config = small_config()
    params = init_model(config)
    _, grads = loss_and_grads(params, padded_batch(config))
    assert np.all(grads["embed.W_E"][PAD] == 0.0)


# --- the loss ------------------------------------------------------------------------------


def loop_cross_entropy(logits: np.ndarray, targets: np.ndarray) -> float:
    """−log softmax(logits)[target], averaged over positions with a target, with math only."""
    total, count = 0.0, 0
    for b in range(targets.shape[0]):
        for i in range(targets.shape[1]):
            target = int(targets[b, i])
            if target == -1:
                continue
            row = [float(v) for v in logits[b, i]]
            top = max(row)
            log_total = top + math.log(sum(math.exp(v - top) for v in row))
            total += log_total - row[target]
            count += 1
    return total / count


def test_loss_equals_a_loop_by_loop_cross_entropy():
    config = small_config()
    params = trained_looking(init_model(config, seed=2), seed=2)
    batch = padded_batch(config, seed=2)
    loss, _ = loss_and_grads(params, batch)
    logits = forward(params, batch.token_ids).logits
    assert abs(loss - loop_cross_entropy(logits, batch.targets)) <= 1e-12


def test_loss_ignores_logits_where_there_is_no_target():
    config = small_config()
    params = init_model(config)
    batch = padded_batch(config)
    logits = forward(params, batch.token_ids).logits
    changed = logits.copy()
    changed[batch.targets == -1] += 100.0
    assert cross_entropy(changed, batch.targets) == cross_entropy(logits, batch.targets)


# --- attention in the model ----------------------------------------------------------------


@pytest.mark.parametrize("causal", [False, True])
def test_batched_attention_equals_each_sentence_alone(causal):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 6, 12))  # (batch, seq_len, d_model)
    params = MultiHeadParams(*rng.standard_normal((4, 12, 12)) / 3, n_heads=3)
    batched = multi_head_attention(x, params, causal)
    for b in range(4):
        alone = multi_head_attention(x[b], params, causal)
        for field in ("q", "k", "v", "scores", "weights", "heads", "concat", "output"):
            expected = getattr(alone, field)
            np.testing.assert_allclose(getattr(batched, field)[b], expected, rtol=0, atol=1e-12)


def test_padded_batch_equals_each_sentence_cut_to_its_real_tokens():
    """Masking PAD keys must act as if the PAD tokens were not there at all."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 7, 8))  # (batch, seq_len, d_model)
    lengths = [7, 4, 1]
    pad = np.arange(7)[None, :] >= np.array(lengths)[:, None]  # (batch, seq_len)
    params = MultiHeadParams(*rng.standard_normal((4, 8, 8)) / 3, n_heads=2)
    batched = multi_head_attention(x, params, key_padding_mask=pad)
    for b, n in enumerate(lengths):
        alone = multi_head_attention(x[b, :n], params)  # only the real tokens
        np.testing.assert_allclose(batched.weights[b][:, :n, :n], alone.weights, atol=1e-12)
        np.testing.assert_allclose(batched.output[b][:n], alone.output, rtol=0, atol=1e-12)


def test_padding_keys_get_weight_exactly_zero():
    config = small_config()
    params = trained_looking(init_model(config), seed=0)
    batch = padded_batch(config)
    trace = forward(params, batch.token_ids)
    pad = batch.token_ids == PAD  # (batch, seq_len)
    for layer in trace.layers:
        weights = layer.attention.weights  # (batch, n_heads, seq_q, seq_k)
        assert np.all(weights.transpose(0, 3, 1, 2)[pad] == 0.0)
        np.testing.assert_allclose(weights.sum(axis=-1), 1.0, rtol=0, atol=1e-12)


def test_causal_and_padding_masks_combine():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 5, 8))
    pad = np.array([[False] * 5, [False, False, False, True, True]])
    params = MultiHeadParams(*rng.standard_normal((4, 8, 8)) / 3, n_heads=2)
    weights = multi_head_attention(x, params, causal=True, key_padding_mask=pad).weights
    future = np.triu(np.ones((5, 5), dtype=bool), k=1)
    assert np.all(weights[:, :, future] == 0.0)
    assert np.all(weights[1][..., 3:] == 0.0)


# --- forward pass and parameters -----------------------------------------------------------


def test_forward_shapes():
    config = ModelConfig(vocab_size=11, seq_len=9, d_model=12, n_heads=3, n_layers=2, pad_id=0)
    params = init_model(config)
    ids = np.random.default_rng(0).integers(0, 11, (5, 9))
    trace = forward(params, ids)
    assert trace.logits.shape == (5, 9, 11)
    assert len(trace.layers) == 2
    for layer in trace.layers:
        assert layer.x.shape == layer.resid_post.shape == (5, 9, 12)
        assert layer.attention.weights.shape == (5, 3, 9, 9)
        assert layer.attention.q.shape == (5, 3, 9, 4)
    assert trace.embedding.shape == trace.x.shape == (5, 9, 12)
    assert trace.positions.shape == (9, 12)
    assert trace.logits.dtype == np.float64


def test_forward_steps_are_the_ones_the_pages_explain():
    config = small_config()
    params = trained_looking(init_model(config), seed=1)
    ids = padded_batch(config).token_ids
    trace = forward(params, ids)
    np.testing.assert_array_equal(trace.embedding, params.w_e[ids])
    np.testing.assert_array_equal(trace.x, params.w_e[ids] + params.w_pos)
    np.testing.assert_array_equal(trace.layers[0].x, trace.x)
    for i, layer in enumerate(trace.layers):
        attention = multi_head_attention(layer.x, params.attention_params(i), False, ids == PAD)
        np.testing.assert_allclose(layer.attention.weights, attention.weights, atol=1e-12)
        np.testing.assert_allclose(layer.resid_post, layer.x + attention.output, atol=1e-12)
    np.testing.assert_array_equal(trace.layers[1].x, trace.layers[0].resid_post)
    np.testing.assert_allclose(trace.logits, trace.layers[-1].resid_post @ params.w_u, atol=1e-12)


def test_forward_reads_a_sentence_shorter_than_seq_len():
    config = small_config()
    params = init_model(config)
    trace = forward(params, np.array([[1, 2, 3]]))
    assert trace.logits.shape == (1, 3, config.vocab_size)
    np.testing.assert_array_equal(trace.positions, params.w_pos[:3])


def test_one_sentence_gives_its_row_of_a_batch_without_the_batch_axis():
    config = small_config()
    params = trained_looking(init_model(config), seed=3)
    ids = padded_batch(config).token_ids
    batched = forward(params, ids)
    for b in range(len(ids)):
        alone = forward(params, ids[b])
        assert alone.layers[0].attention.weights.shape == (2, 5, 5)
        np.testing.assert_allclose(alone.logits, batched.logits[b], rtol=0, atol=1e-12)


def test_attention_params_are_multi_head_params_of_the_layer():
    config = small_config(n_heads=4)
    params = init_model(config)
    layer = params.attention_params(1)
    assert isinstance(layer, MultiHeadParams)
    assert (layer.n_heads, layer.d_model, layer.d_head) == (4, 8, 2)
    np.testing.assert_array_equal(layer.w_q, params.state_dict()["blocks.1.attn.W_Q"])


def test_state_dict_uses_transformer_lens_names_and_shapes():
    config = ModelConfig(vocab_size=11, seq_len=9, d_model=12, n_heads=3, n_layers=2)
    state = init_model(config).state_dict()
    expected = {"embed.W_E": (11, 12), "pos_embed.W_pos": (9, 12), "unembed.W_U": (12, 11)}
    for i in range(2):
        expected |= {f"blocks.{i}.attn.W_{m}": (12, 12) for m in "QKVO"}
    assert {name: array.shape for name, array in state.items()} == expected


def test_state_dict_round_trip_keeps_every_array():
    config = small_config()
    params = init_model(config, seed=4)
    again = ModelParams.from_state_dict(config, params.state_dict())
    for name, array in params.state_dict().items():
        np.testing.assert_array_equal(again.state_dict()[name], array)
    ids = padded_batch(config).token_ids
    np.testing.assert_array_equal(forward(again, ids).logits, forward(params, ids).logits)


def test_init_is_seeded():
    config = small_config()
    a, b, c = init_model(config, 1), init_model(config, 1), init_model(config, 2)
    for name, array in a.state_dict().items():
        np.testing.assert_array_equal(array, b.state_dict()[name])
    assert not np.allclose(a.w_e, c.w_e)


def test_init_starts_with_nearly_uniform_attention():
    config = ModelConfig(vocab_size=20, seq_len=10, d_model=32, n_heads=4, n_layers=2)
    ids = np.random.default_rng(0).integers(0, 20, (8, 10))
    weights = forward(init_model(config), ids).layers[0].attention.weights
    assert weights.max() < 3 / 10  # uniform would be 1/10 everywhere


def test_bad_head_count_is_refused():
    with pytest.raises(ValueError, match="divide"):
        init_model(ModelConfig(vocab_size=5, seq_len=4, d_model=8, n_heads=3, n_layers=1))
