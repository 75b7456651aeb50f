"""'Check yourself' exercises, built from the learner's own trace: shapes, numbers, predictions.

Every page has a fixed list of exercises (EXERCISE_IDS); their numbers come from the trace the page
drew, so they change with the sentence and the settings. An answer is worked out only when it is
first asked for (`Exercise.solution`): most take microseconds, the shuffle experiment milliseconds.
Sentences live in content/<lang>/exercises.toml; here are only numbers.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from core.analysis import cosine_similarity, head_average, position_similarity, query_key_dots
from core.attention import (
    attend_one_query,
    causal_mask,
    head_columns,
    multi_head_attention,
    scaled_dot_product_attention,
)
from core.experiments import order_matters, shuffle_order
from core.model import ModelConfig, weight_count
from core.pipeline import PipelineTrace
from core.positional import sinusoidal_encoding, wavelength
from core.tasks import WORDS, Task

EXERCISE_IDS = {  # page id -> its exercises, in order; fixed whatever the sentence
    "embedding": ("emb_shape_x", "emb_token_id", "emb_same_vector", "emb_cosine"),
    "positional": ("pe_value", "pe_wavelength", "pe_self_dot", "pe_shuffle"),
    "qkv": ("qkv_shape_k", "qkv_params", "qkv_head_of_column", "qkv_best_key"),
    "attention": ("attn_shape_weights", "attn_scaled_score", "attn_max_weight", "attn_causal"),
    "multihead": ("mha_shape_head", "mha_params", "mha_max_weight", "mha_one_vs_many"),
    "learn": ("learn_params", "learn_d_head", "learn_chance"),
}
TRACE_PAGES = ("embedding", "positional", "qkv", "attention", "multihead")  # read a PipelineTrace
SAME = ("same", "different")
SHUFFLE = ("neither", "without_pe", "with_pe", "both")
ROWS = ("first", "last", "every", "none")


@dataclass(frozen=True)
class Solution:
    """The right answer in the form its widget gives, and the numbers that explain it."""

    answer: object  # int or float (number), an option (choice, predict), "11 × 64" (shape)
    worked: dict  # named numbers for the worked answer ("show me")
    accepted: tuple = ()  # choices: every option that counts as right (a tie); else (answer,)


@dataclass(frozen=True)
class Exercise:
    """One question: its prompt's parameters, and a function that works out its answer."""

    id: str  # stable, [a-z0-9_]: the widget key is built from it
    kind: str  # "shape", "number", "choice" or "predict" (a choice answered before seeing)
    params: dict  # what the prompt needs: positions, token text, sizes
    solve: Callable[[], Solution] = field(repr=False, compare=False)
    tolerance: float = 0.0  # numbers: how far off an answer may be; 0 = exact
    options: tuple = ()  # choices: option keys, or token positions (ints)

    @cached_property
    def solution(self) -> Solution:
        return self.solve()

    @property
    def answer(self):
        return self.solution.answer

    @property
    def worked(self) -> dict:
        return self.solution.worked

    def check(self, response) -> bool:
        """Is the learner's response right? Shapes are read leniently: '11x64', '(11, 64)'."""
        if response is None:
            return False
        if self.kind == "shape":
            return shape_numbers(response) == shape_numbers(self.answer)
        if self.kind == "number":
            if isinstance(response, bool) or not isinstance(response, (int, float, np.number)):
                return False
            return bool(abs(float(response) - float(self.answer)) <= self.tolerance + 1e-9)
        return response in (self.solution.accepted or (self.answer,))


def shape_numbers(text) -> tuple[int, ...] | None:
    """'11 × 64', '11x64', '(11, 64)', '[11 * 64]' -> (11, 64); anything else -> None."""
    if not isinstance(text, str):
        return None
    inner = unicodedata.normalize("NFKC", text).strip().strip("()[] ")
    parts = re.split(r"\s*[x×X*,]\s*|\s+", inner)
    if not all(re.fullmatch(r"[0-9]+", part) for part in parts):
        return None
    return tuple(int(part) for part in parts)


