"""A tiny Transformer that trains in NumPy: attention layers only, and a hand-written backward.

    x = W_E[token] + W_pos[position]      embedding (no × √d_model: both tables are learned)
    x = x + MultiHead(x)                  once per layer: the very code of core/attention.py
    logits = x W_U                        one score per token of the vocabulary

No MLP and no LayerNorm: on our tasks two attention layers already get ≥ 99% of held-out
examples right, and every number the model computes is one the attention pages explain.
Each piece's backward sits right after its forward; attention's own is in core/backward.py.
"""

import functools
from dataclasses import dataclass

import numpy as np

from core.attention import MultiHeadParams, MultiHeadTrace, check_sizes, multi_head_attention
from core.backward import multi_head_backward, weight_gradient

QK_START = 0.1  # w_q and w_k start this many times smaller than w_v and w_o
ATTENTION_NAMES = {"W_Q": "w_q", "W_K": "w_k", "W_V": "w_v", "W_O": "w_o"}  # state_dict -> field


@dataclass(frozen=True)
class ModelConfig:
    """The sizes of the model."""

    vocab_size: int
    seq_len: int  # the longest input; a shorter one uses the first rows of W_pos
    d_model: int
    n_heads: int
    n_layers: int
    pad_id: int | None = None  # keys holding this token are masked out: no query looks at them


@dataclass(frozen=True)
class ModelParams:
    """Every learned matrix. state_dict() names them as TransformerLens does."""

    config: ModelConfig
    w_e: np.ndarray  # (vocab_size, d_model) token embedding table
    w_pos: np.ndarray  # (seq_len, d_model) learned position table
    blocks: tuple[MultiHeadParams, ...]  # (n_layers,) each w_q … w_o (d_model, d_model)
    w_u: np.ndarray  # (d_model, vocab_size) unembedding: residual stream -> logits

    def attention_params(self, layer: int) -> MultiHeadParams:
        """One layer's attention, in the form the attention pages draw."""
        return self.blocks[layer]

    def state_dict(self) -> dict[str, np.ndarray]:
        state = {"embed.W_E": self.w_e, "pos_embed.W_pos": self.w_pos}
        for i, attn in enumerate(self.blocks):
            for name, field in ATTENTION_NAMES.items():
                state[f"blocks.{i}.attn.{name}"] = getattr(attn, field)
        return state | {"unembed.W_U": self.w_u}

    @classmethod
    def from_state_dict(cls, config: ModelConfig, state: dict[str, np.ndarray]) -> "ModelParams":
        def attention(i: int) -> MultiHeadParams:
            named = {
                field: state[f"blocks.{i}.attn.{name}"] for name, field in ATTENTION_NAMES.items()
            }
            return MultiHeadParams(**named, n_heads=config.n_heads)

        blocks = tuple(attention(i) for i in range(config.n_layers))
        return cls(
            config, state["embed.W_E"], state["pos_embed.W_pos"], blocks, state["unembed.W_U"]
        )


def init_model(config: ModelConfig, seed: int = 0) -> ModelParams:
    """Random starting weights, entries N(0, 1/fan_in); the tables N(0, 1).

    w_q and w_k start QK_START times smaller, so every score starts near 0 and attention near
    uniform: a head sharpens only onto what helps. (Started full size, random sharp patterns
    form first, and the model learns roundabout routes through them.)
    """
    check_sizes(config.d_model, config.n_heads)
    rng = np.random.default_rng([seed, 0x7F])
    d = config.d_model

    def normal(rows: int, cols: int, scale: float = 1.0) -> np.ndarray:
        return rng.standard_normal((rows, cols)) * scale  # (rows, cols)

    def attention() -> MultiHeadParams:
        w_q, w_k = normal(d, d, QK_START / np.sqrt(d)), normal(d, d, QK_START / np.sqrt(d))
        w_v, w_o = normal(d, d, 1 / np.sqrt(d)), normal(d, d, 1 / np.sqrt(d))
        return MultiHeadParams(w_q, w_k, w_v, w_o, config.n_heads)

    w_e, w_pos = normal(config.vocab_size, d), normal(config.seq_len, d)
    blocks = tuple(attention() for _ in range(config.n_layers))
    return ModelParams(config, w_e, w_pos, blocks, normal(d, config.vocab_size, 1 / np.sqrt(d)))


@functools.cache
def weight_count(config: ModelConfig) -> int:
    """How many numbers the model learns: every matrix of state_dict(), counted once per size."""
    return sum(w.size for w in init_model(config, 0).state_dict().values())


# --- forward and backward, piece by piece --------------------------------------------------


@dataclass(frozen=True)
class LayerTrace:
    """One layer: its input, its attention, and the residual stream after it."""

    x: np.ndarray  # (batch, seq_len, d_model) the residual stream entering the layer
    attention: MultiHeadTrace  # q (batch, n_heads, seq_len, d_head), weights (…, seq, seq)
    resid_post: np.ndarray  # (batch, seq_len, d_model) x + attention.output


