"""Small measurements that help a learner read the traces: similarity, projection, spread."""

from dataclasses import dataclass

import numpy as np

from core.attention import MultiHeadTrace


@dataclass(frozen=True)
class Projection2D:
    """Vectors projected onto their two main directions (PCA)."""

    points: np.ndarray  # (n, 2) coordinates along the first two principal axes
    explained: np.ndarray  # (2,) share of the variance each axis keeps, in [0, 1]


def cosine_similarity(vectors: np.ndarray) -> np.ndarray:
    """cos(a, b) = a·b / (|a| |b|) for every pair of rows; 1 = same direction."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)  # (n, 1)
    unit = vectors / np.where(norms > 0, norms, 1.0)  # (n, d)
    return unit @ unit.T  # (n, d) @ (d, n) -> (n, n)


def pca_2d(vectors: np.ndarray) -> Projection2D:
    """Centre the rows, take the SVD, keep the two directions with the most variance."""
    centred = vectors - vectors.mean(axis=0)  # (n, d)
    u, s, _ = np.linalg.svd(centred, full_matrices=False)  # u (n, r), s (r,)
    points = np.zeros((len(vectors), 2))  # (n, 2) stays 0 where fewer than 2 axes exist
    r = min(2, len(s))
    points[:, :r] = u[:, :r] * s[:r]
    total = float((s**2).sum())
    explained = np.zeros(2)
    explained[:r] = s[:r] ** 2 / total if total > 0 else 0.0
    return Projection2D(points, explained)


def position_similarity(encoding: np.ndarray) -> np.ndarray:
    """PE · PEᵀ: how alike every pair of positions is (large for nearby positions)."""
    return encoding @ encoding.T  # (seq_len, d_model) @ (d_model, seq_len) -> (seq_len, seq_len)


def entropy(weights: np.ndarray) -> np.ndarray:
    """Shannon entropy (nats) of each row: 0 = all on one key, log(seq_k) = spread evenly."""
    safe = np.where(weights > 0, weights, 1.0)
    return -(weights * np.log(safe)).sum(axis=-1)  # (...,)


def head_distance(weights: np.ndarray) -> np.ndarray:
    """How differently each pair of heads attends: the share of attention that goes elsewhere.

    For heads g and h, average over query rows of ½ Σ_k |w_g[q, k] - w_h[q, k]|
    (total variation): 0 = identical patterns, 1 = no overlap at all.
    """
    diff = weights[:, None] - weights[None, :]  # (n_heads, n_heads, seq_len, seq_len)
    return 0.5 * np.abs(diff).sum(axis=-1).mean(axis=-1)  # (n_heads, n_heads)


def query_key_dots(q: np.ndarray, k: np.ndarray, i: int) -> np.ndarray:
    """q_i · k_j for every token j: how well token i's query matches each key (not yet scaled).

    Over all d_model columns this is the sum of the per-head dot products: head h adds
    q_i[cols_h] · k_j[cols_h] for its own columns.
    """
    return k @ q[i]  # (seq_len, d_model) @ (d_model,) -> (seq_len,)


def mean_head_distance(distance: np.ndarray) -> float:
    """The average of head_distance over pairs of different heads; 0.0 with a single head."""
    n_heads = len(distance)
    if n_heads < 2:
        return 0.0
    others = ~np.eye(n_heads, dtype=bool)  # (n_heads, n_heads) leaves out each head vs itself
    return float(distance[others].mean())


def head_average(weights: np.ndarray) -> np.ndarray:
    """The heads' weights averaged: (n_heads, seq_q, seq_k) -> (seq_q, seq_k); rows still sum to 1."""
    return weights.mean(axis=0)


def select_head(trace: MultiHeadTrace, head: int) -> MultiHeadTrace:
    """One head of a multi-head trace, as a one-head trace (leading axis of length 1): the
    self-attention page draws it as it draws single-head attention, with d_k = d_head."""
    one = slice(head, head + 1)
    heads = trace.heads[one]  # (1, seq_len, d_head)
    return MultiHeadTrace(
        trace.q[one],
        trace.k[one],
        trace.v[one],
        trace.dot_products[one],
        trace.scores[one],
        trace.weights[one],
        heads,
        heads[0],  # (seq_len, d_head) its output alone, before W_O mixes the heads
        heads[0],
    )


@dataclass(frozen=True)
class Look:
    """Where one query token looks hardest, over every layer and head."""

    layer: int
    head: int
    key: int  # the key position it looks at most
    weight: float  # that attention weight, in [0, 1]


def strongest_look(
    weights_by_layer: list[np.ndarray], query: int, keys: list[int] | None = None
) -> Look:
    """The largest attention weight of query position `query` in any layer and head, onto any
    key or onto one of `keys` only. weights_by_layer: one (n_heads, seq_len, seq_len) per layer."""
    rows = np.stack([w[:, query, :] for w in weights_by_layer])  # (n_layers, n_heads, seq_len)
    if keys is not None:
        allowed = np.zeros(rows.shape[-1], dtype=bool)
        allowed[keys] = True
        rows = np.where(allowed, rows, -1.0)  # other keys can never win
    layer, head, key = np.unravel_index(int(rows.argmax()), rows.shape)
    return Look(int(layer), int(head), int(key), float(rows[layer, head, key]))