def shape_text(*sizes: int) -> str:
    return " × ".join(str(int(n)) for n in sizes)


def _shape(exercise_id: str, params: dict, *sizes: int, **worked) -> Exercise:
    """A 'what is the shape of …?' exercise, answered as the pages write shapes: '11 × 64'."""
    return Exercise(exercise_id, "shape", params, lambda: Solution(shape_text(*sizes), worked))


def exercises_for(page_id: str, trace: "PipelineTrace | LearnSetup") -> tuple[Exercise, ...]:
    """The exercises of one page, for the trace that page drew (its default choices); for the
    "learn" page, the model it would train (a LearnSetup)."""
    return BUILDERS[page_id](trace)


def _embedding(trace: PipelineTrace) -> tuple[Exercise, ...]:
    tokens, emb = trace.tokens, trace.embedding
    n, d = emb.vectors.shape  # (seq_len, d_model)
    first = [tokens.index(token) for token in tokens]  # where each token's word first appears
    repeats = [p for p in range(n) if first[p] < p]  # positions of a word seen before
    pos = repeats[-1] if repeats else n - 1
    i, j = (first[repeats[0]], repeats[0]) if repeats else (0, min(1, n - 1))

    def token_id() -> Solution:
        return Solution(int(emb.token_ids[pos]), {"first": first[pos], "distinct": len(emb.vocab)})

    def same_vector() -> Solution:
        a, b = emb.vectors[i], emb.vectors[j]  # (d_model,) each
        cos = float(cosine_similarity(np.stack([a, b]))[0, 1])
        same = "same" if np.array_equal(a, b) else "different"
        return Solution(same, {"cos": cos, "gap": float(np.abs(a - b).max())})

    def cosine() -> Solution:
        a, b = emb.vectors[0], emb.vectors[n - 1]
        norms = float(np.linalg.norm(a)), float(np.linalg.norm(b))
        cos = float(cosine_similarity(np.stack([a, b]))[0, 1])
        return Solution(cos, {"dot": float(a @ b), "norm_i": norms[0], "norm_j": norms[1]})

    pair = {"i": i, "token_i": tokens[i], "j": j, "token_j": tokens[j]}
    ends = {"i": 0, "token_i": tokens[0], "j": n - 1, "token_j": tokens[n - 1]}
    return (
        _shape("emb_shape_x", {"seq_len": n, "d_model": d}, n, d),
        Exercise("emb_token_id", "number", {"pos": pos, "token": tokens[pos]}, token_id),
        Exercise("emb_same_vector", "choice", pair, same_vector, options=SAME),
        Exercise("emb_cosine", "number", ends, cosine, tolerance=0.01),
    )


def _shuffle_gaps(trace: PipelineTrace) -> tuple[float, float, int]:
    """The positional page's experiment with the trace's own weights: shuffle the words, run
    attention with and without the sinusoidal PE, and measure the largest change of an output
    beyond moving along with its word. The trace keeps no seed: the shuffle is seed 0's."""
    e, params = trace.embedding.vectors, trace.params  # e: (seq_len, d_model)
    n, d = e.shape
    perm = shuffle_order(n)  # (seq_len,) shuffled[i] = tokens[perm[i]]; e[perm] embeds them

    def gap(shift: np.ndarray | float) -> float:
        before = multi_head_attention(e + shift, params).output[perm]  # (seq_len, d_model)
        after = multi_head_attention(e[perm] + shift, params).output  # (seq_len, d_model)
        return float(np.abs(after - before).max())

    return gap(0.0), gap(sinusoidal_encoding(n, d)), int((perm != np.arange(n)).sum())


