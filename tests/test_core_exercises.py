"""The check-yourself exercises: every answer recomputed independently (the paper's formulas,
plain loops, properties of attention), for random sentences and settings."""

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import exercises
from core.attention import valid_head_counts
from core.exercises import EXERCISE_IDS, TRACE_PAGES, exercises_for, shape_numbers
from core.experiments import order_experiment
from core.pipeline import run_pipeline

PAGES = TRACE_PAGES  # the pages whose exercises read a PipelineTrace (learn: its own test)
WORDS = ("the", "The", "cat", "sat", "it", "고양이가", "쥐를", "😀", "$x$", "[a](b)", "*", "bank")
FEW = settings(max_examples=30, deadline=None)

sentences = st.lists(st.sampled_from(WORDS), min_size=1, max_size=36).map(" ".join)
sizes = st.sampled_from(range(8, 513, 8)).flatmap(
    lambda d: st.tuples(st.just(d), st.sampled_from(valid_head_counts(d, 16)))
)
seeds = st.integers(0, 9999)


def page_trace(page_id: str, text: str, d_model: int, n_heads: int, seed: int = 0):
    """The trace a page draws at its default choices: the self-attention page uses one head."""
    return run_pipeline(text, d_model, 1 if page_id == "attention" else n_heads, seed)


def softmax_row(scores: list[float]) -> list[float]:
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    return [e / sum(exps) for e in exps]


def dot(a, b) -> float:
    return sum(float(x) * float(y) for x, y in zip(a, b))


