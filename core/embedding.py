"""Token embedding: each token looks up one row of a table of random vectors.

The vectors are *untrained*: a model would learn them so that tokens used alike end up close.
A token's vector depends only on (token, d_model, seed), never on the sentence around it.
"""

import hashlib
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class EmbeddingTrace:
    """A sentence's token ids, the lookup table and the looked-up vectors."""

    vocab: tuple[str, ...]  # (vocab_size,) unique tokens, first-seen order
    token_ids: np.ndarray  # (seq_len,) row of the table for each token
    table: np.ndarray  # (vocab_size, d_model) one row per unique token
    vectors: np.ndarray  # (seq_len, d_model) table[token_ids] * √d_model
    scale: float  # √d_model, the paper's multiplier (§3.4)


def token_row(token: str, d_model: int, seed: int = 0) -> np.ndarray:
    """The table row of one token: N(0, 1/d_model), seeded by a stable digest of the token."""
    digest = hashlib.blake2b(f"{seed}\x00{token}".encode(), digest_size=8).digest()
    rng = np.random.default_rng(int.from_bytes(digest, "little"))
    return rng.standard_normal(d_model) / np.sqrt(d_model)  # (d_model,)


def lookup_table(vocab, d_model: int, seed: int = 0) -> np.ndarray:
    """The table rows of a list of distinct tokens, one row each."""
    rows = [token_row(token, d_model, seed) for token in vocab]
    return np.array(rows).reshape(len(vocab), d_model)  # (vocab_size, d_model)


def embed(tokens: tuple[str, ...] | list[str], d_model: int, seed: int = 0) -> EmbeddingTrace:
    """Look each token up in the table, then multiply by √d_model as the paper does.

    Rows start as N(0, 1/d_model) (about unit length); × √d_model makes each entry about
    N(0, 1), the same size as the positional encoding's ±1 that is added next.
    """
    vocab = tuple(dict.fromkeys(tokens))  # (vocab_size,) first-seen order
    index = {token: i for i, token in enumerate(vocab)}
    token_ids = np.array([index[token] for token in tokens], dtype=np.int64)  # (seq_len,)
    table = lookup_table(vocab, d_model, seed)  # (vocab_size, d_model)
    scale = float(np.sqrt(d_model))
    vectors = table[token_ids] * scale  # (seq_len, d_model)
    return EmbeddingTrace(vocab, token_ids, table, vectors, scale)