@dataclass(frozen=True)
class ModelTrace:
    """Every step of one forward pass."""

    token_ids: np.ndarray  # (batch, seq_len)
    key_padding_mask: np.ndarray | None  # (batch, seq_len) True = PAD key, masked out
    embedding: np.ndarray  # (batch, seq_len, d_model) w_e[token_ids]
    positions: np.ndarray  # (seq_len, d_model) w_pos[:seq_len]
    x: np.ndarray  # (batch, seq_len, d_model) embedding + positions: the first layer's input
    layers: tuple[LayerTrace, ...]  # (n_layers,)
    resid_final: np.ndarray  # (batch, seq_len, d_model) the last layer's output
    logits: np.ndarray  # (batch, seq_len, vocab_size) resid_final @ w_u


def embed(params: ModelParams, token_ids: np.ndarray):
    """x = w_e[token_ids] + w_pos: each token's row of the table plus its position's row."""
    embedding = params.w_e[token_ids]  # (batch, seq_len, d_model) one table row per token
    positions = params.w_pos[: token_ids.shape[-1]]  # (seq_len, d_model)
    return embedding, positions, embedding + positions  # x: (batch, seq_len, d_model)


def embed_backward(params: ModelParams, token_ids: np.ndarray, d_x: np.ndarray):
    """Undo x = w_e[token_ids] + w_pos: a table row gets the gradient of every token using it."""
    d_w_e = np.zeros_like(params.w_e)  # (vocab_size, d_model)
    np.add.at(d_w_e, token_ids, d_x)  # row t += d_x at every place token t stands
    d_w_pos = np.zeros_like(params.w_pos)  # (seq_len, d_model)
    d_w_pos[: d_x.shape[-2]] = d_x.reshape(-1, *d_x.shape[-2:]).sum(axis=0)  # sum over batch
    return d_w_e, d_w_pos


def layer_forward(attn: MultiHeadParams, x: np.ndarray, pad: np.ndarray | None) -> LayerTrace:
    attention = multi_head_attention(x, attn, key_padding_mask=pad)
    return LayerTrace(x, attention, x + attention.output)  # (batch, seq_len, d_model)


def layer_backward(attn: MultiHeadParams, layer: LayerTrace, d_resid_post: np.ndarray):
    """Undo x + MultiHead(x): the gradient flows both around the attention and through it."""
    d_x_through, grads = multi_head_backward(layer.x, attn, layer.attention, d_resid_post)
    return d_resid_post + d_x_through, grads  # (batch, seq_len, d_model), MultiHeadParams


def forward(params: ModelParams, token_ids: np.ndarray) -> ModelTrace:
    """Embed, add positions, run every attention layer, unembed.

    token_ids (batch, seq_len); one sentence (seq_len,) gives the same traces without batch axis.
    """
    pad_id = params.config.pad_id
    pad = None if pad_id is None else token_ids == pad_id  # (batch, seq_len) True = PAD key
    embedding, positions, x = embed(params, token_ids)  # x: (batch, seq_len, d_model)
    resid, layers = x, []
    for attn in params.blocks:
        layers.append(layer_forward(attn, resid, pad))
        resid = layers[-1].resid_post
    logits = resid @ params.w_u  # (batch, seq_len, d_model) @ (d_model, vocab_size)
    return ModelTrace(token_ids, pad, embedding, positions, x, tuple(layers), resid, logits)


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """log softmax over the vocabulary, computed without overflow."""
    shifted = logits - logits.max(axis=-1, keepdims=True)  # (..., vocab_size)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def cross_entropy(logits: np.ndarray, targets: np.ndarray) -> float:
    """Mean of −log p(target) over the positions that have a target (targets != -1)."""
    asked = targets != -1  # (batch, seq_len)
    log_p = log_softmax(logits)[asked]  # (n_asked, vocab_size)
    return float(-log_p[np.arange(len(log_p)), targets[asked]].mean())


def cross_entropy_backward(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """dL/d(logits) = (softmax(logits) − one_hot(target)) / n_asked where asked, else 0."""
    asked = targets != -1  # (batch, seq_len)
    d_logits = np.exp(log_softmax(logits))  # (batch, seq_len, vocab_size) probabilities
    d_logits[asked, targets[asked]] -= 1.0
    return d_logits * asked[..., None] / asked.sum()


def loss_and_grads(params: ModelParams, batch) -> tuple[float, dict[str, np.ndarray]]:
    """The loss on a batch, and its gradient for every matrix (same names as state_dict()).

    batch has token_ids and targets, both (batch, seq_len), -1 = no target (a core.tasks.Batch).
    Backward runs the forward steps in reverse order, each undone by its own backward.
    """
    trace = forward(params, batch.token_ids)
    loss = cross_entropy(trace.logits, batch.targets)
    d_logits = cross_entropy_backward(trace.logits, batch.targets)  # (batch, seq, vocab_size)
    # logits = resid_final @ w_u
    d_w_u = weight_gradient(trace.resid_final, d_logits)  # (d_model, vocab_size)
    d_resid = d_logits @ params.w_u.T  # (batch, seq_len, d_model)
    block_grads = []
    for attn, layer in zip(reversed(params.blocks), reversed(trace.layers), strict=True):
        d_resid, grads = layer_backward(attn, layer, d_resid)
        block_grads.insert(0, grads)
    d_w_e, d_w_pos = embed_backward(params, batch.token_ids, d_resid)
    grads = ModelParams(params.config, d_w_e, d_w_pos, tuple(block_grads), d_w_u)
    return loss, grads.state_dict()
