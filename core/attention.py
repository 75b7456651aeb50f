"""Scaled dot-product attention and multi-head attention, as in "Attention Is All You Need".

Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V                       (§3.2.1)
MultiHead(X) = Concat(head_1, ..., head_h) W_O,
    head_i = Attention(X W_Q_i, X W_K_i, X W_V_i)                  (§3.2.2)

Every function takes one sentence x (seq_len, d_model) or a batch of sentences
(batch, seq_len, d_model); a "..." in a shape comment is that optional batch axis.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class MultiHeadParams:
    """The four projection matrices, used as x @ w. Head h owns columns h·d_head … (h+1)·d_head."""

    w_q: np.ndarray  # (d_model, d_model)
    w_k: np.ndarray  # (d_model, d_model)
    w_v: np.ndarray  # (d_model, d_model)
    w_o: np.ndarray  # (d_model, d_model)
    n_heads: int

    @property
    def d_model(self) -> int:
        return self.w_q.shape[0]

    @property
    def d_head(self) -> int:
        return self.d_model // self.n_heads


@dataclass(frozen=True)
class AttentionTrace:
    """Every step of softmax(q kᵀ / √d_k) v, kept for drawing."""

    dot_products: np.ndarray  # (..., seq_q, seq_k) q·k before scaling
    scores: np.ndarray  # (..., seq_q, seq_k) scaled by 1/√d_k, masked entries -inf
    weights: np.ndarray  # (..., seq_q, seq_k) softmax over keys: rows sum to 1
    output: np.ndarray  # (..., seq_q, d_v) weights @ v


@dataclass(frozen=True)
class Projections:
    """Queries, keys and values of every token, before they are split into heads."""

    q: np.ndarray  # (..., seq_len, d_model) x @ w_q: what each token is looking for
    k: np.ndarray  # (..., seq_len, d_model) x @ w_k: what each token offers to be found by
    v: np.ndarray  # (..., seq_len, d_model) x @ w_v: what each token passes on when attended to


@dataclass(frozen=True)
class MultiHeadTrace:
    """Every step of multi-head self-attention on one sentence (or on each sentence of a batch)."""

    q: np.ndarray  # (..., n_heads, seq_len, d_head)
    k: np.ndarray  # (..., n_heads, seq_len, d_head)
    v: np.ndarray  # (..., n_heads, seq_len, d_head)
    dot_products: np.ndarray  # (..., n_heads, seq_len, seq_len) q·k before scaling
    scores: np.ndarray  # (..., n_heads, seq_len, seq_len) scaled, masked entries -inf
    weights: np.ndarray  # (..., n_heads, seq_len, seq_len) rows sum to 1; blocked keys get 0
    heads: np.ndarray  # (..., n_heads, seq_len, d_head) each head's output
    concat: np.ndarray  # (..., seq_len, d_model) heads side by side
    output: np.ndarray  # (..., seq_len, d_model) concat @ w_o


def valid_head_counts(d_model: int, max_heads: int | None = None) -> list[int]:
    """Head counts that divide d_model evenly (optionally at most max_heads)."""
    limit = d_model if max_heads is None else min(d_model, max_heads)
    return [h for h in range(1, limit + 1) if d_model % h == 0]


def check_sizes(d_model: int, n_heads: int) -> None:
    """Raise ValueError, in words a learner understands, unless n_heads splits d_model evenly."""
    if d_model < 1 or n_heads < 1:
        raise ValueError(f"d_model ({d_model}) and n_heads ({n_heads}) must both be at least 1.")
    if d_model % n_heads != 0:
        raise ValueError(
            f"n_heads = {n_heads} does not divide d_model = {d_model}: each head gets "
            f"d_model / n_heads columns, which must be a whole number. "
            f"Try one of {valid_head_counts(d_model, 16)}."
        )


def init_params(d_model: int, n_heads: int, seed: int = 0) -> MultiHeadParams:
    """Xavier/Glorot-uniform projections: entries U(-a, a), a = √(6 / (d_model + d_model)).

    This keeps q, k and v about as large as x, so at default sizes attention is neither uniform
    nor one-hot. The matrices depend on (d_model, seed) only, so 1 head and n heads share them.
    """
    check_sizes(d_model, n_heads)
    rng = np.random.default_rng([seed, 0xA7])
    limit = np.sqrt(6 / (d_model + d_model))
    w_q, w_k, w_v, w_o = rng.uniform(-limit, limit, (4, d_model, d_model))  # 4 × (d_model, d_model)
    return MultiHeadParams(w_q, w_k, w_v, w_o, n_heads)


def causal_mask(seq_len: int) -> np.ndarray:
    """True above the diagonal: token i may not look at tokens after it."""
    return np.triu(np.ones((seq_len, seq_len), dtype=bool), k=1)  # (seq_len, seq_len)


def attention_mask(
    seq_len: int, causal: bool = False, key_padding_mask: np.ndarray | None = None
) -> np.ndarray | None:
    """Which (query, key) pairs are blocked: later tokens if causal, and padding keys if given.

    key_padding_mask (..., seq_len) is True for a key no query may look at (a PAD token).
    Returns None when nothing is blocked.
    """
    mask = causal_mask(seq_len) if causal else None  # (seq_len, seq_len)
    if key_padding_mask is not None:
        keys = key_padding_mask[..., None, None, :]  # (..., 1, 1, seq_k): every head, every query
        mask = keys if mask is None else mask | keys  # broadcasts to (..., 1, seq_q, seq_k)
    return mask


def softmax(scores: np.ndarray) -> np.ndarray:
    """Softmax over the last axis (the keys), stable; a fully blocked row gives all zeros."""
    row_max = scores.max(axis=-1, keepdims=True, initial=-np.inf)  # (..., seq_q, 1)
    row_max = np.where(np.isfinite(row_max), row_max, 0.0)  # a row of -inf has no max
    exp = np.exp(scores - row_max)  # (..., seq_q, seq_k) exp(-inf) = 0
    total = exp.sum(axis=-1, keepdims=True)  # (..., seq_q, 1)
    return exp / np.where(total > 0, total, 1.0)


def scaled_dot_product_attention(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None
) -> AttentionTrace:
    """softmax(q kᵀ / √d_k) v on (seq, d) or batched (..., seq, d) inputs; mask True = blocked."""
    d_k = q.shape[-1]
    dot_products = q @ np.swapaxes(k, -1, -2)  # (..., seq_q, d_k) @ (..., d_k, seq_k)
    scores = dot_products / np.sqrt(d_k)  # (..., seq_q, seq_k)
    if mask is not None:
        scores = np.where(mask, -np.inf, scores)
    weights = softmax(scores)  # (..., seq_q, seq_k)
    output = weights @ v  # (..., seq_q, seq_k) @ (..., seq_k, d_v) -> (..., seq_q, d_v)
    return AttentionTrace(dot_products, scores, weights, output)


def split_heads(x: np.ndarray, n_heads: int) -> np.ndarray:
    """(..., seq_len, d_model) -> (..., n_heads, seq_len, d_head): head h gets columns h·d_head …"""
    *batch, seq_len, d_model = x.shape
    x = x.reshape(*batch, seq_len, n_heads, d_model // n_heads)  # (..., seq_len, n_heads, d_head)
    return np.swapaxes(x, -3, -2)  # (..., n_heads, seq_len, d_head)


def merge_heads(heads: np.ndarray) -> np.ndarray:
    """(..., n_heads, seq_len, d_head) -> (..., seq_len, d_model): the heads side by side."""
    *batch, n_heads, seq_len, d_head = heads.shape
    side_by_side = np.swapaxes(heads, -3, -2)  # (..., seq_len, n_heads, d_head)
    return side_by_side.reshape(*batch, seq_len, n_heads * d_head)  # (..., seq_len, d_model)


def project(x: np.ndarray, params: MultiHeadParams) -> Projections:
    """Every token's query, key and value: three learned views of the same vector x."""
    return Projections(q=x @ params.w_q, k=x @ params.w_k, v=x @ params.w_v)  # (..., seq, d_model)


