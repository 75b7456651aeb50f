"""Attention's backward pass, by hand: each function undoes one function of core/attention.py.

Given dL/d(output) of a forward step, a backward step returns dL/d(input) (and dL/d(weights)).
It reuses what the forward step kept in its trace, so nothing is computed twice. The rest of
the model (embedding, residual stream, unembedding, loss) has its backward in core/model.py,
next to its forward; this file keeps core/model.py short enough to read in one go.
"""

import numpy as np

from core.attention import MultiHeadParams, MultiHeadTrace, merge_heads, split_heads


def softmax_backward(weights: np.ndarray, d_weights: np.ndarray) -> np.ndarray:
    """w = softmax(s)  =>  dL/ds_j = w_j (dL/dw_j − Σ_k w_k dL/dw_k).

    A blocked key has w_j = 0, so it gets no gradient: it never took part.
    """
    inner = (weights * d_weights).sum(axis=-1, keepdims=True)  # (..., seq_q, 1)
    return weights * (d_weights - inner)  # (..., seq_q, seq_k)


def attention_backward(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, weights: np.ndarray, d_output: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Undo output = softmax(q kᵀ / √d_k) v: from dL/d(output) to dL/dq, dL/dk, dL/dv.

    weights is the forward pass's softmax (..., seq_q, seq_k), blocked keys 0.
    """
    # output = weights @ v
    d_weights = d_output @ np.swapaxes(v, -1, -2)  # (..., seq_q, d_v) @ (..., d_v, seq_k)
    d_v = np.swapaxes(weights, -1, -2) @ d_output  # (..., seq_k, seq_q) @ (..., seq_q, d_v)
    # weights = softmax(scores), scores = dot_products / √d_k
    d_scores = softmax_backward(weights, d_weights)  # (..., seq_q, seq_k)
    d_dot_products = d_scores / np.sqrt(q.shape[-1])  # (..., seq_q, seq_k) the same 1/√d_k
    # dot_products = q @ kᵀ
    d_q = d_dot_products @ k  # (..., seq_q, seq_k) @ (..., seq_k, d_k) -> (..., seq_q, d_k)
    d_k = np.swapaxes(d_dot_products, -1, -2) @ q  # (..., seq_k, seq_q) @ (..., seq_q, d_k)
    return d_q, d_k, d_v


def weight_gradient(inputs: np.ndarray, d_outputs: np.ndarray) -> np.ndarray:
    """outputs = inputs @ w in every sentence  =>  dL/dw = Σ_sentences inputsᵀ @ dL/d(outputs)."""
    per_sentence = np.swapaxes(inputs, -1, -2) @ d_outputs  # (..., d_in, seq) @ (..., seq, d_out)
    return per_sentence.sum(axis=tuple(range(per_sentence.ndim - 2)))  # (d_in, d_out)


def multi_head_backward(
    x: np.ndarray, params: MultiHeadParams, trace: MultiHeadTrace, d_output: np.ndarray
) -> tuple[np.ndarray, MultiHeadParams]:
    """Undo multi_head_attention: dL/dx, and dL/dw_q … dL/dw_o in the shape of the params."""
    # output = concat @ w_o
    d_w_o = weight_gradient(trace.concat, d_output)  # (d_model, d_model)
    d_concat = d_output @ params.w_o.T  # (..., seq_len, d_model)
    # concat = the heads side by side
    d_heads = split_heads(d_concat, params.n_heads)  # (..., n_heads, seq_len, d_head)
    d_q, d_k, d_v = attention_backward(trace.q, trace.k, trace.v, trace.weights, d_heads)
    # q = split_heads(x @ w_q), and the same for k and v
    d_q, d_k, d_v = merge_heads(d_q), merge_heads(d_k), merge_heads(d_v)  # (..., seq, d_model)
    d_x = d_q @ params.w_q.T + d_k @ params.w_k.T + d_v @ params.w_v.T  # (..., seq, d_model)
    grads = MultiHeadParams(
        w_q=weight_gradient(x, d_q),
        w_k=weight_gradient(x, d_k),
        w_v=weight_gradient(x, d_v),
        w_o=d_w_o,
        n_heads=params.n_heads,
    )
    return d_x, grads
