"""One sentence through every step: tokens → embedding → + position → multi-head attention."""

from dataclasses import dataclass

import numpy as np

from core.attention import (
    MultiHeadParams,
    MultiHeadTrace,
    Projections,
    init_params,
    merge_heads,
    multi_head_attention,
)
from core.embedding import EmbeddingTrace, embed
from core.positional import learned_encoding, sinusoidal_encoding
from core.tokenizer import MAX_TOKENS, tokenize


@dataclass(frozen=True)
class PipelineTrace:
    """Everything the pages draw for one sentence and one set of sizes."""

    tokens: tuple[str, ...]  # (seq_len,)
    truncated: bool  # the sentence had more than MAX_TOKENS tokens and was cut
    n_found: int  # tokens before cutting
    embedding: EmbeddingTrace  # vectors (seq_len, d_model)
    positional: np.ndarray  # (seq_len, d_model) the encoding that is added
    x: np.ndarray  # (seq_len, d_model) embedding.vectors + positional: the model's input
    params: MultiHeadParams  # w_q, w_k, w_v, w_o: (d_model, d_model)
    projections: Projections  # q, k, v: (seq_len, d_model)
    attention: MultiHeadTrace  # weights (n_heads, seq_len, seq_len), output (seq_len, d_model)


def encode_positions(seq_len: int, d_model: int, kind: str = "sinusoidal", seed: int = 0):
    """The positional encoding of the chosen kind: 'sinusoidal', 'learned' or 'none'."""
    if kind == "sinusoidal":
        return sinusoidal_encoding(seq_len, d_model)
    if kind == "learned":
        return learned_encoding(seq_len, d_model, seed)
    if kind == "none":
        return np.zeros((seq_len, d_model))
    raise ValueError(f"unknown positional encoding {kind!r}: use sinusoidal, learned or none")


def run_pipeline(
    text: str,
    d_model: int,
    n_heads: int,
    seed: int = 0,
    causal: bool = False,
    positional: str = "sinusoidal",
    max_tokens: int = MAX_TOKENS,
) -> PipelineTrace:
    """Tokenise, embed, add positions, project and attend: the whole encoder-attention path."""
    params = init_params(d_model, n_heads, seed)  # raises ValueError for a bad head count
    cut = tokenize(text, max_tokens)
    emb = embed(cut.tokens, d_model, seed)  # vectors (seq_len, d_model)
    pe = encode_positions(len(cut.tokens), d_model, positional, seed)  # (seq_len, d_model)
    x = emb.vectors + pe  # (seq_len, d_model)
    attention = multi_head_attention(x, params, causal)  # projects x once, inside
    # Q, K, V before the split into heads: the heads put side by side again (no new product)
    q, k, v = (merge_heads(a) for a in (attention.q, attention.k, attention.v))
    return PipelineTrace(
        tokens=cut.tokens,
        truncated=cut.truncated,
        n_found=cut.n_found,
        embedding=emb,
        positional=pe,
        x=x,
        params=params,
        projections=Projections(q, k, v),  # (seq_len, d_model) each
        attention=attention,
    )