def multi_head_attention(
    x: np.ndarray,
    params: MultiHeadParams,
    causal: bool = False,
    key_padding_mask: np.ndarray | None = None,
) -> MultiHeadTrace:
    """Project x to q, k, v, attend in each head separately, concatenate, project with w_o.

    x is (seq_len, d_model) or a batch (batch, seq_len, d_model); key_padding_mask (..., seq_len)
    marks with True the keys no query may look at (padding): they get weight exactly 0.
    """
    seq_len, d_model = x.shape[-2:]
    check_sizes(d_model, params.n_heads)
    proj = project(x, params)  # q, k, v: (..., seq_len, d_model)
    q = split_heads(proj.q, params.n_heads)  # (..., n_heads, seq_len, d_head)
    k = split_heads(proj.k, params.n_heads)  # (..., n_heads, seq_len, d_head)
    v = split_heads(proj.v, params.n_heads)  # (..., n_heads, seq_len, d_head)
    mask = attention_mask(seq_len, causal, key_padding_mask)
    attn = scaled_dot_product_attention(q, k, v, mask)  # weights (..., n_heads, seq_len, seq_len)
    concat = merge_heads(attn.output)  # (..., seq_len, d_model)
    output = concat @ params.w_o  # (..., seq_len, d_model)
    return MultiHeadTrace(
        q, k, v, attn.dot_products, attn.scores, attn.weights, attn.output, concat, output
    )


def token_qkv(proj: Projections, i: int) -> np.ndarray:
    """Token i's query, key and value, stacked as three rows."""
    return np.stack([proj.q[i], proj.k[i], proj.v[i]])  # 3 × (d_model,) -> (3, d_model)


def head_columns(d_model: int, n_heads: int) -> list[tuple[int, int]]:
    """First and last column of each head's block: head h owns h·d_head … (h+1)·d_head − 1."""
    d_head = d_model // n_heads
    return [(h * d_head, (h + 1) * d_head - 1) for h in range(n_heads)]


@dataclass(frozen=True)
class QueryTrace:
    """One query token's attention written out key by key: row i of an AttentionTrace."""

    dot_products: np.ndarray  # (seq_k,) q_i·k_j before scaling
    scores: np.ndarray  # (seq_k,) divided by √d_k, blocked keys -inf
    weights: np.ndarray  # (seq_k,) softmax over the keys: sums to 1
    contributions: np.ndarray  # (seq_k, d_v) w_j · v_j: what each key passes on
    output: np.ndarray  # (d_v,) Σ_j w_j v_j: equals row i of the full output


def attend_one_query(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, i: int, causal: bool = False
) -> QueryTrace:
    """Row i of softmax(q kᵀ / √d_k) v, one key at a time: output_i = Σ_j w_j v_j."""
    d_k = q.shape[-1]
    dot_products = k @ q[i]  # (seq_k, d_k) @ (d_k,) -> (seq_k,)
    scores = dot_products / np.sqrt(d_k)  # (seq_k,)
    if causal:
        scores = np.where(np.arange(len(k)) > i, -np.inf, scores)  # keys after i are blocked
    weights = softmax(scores)  # (seq_k,)
    contributions = weights[:, None] * v  # (seq_k, 1) * (seq_k, d_v) -> (seq_k, d_v)
    return QueryTrace(dot_products, scores, weights, contributions, contributions.sum(axis=0))