def _positional(trace: PipelineTrace) -> tuple[Exercise, ...]:
    tokens, (n, d) = trace.tokens, trace.x.shape
    pos, col, wave_col, middle = n - 1, 2 if d > 2 else 0, 4 if d > 4 else 0, n // 2

    def value() -> Solution:
        pair, exponent = col // 2, 2 * (col // 2) / d
        angle = pos / 10000**exponent
        pe = float(sinusoidal_encoding(pos + 1, d)[pos, col])
        return Solution(pe, {"pair": pair, "exponent": exponent, "angle": angle})

    def wave() -> Solution:
        pair = wave_col // 2
        return Solution(wavelength(wave_col, d), {"pair": pair, "exponent": 2 * pair / d})

    def self_dot() -> Solution:
        similarity = position_similarity(sinusoidal_encoding(n, d))  # (seq_len, seq_len)
        return Solution(float(similarity[middle, middle]), {"pairs": d // 2})

    def shuffle() -> Solution:
        plain, with_pe, moved = _shuffle_gaps(trace)
        answer = SHUFFLE[order_matters(plain) + 2 * order_matters(with_pe)]
        return Solution(answer, {"gap_plain": plain, "gap_pe": with_pe, "moved": moved})

    sizes = {"seq_len": n, "d_model": d, "n_heads": trace.params.n_heads}
    return (
        Exercise("pe_value", "number", {"pos": pos, "token": tokens[pos], "col": col}, value, 0.01),
        Exercise("pe_wavelength", "number", {"col": wave_col, "d_model": d}, wave, 0.1),
        Exercise(
            "pe_self_dot",
            "number",
            {"pos": middle, "token": tokens[middle], "d_model": d},
            self_dot,
            0.01,
        ),
        Exercise("pe_shuffle", "predict", sizes, shuffle, options=SHUFFLE),
    )


def _qkv(trace: PipelineTrace) -> tuple[Exercise, ...]:
    tokens, proj, params = trace.tokens, trace.projections, trace.params
    (n, d), n_heads, col = proj.k.shape, params.n_heads, (2 * params.d_model) // 3

    def n_weights() -> Solution:
        each = params.w_q.size
        return Solution(each + params.w_k.size + params.w_v.size, {"each": each})

    def head_of_column() -> Solution:
        blocks = head_columns(d, n_heads)  # [(first, last)] column of each head
        head = next(h for h, (start, end) in enumerate(blocks) if start <= col <= end)
        start, end = blocks[head]
        return Solution(head, {"d_head": params.d_head, "start": start, "end": end})

    def best_key() -> Solution:
        dots = query_key_dots(proj.q, proj.k, 0)  # (seq_len,) q_0 · k_j
        top = float(dots.max())
        ties = tuple(int(j) for j in np.flatnonzero(dots >= top - 1e-9 * max(1.0, abs(top))))
        return Solution(ties[0], {"dot_best": top, "dot_self": float(dots[0])}, ties)

    heads = {"col": col, "d_model": d, "n_heads": n_heads}
    return (
        _shape("qkv_shape_k", {"seq_len": n, "d_model": d}, n, d),
        Exercise("qkv_params", "number", {"d_model": d}, n_weights),
        Exercise("qkv_head_of_column", "number", heads, head_of_column),
        Exercise(
            "qkv_best_key",
            "choice",
            {"pos": 0, "token": tokens[0]},
            best_key,
            options=tuple(range(n)),
        ),
    )


def _attention(trace: PipelineTrace) -> tuple[Exercise, ...]:
    """The self-attention page draws one head over all d_model columns: d_k = d_model. Its
    numbers come from the full q, k, v, so any head count of the trace gives the same ones."""
    tokens, proj = trace.tokens, trace.projections
    (n, d), last = proj.q.shape, len(trace.tokens) - 1
    row = attend_one_query(proj.q, proj.k, proj.v, last)  # the last query: no mask changes it

    def max_weight() -> Solution:
        return Solution(float(row.weights.max()), {"best": int(row.weights.argmax())})

    def causal() -> Solution:
        before = scaled_dot_product_attention(proj.q, proj.k, proj.v).weights  # (seq, seq)
        after = scaled_dot_product_attention(proj.q, proj.k, proj.v, causal_mask(n)).weights
        kept = list(np.abs(after - before).max(axis=1) <= 1e-12)  # (seq_len,) row unchanged?
        truth = (kept[0], kept[-1], all(kept), not any(kept))  # one per option of ROWS
        accepted = tuple(key for key, right in zip(ROWS, truth) if right) or ("none",)
        answer = "every" if all(kept) else accepted[0]
        worked = {
            "first_before": float(before[0, 0]),
            "first_after": float(after[0, 0]),
            "last_change": float(np.abs(after[-1] - before[-1]).max()),
            "zeros": int((after == 0).sum()),
        }
        return Solution(answer, worked, accepted)

    score = {"i": last, "token_i": tokens[last], "j": 0, "token_j": tokens[0]}
    score["dot"] = round(float(row.dot_products[0]), 4)
    return (
        _shape("attn_shape_weights", {"seq_len": n, "d_model": d}, n, n),
        Exercise(
            "attn_scaled_score",
            "number",
            score,
            lambda: Solution(float(row.scores[0]), {"d_k": d, "root": float(np.sqrt(d))}),
            0.01,
        ),
        Exercise(
            "attn_max_weight", "number", {"pos": last, "token": tokens[last]}, max_weight, 0.01
        ),
        Exercise("attn_causal", "predict", {"seq_len": n, "d_model": d}, causal, options=ROWS),
    )


def _multihead(trace: PipelineTrace) -> tuple[Exercise, ...]:
    tokens, att, params, proj = trace.tokens, trace.attention, trace.params, trace.projections
    n_heads, (n, d_head), d = params.n_heads, att.q.shape[1:], params.d_model
    head, last = n_heads - 1, n - 1

    def n_weights() -> Solution:
        each = params.w_q.size
        total = each + params.w_k.size + params.w_v.size + params.w_o.size
        return Solution(total, {"each": each})

    def max_weight() -> Solution:
        weights = att.weights[head, last]  # (seq_len,) one query's row in one head
        return Solution(float(weights.max()), {"best": int(weights.argmax())})

    def one_vs_many() -> Solution:
        single = scaled_dot_product_attention(proj.q, proj.k, proj.v).weights  # d_k = d_model
        gap = float(np.abs(single - head_average(att.weights)).max())  # (seq_len, seq_len)
        return Solution(SAME[gap > 1e-9], {"gap": gap})

    sizes = {"seq_len": n, "d_model": d, "n_heads": n_heads}
    return (
        _shape("mha_shape_head", sizes, n, d_head, d_head=d_head),
        Exercise("mha_params", "number", {"d_model": d, "n_heads": n_heads}, n_weights),
        Exercise(
            "mha_max_weight",
            "number",
            {"head": head, "pos": last, "token": tokens[last]},
            max_weight,
            0.01,
        ),
        Exercise("mha_one_vs_many", "predict", sizes, one_vs_many, options=SAME),
    )


@dataclass(frozen=True)
class LearnSetup:
    """What the "watch it learn" page's exercises read: the model it would train, its task."""

    config: ModelConfig
    task: Task

    @property
    def tokens(self) -> tuple[str, ...]:
        return ()  # no sentence of the learner's own on this page


def _learn(setup: LearnSetup) -> tuple[Exercise, ...]:
    config, task = setup.config, setup.task
    sizes = {"d_model": config.d_model, "n_heads": config.n_heads, "n_layers": config.n_layers}

    def n_params() -> Solution:
        return Solution(
            weight_count(config),  # every matrix of the model's state_dict()
            {"vocab": config.vocab_size, "seq_len": config.seq_len, **sizes},
        )

    def chance() -> Solution:
        # "what does it refer to?": one of the sentence's two nouns; else any token of the vocab
        choices = 2 if task.name in WORDS else len(task.vocab) - (task.pad_id is not None)
        return Solution(round(1 / choices, 4), {"choices": choices})

    return (
        Exercise("learn_params", "number", sizes, n_params),
        Exercise(
            "learn_d_head",
            "number",
            sizes,
            lambda: Solution(config.d_model // config.n_heads, sizes),
        ),
        Exercise("learn_chance", "number", {"task": task.name}, chance, tolerance=0.01),
    )


BUILDERS = {
    "embedding": _embedding,
    "positional": _positional,
    "qkv": _qkv,
    "attention": _attention,
    "multihead": _multihead,
    "learn": _learn,
}
