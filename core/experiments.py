"""Two small experiments the pages run: why positions are needed, and why we divide by √d_k."""

from dataclasses import dataclass

import numpy as np

from core.analysis import entropy
from core.attention import init_params, multi_head_attention, softmax
from core.embedding import embed
from core.positional import sinusoidal_encoding


@dataclass(frozen=True)
class OrderTrace:
    """Self-attention on a sentence and on its shuffle, with and without positional encoding."""

    perm: np.ndarray  # (seq_len,) shuffled[i] = tokens[perm[i]]
    shuffled: tuple[str, ...]  # (seq_len,) the tokens in shuffled order
    output_plain: np.ndarray  # (seq_len, d_model) attention output, original order, no PE
    output_plain_shuffled: np.ndarray  # (seq_len, d_model) same, shuffled sentence
    output_pe: np.ndarray  # (seq_len, d_model) original order, with PE
    output_pe_shuffled: np.ndarray  # (seq_len, d_model) shuffled sentence, with PE
    gap_plain: float  # max |shuffled output - original output reordered|, no PE: ~0
    gap_pe: float  # the same with PE: clearly > 0, order now matters


def shuffle_order(seq_len: int, seed: int = 0) -> np.ndarray:
    """A seeded permutation of range(seq_len) that moves something whenever seq_len > 1."""
    perm = np.random.default_rng([seed, 0x5F]).permutation(seq_len)  # (seq_len,)
    if seq_len > 1 and np.array_equal(perm, np.arange(seq_len)):
        perm = np.roll(perm, 1)
    return perm


def order_experiment(tokens: tuple[str, ...], d_model: int, n_heads: int, seed: int = 0):
    """Shuffle the tokens; compare each token's output before and after, with and without PE."""
    seq_len = len(tokens)
    params = init_params(d_model, n_heads, seed)
    perm = shuffle_order(seq_len, seed)
    shuffled = tuple(tokens[i] for i in perm)
    e = embed(tokens, d_model, seed).vectors  # (seq_len, d_model)
    e_shuf = embed(shuffled, d_model, seed).vectors  # (seq_len, d_model) = e[perm]
    pe = sinusoidal_encoding(seq_len, d_model)  # (seq_len, d_model) stays with the position

    def attend(x: np.ndarray) -> np.ndarray:
        return multi_head_attention(x, params).output  # (seq_len, d_model)

    plain, plain_shuf = attend(e), attend(e_shuf)
    with_pe, with_pe_shuf = attend(e + pe), attend(e_shuf + pe)

    def gap(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.abs(a - b).max()) if a.size else 0.0

    return OrderTrace(
        perm,
        shuffled,
        plain,
        plain_shuf,
        with_pe,
        with_pe_shuf,
        gap_plain=gap(plain_shuf, plain[perm]),
        gap_pe=gap(with_pe_shuf, with_pe[perm]),
    )


@dataclass(frozen=True)
class ScalingTrace:
    """How peaked softmax(q·k) gets as d_k grows, with and without the 1/√d_k."""

    d_k: np.ndarray  # (n,) key sizes tried
    dot_std: np.ndarray  # (n,) spread of raw q·k: grows like √d_k
    max_weight_scaled: np.ndarray  # (n,) mean largest weight per row, with ÷√d_k
    max_weight_unscaled: np.ndarray  # (n,) the same without it: heads for 1 (one-hot)
    entropy_scaled: np.ndarray  # (n,) mean row entropy (nats), with ÷√d_k
    entropy_unscaled: np.ndarray  # (n,) the same without it: heads for 0
    uniform_entropy: float  # log(seq_len): the entropy of perfectly even attention


def scaling_experiment(d_ks, seq_len: int = 16, seed: int = 0, n_rows: int = 256):
    """For random unit-variance q and k, measure softmax with and without the √d_k scaling."""
    rng = np.random.default_rng([seed, 0x5C])
    rows = []
    for d_k in d_ks:
        q = rng.standard_normal((n_rows, 1, d_k))  # (n_rows, 1, d_k)
        k = rng.standard_normal((n_rows, seq_len, d_k))  # (n_rows, seq_len, d_k)
        dots = (q @ k.transpose(0, 2, 1))[:, 0]  # (n_rows, seq_len)
        scaled, unscaled = softmax(dots / np.sqrt(d_k)), softmax(dots)
        rows.append(
            (
                d_k,
                dots.std(),
                scaled.max(-1).mean(),
                unscaled.max(-1).mean(),
                entropy(scaled).mean(),
                entropy(unscaled).mean(),
            )
        )
    cols = np.array(rows, dtype=float).T.reshape(6, -1)  # (6, n)
    return ScalingTrace(cols[0].astype(int), *cols[1:], uniform_entropy=float(np.log(seq_len)))


def order_change(trace: OrderTrace, with_pe: bool = True) -> np.ndarray:
    """Per token of the shuffled sentence: the largest change of its output after the move.

    Token i of the shuffled sentence stood at position perm[i] before; compare its two outputs.
    Without PE every entry is ~0 (rounding only); with PE they are not. The max is gap_pe.
    """
    if with_pe:
        before, after = trace.output_pe[trace.perm], trace.output_pe_shuffled  # (seq_len, d_model)
    else:
        before, after = trace.output_plain[trace.perm], trace.output_plain_shuffled
    return np.abs(after - before).max(axis=-1)  # (seq_len,)


def order_matters(gap: float, tolerance: float = 1e-9) -> bool:
    """True when a gap is more than floating-point rounding (which is ~1e-16 here)."""
    return gap > tolerance