def expected_answers(page_id: str, trace, by_id: dict) -> dict:
    """Every answer of a page, worked out again without core.exercises."""
    tokens, x, p = trace.tokens, trace.x, trace.params
    n, d, h = len(tokens), x.shape[1], p.n_heads
    q, k = x @ p.w_q, x @ p.w_k  # (seq_len, d_model) each, as in the paper: Q = X W_Q
    if page_id == "embedding":
        ids = {}
        for token in tokens:
            ids.setdefault(token, len(ids))
        i, j = by_id["emb_cosine"].params["i"], by_id["emb_cosine"].params["j"]
        a, b = trace.embedding.vectors[i], trace.embedding.vectors[j]
        pair = by_id["emb_same_vector"].params
        return {
            "emb_shape_x": f"{n} × {d}",
            "emb_token_id": ids[tokens[by_id["emb_token_id"].params["pos"]]],
            "emb_same_vector": "same" if tokens[pair["i"]] == tokens[pair["j"]] else "different",
            "emb_cosine": dot(a, b) / math.sqrt(dot(a, a) * dot(b, b)),
        }
    if page_id == "positional":
        pos, col = by_id["pe_value"].params["pos"], by_id["pe_value"].params["col"]
        wave_col = by_id["pe_wavelength"].params["col"]
        last = by_id["pe_self_dot"].params["pos"]

        def pe(position: int, column: int) -> float:  # §3.5
            angle = position / 10000 ** (2 * (column // 2) / d)
            return math.sin(angle) if column % 2 == 0 else math.cos(angle)

        return {
            "pe_value": pe(pos, col),
            "pe_wavelength": 2 * math.pi * 10000 ** (2 * (wave_col // 2) / d),
            "pe_self_dot": sum(pe(last, c) ** 2 for c in range(d)),
            # Without PE attention is permutation-equivariant; with PE a moved word changes.
            "pe_shuffle": "neither" if n == 1 else "with_pe",
        }
    if page_id == "qkv":
        col = by_id["qkv_head_of_column"].params["col"]
        dots = [dot(q[0], k[j]) for j in range(n)]
        return {
            "qkv_shape_k": f"{n} × {d}",
            "qkv_params": 3 * d * d,
            "qkv_head_of_column": col // (d // h),
            "qkv_best_key": max(range(n), key=dots.__getitem__),
        }
    if page_id == "attention":
        last = n - 1
        scores = [dot(q[last], k[j]) / math.sqrt(d) for j in range(n)]
        return {
            "attn_shape_weights": f"{n} × {n}",
            "attn_scaled_score": scores[0],
            "attn_max_weight": max(softmax_row(scores)),
            # The mask hides nothing from the last query, and something from every other.
            "attn_causal": "every" if n == 1 else "last",
        }
    d_head, head, last = d // h, h - 1, n - 1
    cols = slice(head * d_head, (head + 1) * d_head)
    scores = [dot(q[last, cols], k[j, cols]) / math.sqrt(d_head) for j in range(n)]
    return {
        "mha_shape_head": f"{n} × {d_head}",
        "mha_params": 4 * d * d,
        "mha_max_weight": max(softmax_row(scores)),
        # Softmax per head, then averaged, is not the softmax of the summed scores.
        "mha_one_vs_many": "same" if h == 1 or n == 1 else "different",
    }


def wrong_answers(exercise) -> list:
    answer = exercise.answer
    if exercise.kind == "shape":
        sizes_ = shape_numbers(answer)
        return [f"{sizes_[0] + 1} × {sizes_[1]}", f"{sizes_[0]} × {sizes_[1]} × 1", "", None]
    if exercise.kind == "number":
        return [answer + 10 * exercise.tolerance + 1, answer - 10 * exercise.tolerance - 0.5, None]
    accepted = exercise.solution.accepted or (answer,)
    return [option for option in exercise.options if option not in accepted] + [None]


@pytest.mark.parametrize("page_id", PAGES)
@FEW
@given(text=sentences, size=sizes, seed=seeds)
def test_every_answer_matches_an_independent_computation(page_id, text, size, seed):
    trace = page_trace(page_id, text, *size, seed)
    found = exercises_for(page_id, trace)
    by_id = {exercise.id: exercise for exercise in found}
    for exercise_id, expected in expected_answers(page_id, trace, by_id).items():
        exercise = by_id[exercise_id]
        assert exercise.check(expected), (exercise_id, expected, exercise.answer)
        assert exercise.check(exercise.answer), exercise_id
        for wrong in wrong_answers(exercise):
            assert not exercise.check(wrong), (exercise_id, wrong, exercise.answer)


@pytest.mark.parametrize("page_id", PAGES)
@FEW
@given(text=sentences, size=sizes, seed=seeds)
def test_prompt_positions_exist_and_name_their_tokens(page_id, text, size, seed):
    trace = page_trace(page_id, text, *size, seed)
    for exercise in exercises_for(page_id, trace):
        for name, value in exercise.params.items():
            if name in ("pos", "i", "j"):
                assert 0 <= value < len(trace.tokens)
                token = exercise.params["token" if name == "pos" else f"token_{name}"]
                assert token == trace.tokens[value]
        if exercise.kind == "choice" and isinstance(exercise.options[0], int):
            assert exercise.options == tuple(range(len(trace.tokens)))


@pytest.mark.parametrize("page_id", PAGES)
def test_each_page_has_three_to_five_exercises_of_two_kinds_or_more(page_id):
    found = exercises_for(page_id, page_trace(page_id, "hello", 8, 1))
    assert 3 <= len(found) <= 5
    assert len({exercise.kind for exercise in found}) >= 2
    assert {exercise.kind for exercise in found} <= {"shape", "number", "choice", "predict"}


@pytest.mark.parametrize("page_id", PAGES)
def test_ids_are_stable_unique_and_fit_a_widget_key(page_id):
    first = exercises_for(page_id, page_trace(page_id, "the cat sat on the mat", 64, 4))
    other = exercises_for(page_id, page_trace(page_id, "고양이가 쥐를 쫓았다", 256, 16, seed=7))
    ids = [exercise.id for exercise in first]
    assert ids == [exercise.id for exercise in other] == list(EXERCISE_IDS[page_id])
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z0-9_]+", exercise_id) for exercise_id in ids)


def test_ids_are_unique_over_all_pages():
    ids = [exercise_id for page in EXERCISE_IDS.values() for exercise_id in page]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("page_id", PAGES)
def test_some_answer_changes_with_the_sentence_and_with_d_model(page_id):
    def answers(text: str, d_model: int) -> list:
        trace = page_trace(page_id, text, d_model, 2)
        return [exercise.answer for exercise in exercises_for(page_id, trace)]

    base = answers("the cat sat on the mat", 64)
    assert answers("a dog ran far away from home today", 64) != base
    assert answers("the cat sat on the mat", 128) != base


@pytest.mark.parametrize("page_id", PAGES)
def test_a_one_token_sentence_still_gets_every_exercise(page_id):
    trace = page_trace(page_id, "😀", 8, 2)
    found = exercises_for(page_id, trace)
    assert [exercise.id for exercise in found] == list(EXERCISE_IDS[page_id])
    assert all(exercise.check(exercise.answer) for exercise in found)


def test_shuffle_numbers_are_the_positional_pages_experiment_at_seed_zero():
    trace = run_pipeline("the cat sat on the mat", 32, 4, seed=0)
    shuffle = next(e for e in exercises_for("positional", trace) if e.id == "pe_shuffle")
    order = order_experiment(trace.tokens, 32, 4, seed=0)
    assert shuffle.worked["gap_plain"] < 1e-9 < order.gap_pe
    assert shuffle.worked["gap_pe"] == pytest.approx(order.gap_pe, rel=1e-9)


def test_building_exercises_runs_no_experiment(monkeypatch):
    """Answers are worked out when first asked for: building a page's list stays cheap."""
    trace = run_pipeline("the cat sat on the mat", 64, 4)

    def refuse(*args, **kwargs):
        raise AssertionError("attention ran while the exercises were only being built")

    monkeypatch.setattr(exercises, "multi_head_attention", refuse)
    monkeypatch.setattr(exercises, "scaled_dot_product_attention", refuse)
    found = {page: exercises_for(page, trace) for page in PAGES}
    shuffle = next(e for e in found["positional"] if e.id == "pe_shuffle")
    with pytest.raises(AssertionError):
        shuffle.check("with_pe")


@pytest.mark.parametrize(
    "text",
    ["11 × 64", "11x64", "11 X 64", "(11, 64)", "[11,64]", "11 * 64", " 11  64 ", "１１×６４"],
)
def test_a_shape_is_read_leniently(text):
    assert shape_numbers(text) == (11, 64)


@pytest.mark.parametrize(
    "text", ["64 × 11", "11 × 64 × 1", "seq_len × d_model", "11 × ", "", "1e1"]
)
def test_a_wrong_or_unreadable_shape_is_not_right(text):
    exercise = exercises_for("embedding", run_pipeline("a b c d e f g h i j k", 64, 4))[0]
    assert exercise.answer == "11 × 64"
    assert not exercise.check(text)


@pytest.mark.parametrize("response", [True, "0.5", None, float("nan")])
def test_a_number_exercise_takes_numbers_only(response):
    trace = run_pipeline("the cat", 8, 1)
    exercise = next(e for e in exercises_for("qkv", trace) if e.kind == "number")
    assert not exercise.check(response)


def test_a_number_within_the_tolerance_counts():
    trace = run_pipeline("the cat sat", 16, 2)
    exercise = next(e for e in exercises_for("positional", trace) if e.id == "pe_value")
    assert exercise.tolerance > 0
    assert exercise.check(exercise.answer + 0.9 * exercise.tolerance)
    assert not exercise.check(exercise.answer + 1.1 * exercise.tolerance)


@pytest.mark.parametrize("task_name", ["previous", "sort", "coreference_en", "coreference_ko"])
@pytest.mark.parametrize("sizes", [(32, 4, 2), (8, 1, 1), (128, 8, 3)])
def test_the_learn_pages_answers_match_the_model_written_out(task_name, sizes):
    from core.exercises import LearnSetup
    from core.model import ModelConfig
    from core.tasks import TASKS

    task = TASKS[task_name]
    d, heads, layers = sizes
    config = ModelConfig(len(task.vocab), task.seq_len, d, heads, layers, pad_id=task.pad_id)
    found = {e.id: e for e in exercises_for("learn", LearnSetup(config, task))}
    assert list(found) == list(EXERCISE_IDS["learn"])
    vocab = len(task.vocab)
    # W_E (vocab, d), W_pos (seq_len, d), per layer W_Q, W_K, W_V, W_O (d, d), W_U (d, vocab)
    written_out = vocab * d + task.seq_len * d + layers * 4 * d * d + d * vocab
    assert found["learn_params"].check(written_out)
    assert not found["learn_params"].check(written_out - d * d)  # one matrix forgotten
    assert found["learn_d_head"].check(d // heads) and not found["learn_d_head"].check(
        d // heads + 1
    )
    guesses = 2 if task_name.startswith("coreference") else 10  # two nouns, or ten digits
    assert found["learn_chance"].check(1 / guesses)
    assert not found["learn_chance"].check(1 / guesses + 0.05)
