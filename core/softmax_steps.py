"""Softmax written out for one row of scores, step by step, as the self-attention page shows it.

softmax(x)_j = e^{x_j} / Σ_k e^{x_k} = e^{x_j − m} / Σ_k e^{x_k − m}, m = max_k x_k
Subtracting the row's largest score changes no weight (it cancels in the fraction) and keeps
every e^x at most 1, so nothing overflows. A blocked key (score −∞) gets e^−∞ = 0.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SoftmaxSteps:
    """One row through softmax: the scores, e^(score − max), their sum, and the weights."""

    scores: np.ndarray  # (seq_k,) the input x_j; blocked keys −inf
    largest: float  # m = max_j x_j over the keys that are not blocked
    exps: np.ndarray  # (seq_k,) e^(x_j − m): 1 for the largest score, 0 for a blocked key
    total: float  # Σ_j e^(x_j − m)
    weights: np.ndarray  # (seq_k,) e^(x_j − m) / total: positive, sum to 1


def softmax_steps(scores: np.ndarray) -> SoftmaxSteps:
    """Softmax of one row of scores, keeping every intermediate."""
    scores = np.asarray(scores, dtype=float)  # (seq_k,)
    largest = float(scores.max())  # a row always has one key left: the query itself
    exps = np.exp(scores - largest)  # (seq_k,) e^(−inf) = 0 for a blocked key
    total = float(exps.sum())
    return SoftmaxSteps(scores, largest, exps, total, exps / total)


def unscaled_weights(dot_products: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """What softmax gives if q·k is not divided by √d_k: the same keys blocked (−inf in
    `scores`), the raw dot products in place of the scaled scores."""
    raw = np.where(np.isneginf(scores), -np.inf, dot_products)  # (seq_k,)
    return softmax_steps(raw).weights
