"""Training: each task learned with its defaults (seed 0), judged on held-out examples."""

import pickle
import time
from functools import cache

import numpy as np
import pytest

from core.model import forward, init_model
from core.tasks import TASKS, Batch, coreference_batch, coreference_sentences
from core.training import (
    StopTraining,
    accuracy,
    adam_update,
    attention_routes,
    model_config,
    referent_attention,
    route_of,
    train,
)

COREFERENCE = ("coreference_en", "coreference_ko")
DEFAULT_SENTENCE = "The animal didn't cross the street because it was too tired"


@cache
def trained(name: str):
    """The default run of a task, and the seconds it took until held-out accuracy ≥ 95%."""
    start, reached = time.monotonic(), []

    def on_step(progress):
        if progress.record.test_accuracy >= 0.95 and not reached:
            reached.append(time.monotonic() - start)

    run = train(name, on_step=on_step)
    return run, (reached[0] if reached else float("inf"))


@cache
def held_out(name: str) -> Batch:
    """Every held-out sentence of a coreference task; 2,000 held-out sequences otherwise."""
    if name not in COREFERENCE:
        return TASKS[name].sample(np.random.default_rng(123), 2000, "test")
    everything, is_held_out = coreference_batch(name)
    positions = {key: where[is_held_out] for key, where in everything.positions.items()}
    return Batch(everything.token_ids[is_held_out], everything.targets[is_held_out], positions)


def loop_accuracy(params, batch: Batch) -> float:
    logits = forward(params, batch.token_ids).logits
    right = total = 0
    for b, row in enumerate(batch.targets):
        for i, target in enumerate(row):
            if target != -1:
                total += 1
                right += int(np.argmax(logits[b, i]) == target)
    return right / total


# --- the targets of the brief --------------------------------------------------------------


@pytest.mark.parametrize("name", list(TASKS))
def test_default_run_reaches_95_percent_on_held_out_examples(name):
    run, _ = trained(name)
    assert accuracy(run.params, held_out(name)) >= 0.95


@pytest.mark.parametrize("name", COREFERENCE)
def test_coreference_reaches_95_percent_within_60_seconds(name):
    _, seconds = trained(name)
    assert seconds <= 60


@pytest.mark.parametrize("name", COREFERENCE)
def test_some_head_puts_most_of_the_pronouns_attention_on_the_referent(name):
    run, _ = trained(name)
    found = referent_attention(run, name, held_out(name))
    assert (found.weight >= 0.6).mean() >= 0.9


@pytest.mark.parametrize("name", COREFERENCE)
def test_the_example_sentences_are_answered_right(name):
    """The page's examples (the app's default sentence first), the held-out one included."""
    run, _ = trained(name)
    task = TASKS[name]
    sentences = {sentence.text: sentence for sentence in coreference_sentences(name)}
    for example in task.examples:
        sentence = sentences[example]
        predicted = forward(run.params, task.encode(sentence.tokens)[None, :]).logits[0]
        answer = task.vocab[predicted[sentence.positions["pronoun"]].argmax()]
        assert answer == sentence.tokens[sentence.positions["referent"]], example


def test_the_default_sentence_is_answered_animal():
    run, _ = trained("coreference_en")
    task = TASKS["coreference_en"]
    ids = task.encode(DEFAULT_SENTENCE.split())[None, :]  # (1, seq_len) padded
    assert task.vocab[forward(run.params, ids).logits[0, 7].argmax()] == "animal"  # 7 = "it"


# --- what the run keeps --------------------------------------------------------------------


def test_history_records_every_ten_steps_and_the_last():
    run, _ = trained("previous")
    steps = [record.step for record in run.history]
    assert steps == list(range(0, TASKS["previous"].steps + 1, 10))
    for record in run.history:
        assert 0.0 <= record.train_accuracy <= 1.0 and 0.0 <= record.test_accuracy <= 1.0
        assert record.loss > 0
    assert run.history[-1].loss < run.history[0].loss


def test_checkpoints_span_the_run_from_the_starting_weights():
    run, _ = trained("previous")
    steps = [step for step, _ in run.checkpoints]
    assert 10 <= len(steps) <= 20
    assert steps[0] == 0 and steps[-1] == TASKS["previous"].steps
    assert steps == sorted(set(steps))
    start = init_model(model_config(TASKS["previous"]), seed=0)
    np.testing.assert_array_equal(run.checkpoints[0][1].w_e, start.w_e)
    np.testing.assert_array_equal(run.checkpoints[-1][1].w_e, run.params.w_e)


def test_same_seed_gives_the_same_run_bit_for_bit():
    a, b = train("coreference_ko", steps=12, seed=3), train("coreference_ko", steps=12, seed=3)
    assert a.history == b.history
    for name, array in a.params.state_dict().items():
        np.testing.assert_array_equal(array, b.params.state_dict()[name])


def test_another_seed_gives_another_run():
    a, b = train("previous", steps=5, seed=0), train("previous", steps=5, seed=1)
    assert not np.allclose(a.params.w_e, b.params.w_e)


