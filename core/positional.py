"""Positional encoding: a vector per position, added to the embeddings so order is visible.

Attention alone treats a sentence as a bag of tokens; these vectors tell it where each one is.
"""

import numpy as np


def sinusoidal_encoding(seq_len: int, d_model: int) -> np.ndarray:
    """The paper's fixed encoding (§3.5), columns interleaved as sin, cos, sin, cos, ...

    PE(pos, 2i)   = sin(pos / 10000^(2i / d_model))
    PE(pos, 2i+1) = cos(pos / 10000^(2i / d_model))
    """
    pos = np.arange(seq_len)[:, None]  # (seq_len, 1)
    column = np.arange(d_model)[None, :]  # (1, d_model)
    pair = column // 2  # (1, d_model) the i of 2i and 2i+1: columns 2i and 2i+1 share it
    angle = pos / 10000 ** (2 * pair / d_model)  # (seq_len, d_model)
    return np.where(column % 2 == 0, np.sin(angle), np.cos(angle))  # (seq_len, d_model)


def learned_encoding(seq_len: int, d_model: int, seed: int = 0) -> np.ndarray:
    """A learned encoding as it starts before training: a random table, one row per position.

    Entries are N(0, 1/2), so a row is as long on average as a sinusoidal row (√(d_model/2)).
    Row p is the same whatever seq_len is.
    """
    rng = np.random.default_rng([seed, 0x0E])  # its own stream, apart from the embeddings
    return rng.standard_normal((seq_len, d_model)) * np.sqrt(0.5)  # (seq_len, d_model)


def wavelength(column: int, d_model: int) -> float:
    """How many positions one full cycle of a column spans: 2π · 10000^(2i / d_model).

    Columns 2i (sin) and 2i+1 (cos) share i and so share a wavelength. Column 0 repeats every
    2π ≈ 6.3 positions; the last columns take almost 2π · 10000 positions for one cycle.
    """
    i = column // 2  # the i of 2i and 2i+1
    return float(2 * np.pi * 10000 ** (2 * i / d_model))


def column_waves(encoding: np.ndarray, columns) -> np.ndarray:
    """Chosen columns of an encoding as curves over position: row j is column columns[j]."""
    return encoding[:, list(columns)].T  # (seq_len, d_model) -> (n_columns, seq_len)
