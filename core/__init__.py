"""The Attention Playground engine: NumPy and the standard library only (a test checks).

Computations that a page draws return a *trace*, a frozen dataclass holding each intermediate
by a guessable name (`scores`, `weights`, `heads`), so the pages only draw; small helpers
(softmax, split_heads, valid_head_counts) return plain arrays or numbers.

tokenizer    words, 어절, punctuation and emoji as tokens
embedding    token ids, the lookup table, vectors × √d_model
positional   sinusoidal and learned positional encodings
attention    scaled dot-product and multi-head attention (an optional batch axis and key mask)
pipeline     one sentence through every step with random weights: PipelineTrace
analysis     similarity, PCA, entropy, head distances
experiments  the shuffle and √d_k experiments
tasks        small tasks whose right attention is known (previous, reverse, sort, coreference)
model        a tiny Transformer: forward, loss and the backward pass written by hand
backward     the backward of each attention step, next to what it undoes
training     Adam, training runs with checkpoints, where the trained heads look
exercises    "check yourself" exercises computed from a learner's own trace
"""
