"""One sentence through every step: tokens → embedding → + position → multi-head attention."""

from dataclasses import dataclass, fields

import numpy as np

from core.analysis import Look, strongest_look
from core.attention import (
    MultiHeadParams,
    MultiHeadTrace,
    Projections,
    init_params,
    merge_heads,
    multi_head_attention,
)
from core.embedding import EmbeddingTrace, embed
from core.model import ModelParams, forward
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


class UnknownWords(ValueError):
    """The sentence has words a trained model never saw: it has no embedding row for them."""

    def __init__(self, words: tuple[str, ...]):
        super().__init__(f"not in the model's vocabulary: {', '.join(words)}")
        self.words = words


def trained_pipeline(
    params: ModelParams, vocab: tuple[str, ...], text: str, layer: int = 0
) -> PipelineTrace:
    """The same trace as run_pipeline, from a trained model's own numbers: its embedding table
    (ids from its fixed vocabulary), its learned positions, and block `layer`'s input x, its
    W_Q, W_K, W_V, W_O and its attention. The model adds no √d_model factor (scale 1)."""
    cut = tokenize(text, params.config.seq_len)  # the model reads at most seq_len tokens
    index = {token: i for i, token in enumerate(vocab)}
    unknown = tuple(dict.fromkeys(token for token in cut.tokens if token not in index))
    if unknown:
        raise UnknownWords(unknown)
    token_ids = np.array([index[token] for token in cut.tokens], dtype=np.int64)  # (seq_len,)
    model = forward(params, token_ids[None, :])  # a batch of one sentence
    block = model.layers[layer]
    first = {f.name: getattr(block.attention, f.name)[0] for f in fields(MultiHeadTrace)}
    attention = MultiHeadTrace(**first)  # the one sentence: (n_heads, seq_len, ...)
    q, k, v = (merge_heads(a) for a in (attention.q, attention.k, attention.v))
    return PipelineTrace(
        tokens=cut.tokens,
        truncated=cut.truncated,
        n_found=cut.n_found,
        embedding=EmbeddingTrace(vocab, token_ids, params.w_e, model.embedding[0], 1.0),
        positional=model.positions,  # (seq_len, d_model) learned rows of w_pos
        x=block.x[0],  # (seq_len, d_model) what this block reads: for block 0, E + positions
        params=params.attention_params(layer),
        projections=Projections(q, k, v),  # (seq_len, d_model) each
        attention=attention,
    )


@dataclass(frozen=True)
class PronounReading:
    """What a trained coreference model does with the pronoun of one sentence."""

    referent: int  # position of the noun the model answers with at the pronoun
    probability: float  # the model's probability for that answer
    direct: Look  # the head where the pronoun looks most at that noun
    hop_word: Look | None  # two hops: where the pronoun looks most in the last layer ...
    hop_noun: Look | None  # ... and where that word looked at the noun in an earlier layer


def pronoun_reading(
    params: ModelParams, vocab: tuple[str, ...], text: str, pronoun: int, nouns: list[int]
) -> PronounReading:
    """The model's answer for the pronoun at position `pronoun` (the likeliest of the nouns at
    `nouns`), the head that looks at that noun, and the two-hop route: the pronoun reads
    another word in the last layer, which had read the noun in an earlier one."""
    tokens = tokenize(text, params.config.seq_len).tokens
    token_ids = np.array([vocab.index(token) for token in tokens])  # (seq_len,)
    model = forward(params, token_ids[None, :])
    logits = model.logits[0, pronoun]  # (vocab_size,)
    probabilities = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    referent = max(nouns, key=lambda i: probabilities[token_ids[i]])
    weights = [layer.attention.weights[0] for layer in model.layers]  # (n_heads, seq, seq) each
    direct = strongest_look(weights, pronoun, keys=[referent])
    hop_word = hop_noun = None
    if len(weights) > 1:
        others = [i for i in range(len(tokens)) if i not in (pronoun, referent)]
        hop_word = strongest_look(weights[-1:], pronoun, keys=others)
        hop_word = Look(len(weights) - 1, hop_word.head, hop_word.key, hop_word.weight)
        hop_noun = strongest_look(weights[:-1], hop_word.key, keys=[referent])
    probability = float(probabilities[token_ids[referent]])
    return PronounReading(referent, probability, direct, hop_word, hop_noun)