def test_on_step_returning_false_stops_the_run():
    seen = []

    def on_step(progress):
        seen.append(progress.step)
        return progress.step < 20

    run = train("reverse", steps=100, on_step=on_step)
    assert seen == [0, 10, 20]
    assert run.history[-1].step == 20
    assert run.checkpoints[0][0] == 0 and run.checkpoints[-1][0] == 20


def test_on_step_raising_stop_training_stops_the_run():
    def on_step(progress):
        if progress.step == 10:
            raise StopTraining

    run = train("sort", steps=100, on_step=on_step)
    assert run.history[-1].step == 10
    assert progress_params_equal(run.params, run.checkpoints[-1][1])


def progress_params_equal(a, b) -> bool:
    return all(np.array_equal(a.state_dict()[n], b.state_dict()[n]) for n in a.state_dict())


def test_on_step_sees_the_current_weights():
    captured = {}

    def on_step(progress):
        captured[progress.step] = progress.params
        assert progress.total_steps == 30 and progress.record.step == progress.step

    run = train("previous", steps=30, on_step=on_step)
    assert progress_params_equal(captured[30], run.params)


def test_train_takes_a_task_or_its_name():
    a, b = train("previous", steps=3), train(TASKS["previous"], steps=3)
    assert a.history == b.history


# --- pieces --------------------------------------------------------------------------------


def test_accuracy_equals_a_loop_over_asked_positions():
    run, _ = trained("coreference_en")
    batch = TASKS["coreference_en"].sample(np.random.default_rng(5), 100, "test")
    early = run.checkpoints[2][1]  # a model that still gets some wrong
    assert accuracy(early, batch) == pytest.approx(loop_accuracy(early, batch), abs=1e-12)


def test_first_adam_step_moves_each_weight_by_the_learning_rate():
    """At step 1, m̂ = g and v̂ = g², so every weight moves by lr · sign(g)."""
    weights = {"w": np.array([1.0, -2.0, 3.0])}
    grads = {"w": np.array([0.5, -40.0, 1e-3])}
    new, _ = adam_update(weights, grads, {}, step=1, lr=0.01)
    np.testing.assert_allclose(new["w"] - weights["w"], [-0.01, 0.01, -0.01], rtol=1e-4)


def test_route_of_names_direct_two_hop_and_unclear_routes():
    zeros = np.zeros((2, 3))  # (n_layers, n_heads)
    to_referent, to_adjective = zeros.copy(), zeros.copy()
    to_referent[1, 2], to_adjective[0, 1] = 0.9, 0.8
    direct = route_of(to_referent, to_adjective, zeros, 0.6)
    assert direct.kind == "direct"
    assert [(h.layer, h.head, h.key, h.weight) for h in direct.hops] == [
        (0, 1, "adjective", 0.8),
        (1, 2, "referent", 0.9),
    ]
    early = zeros.copy()
    early[0, 1] = 0.99
    assert [(h.layer, h.head) for h in route_of(early, zeros, zeros, 0.6).hops] == [(0, 1)]
    adjective_to_referent, to_adjective = zeros.copy(), zeros.copy()
    adjective_to_referent[0, 0], to_adjective[1, 2] = 0.7, 0.95
    two = route_of(zeros, to_adjective, adjective_to_referent, 0.6)
    assert two.kind == "two hops"
    assert [(h.layer, h.head, h.query, h.key) for h in two.hops] == [
        (0, 0, "adjective", "referent"),
        (1, 2, "pronoun", "adjective"),
    ]
    assert route_of(zeros + 0.3, zeros + 0.3, zeros + 0.3, 0.6).kind == "unclear"


@pytest.mark.parametrize("name", COREFERENCE)
def test_routes_agree_with_referent_attention(name):
    run, _ = trained(name)
    batch = held_out(name)
    found = referent_attention(run.params, TASKS[name], batch)
    routes = attention_routes(run, name, batch)
    assert len(routes) == len(batch.token_ids)
    for route, weight in zip(routes, found.weight, strict=True):
        assert (route.kind == "direct") == (weight >= 0.6)
        if route.kind == "direct":
            assert route.hops[-1].weight == weight


def test_referent_attention_picks_the_strongest_head():
    run, _ = trained("coreference_en")
    batch = held_out("coreference_en")
    found = referent_attention(run, "coreference_en", batch)
    trace = forward(run.params, batch.token_ids)
    for i in range(0, len(batch.token_ids), 37):
        p, r = batch.positions["pronoun"][i], batch.positions["referent"][i]
        per_head = [
            [layer.attention.weights[i, h, p, r] for h in range(4)] for layer in trace.layers
        ]
        assert found.weight[i] == max(max(row) for row in per_head)
        assert per_head[found.layer[i]][found.head[i]] == found.weight[i]


def test_referent_attention_refuses_a_task_without_pronoun():
    run, _ = trained("previous")
    batch = TASKS["previous"].sample(np.random.default_rng(0), 4)
    with pytest.raises(ValueError, match="coreference"):
        referent_attention(run, "previous", batch)


def test_a_run_survives_pickling_to_another_process():
    run = pickle.loads(pickle.dumps(trained("coreference_ko")[0]))
    assert run.history == trained("coreference_ko")[0].history
    assert run.task.sample(np.random.default_rng(0), 2).token_ids.shape == (2, run.task.seq_len)
