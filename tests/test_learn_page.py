"""The "watch it learn" page: it runs in both languages at every slider's ends, Train starts a
shared run whose curves and head maps it draws, the replay slider swaps the maps, Stop stops,
and the numbers it writes are the run's own (recomputed here where they are derived)."""

import io
import json
from dataclasses import replace

import numpy as np
import pyarrow.ipc
import pytest

from core.model import ModelConfig, forward, init_model
from core.tasks import TASKS, coreference_batch
from tests.apptest import run_page, shown_texts
from ui import engine
from ui import learn_view as view
from ui.i18n import LANGS, MISSING, labels
from ui.training_jobs import Request

EN = labels("en")
ENDS = {
    "default": {},
    "low": {"learn_d_model": 8, "learn_n_heads": 1, "learn_n_layers": 1, "learn_steps": 10},
    "high": {"learn_d_model": 128, "learn_n_heads": 8, "learn_n_layers": 3, "learn_steps": 2000},
}
WAIT = 180  # seconds a run may take on a busy machine


def specs_and_data(at) -> list[tuple[dict, object]]:
    """Every chart on the page: its Vega-Lite spec and its data as a DataFrame."""
    found = []
    for chart in at.get("vega_lite_chart"):
        blob = chart.proto.data.data or chart.proto.datasets[0].data.data
        frame = pyarrow.ipc.open_stream(io.BytesIO(blob)).read_all().to_pandas()
        found.append((json.loads(chart.proto.spec), frame))
    return found


def head_grids(at) -> list:
    return [data for spec, data in specs_and_data(at) if "facet" in spec.get("encoding", {})]


def line_charts(at) -> list[tuple[dict, object]]:
    return [(spec, data) for spec, data in specs_and_data(at) if spec["mark"]["type"] == "line"]


def trained(at, timeout: float = WAIT):
    """Press Train, wait for the shared run, then rerun (AppTest does not tick fragments)."""
    at.button(key="learn_train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    job = engine.trainer().request(request_of(at))  # the same request: the same shared job
    assert job.wait(timeout), "training took too long"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return job


def request_of(at) -> Request:
    state = at.session_state
    sizes = ("learn_d_model", "learn_n_heads", "learn_n_layers", "learn_steps")
    task, seed = state["learn_task"], state["shared_seed"]
    return Request(task, *(int(state[k]) for k in sizes), float(state["learn_lr"]), int(seed))


@pytest.mark.parametrize("ends", ENDS)
@pytest.mark.parametrize("lang", LANGS)
def test_page_runs_before_training_at_every_slider_end(lang, ends):
    at = run_page("learn", lang, **ENDS[ends])
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == labels(lang)["learn.title"]
    n_layers = at.slider(key="learn_n_layers").value
    assert len(head_grids(at)) == n_layers, "one head grid per layer, before any training"
    marker = MISSING.split("{")[0]
    assert not [text for text in shown_texts(at) if marker in text]


@pytest.mark.parametrize("task", TASKS)
def test_every_task_draws_its_example_with_its_own_defaults(task):
    at = run_page("learn", "ko", learn_task=task)
    assert not at.exception
    assert at.slider(key="learn_steps").value == TASKS[task].steps
    tokens = view.example_tokens(task)
    grid = head_grids(at)[0]
    assert list(dict.fromkeys(grid["row"])) == [f"{i}·{w}" for i, w in enumerate(tokens)]


def test_choosing_a_task_brings_its_own_settings():
    at = run_page("learn", "en", learn_task="coreference_en", learn_steps=50)
    at.selectbox(key="learn_task").set_value("sort").run()
    assert at.slider(key="learn_steps").value == TASKS["sort"].steps
    assert at.select_slider(key="learn_lr").value == TASKS["sort"].lr


def test_the_model_size_written_is_the_number_of_weights():
    at = run_page("learn", "en", learn_task="previous", learn_d_model=24, learn_n_layers=3)
    task = TASKS["previous"]
    config = ModelConfig(10, task.seq_len, 24, task.n_heads, 3)
    n = sum(w.size for w in init_model(config).state_dict().values())
    assert EN["learn.model_size"].format(batch=task.batch_size, params=f"{n:,}") in shown_texts(at)


def test_before_training_the_maps_are_the_starting_weights():
    at = run_page("learn", "en", learn_task="reverse", learn_n_layers=1, shared_seed=3)
    task = TASKS["reverse"]
    config = ModelConfig(10, task.seq_len, task.d_model, task.n_heads, 1)
    ids = task.encode(task.examples[0].split())
    expected = forward(init_model(config, 3), ids).layers[0].attention.weights  # (heads, n, n)
    shown = head_grids(at)[0]["value"].to_numpy().reshape(expected.shape)
    np.testing.assert_allclose(shown, expected, atol=1e-4)


def test_train_draws_curves_maps_and_a_replay_that_changes_the_maps():
    at = run_page("learn", "en", learn_task="previous", learn_steps=40, learn_n_layers=2)
    job = trained(at)
    assert job.state == "done"
    assert EN["learn.done"].format(steps=40) in [s.value for s in at.success]
    lines = line_charts(at)
    assert len(lines) == 2, "a loss chart and an accuracy chart"
    series = {name for _, data in lines for name in data["series"].unique()}
    assert series == {EN[f"learn.series_{s}"] for s in ("loss", "train", "test")}
    loss = lines[0][1]
    np.testing.assert_allclose(loss["y"], [r.loss for r in job.run.history], rtol=1e-5)
    assert len(head_grids(at)) == 2
    slider = at.select_slider(key="learn_checkpoint")
    assert [int(o) for o in slider.options] == [step for step, _ in job.run.checkpoints]
    assert int(slider.value) == 40
    last = [grid["value"].to_numpy() for grid in head_grids(at)]
    specs = [spec for spec, _ in specs_and_data(at)]
    slider.set_value(0).run()
    first = [grid["value"].to_numpy() for grid in head_grids(at)]
    assert not any(np.allclose(a, b) for a, b in zip(first, last, strict=True))
    assert [spec for spec, _ in specs_and_data(at)] == specs, "only the data changes"


def test_the_numbers_shown_are_the_runs_own():
    at = run_page("learn", "en", learn_task="reverse", learn_steps=30)
    job = trained(at)
    metrics = {m.label: m.value for m in at.metric}
    last = job.history[-1]
    assert metrics[EN["learn.test_accuracy"]] == f"{last.test_accuracy:.1%}"
    assert metrics[EN["learn.train_accuracy"]] == f"{last.train_accuracy:.1%}"
    assert metrics[EN["learn.loss"]] == f"{last.loss:.3f}"


def test_stop_ends_a_run_early_and_says_so():
    at = run_page("learn", "en", learn_task="coreference_en", learn_steps=2000, shared_seed=4321)
    at.button(key="learn_train").click().run()
    job = engine.trainer().request(request_of(at))
    while job.step == 0 and not job.done:  # until it has really started training
        job.finished.wait(0.05)
    at.button(key="learn_stop").click().run()
    assert job.wait(60)
    assert job.state == "stopped"
    assert job.run.history[-1].step < 2000
    at.run()
    stopped = EN["learn.stopped"].format(step=job.run.history[-1].step, total=2000)
    assert stopped in [w.value for w in at.warning]
    assert at.select_slider(key="learn_checkpoint").options, "a stopped run can be replayed"


def pronoun_share(run, threshold: float = 0.6) -> float:
    """Held-out sentences where some head puts ≥ threshold of the pronoun's attention on its
    noun, counted sentence by sentence."""
    batch, held = coreference_batch(run.task.name)
    hits = []
    for row in np.flatnonzero(held):
        ids = batch.token_ids[row][batch.token_ids[row] != run.task.pad_id]
        pronoun, referent = batch.positions["pronoun"][row], batch.positions["referent"][row]
        layers = forward(run.params, ids).layers
        hits.append(max(lay.attention.weights[:, pronoun, referent].max() for lay in layers))
    return float(np.mean(np.array(hits) >= threshold))


def test_coreference_run_names_the_head_and_its_route_and_compares_one_layer():
    at = run_page("learn", "en", learn_task="coreference_en")
    job = trained(at)
    share = pronoun_share(job.run)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[EN["learn.share"]] == f"{share:.0%}"
    text = "\n".join(shown_texts(at))
    assert "The horse didn't cross the square because it was too wide" in text
    assert "layer " in text and "it → " in text
    assert any(s.startswith(EN["learn.example_route"].split("{")[0]) for s in shown_texts(at))
    at.button(key="learn_compare").click().run()
    twin = engine.trainer().request(replace(job.request, n_layers=1))
    assert twin.wait(WAIT) and twin.state == "done"
    at.run()
    table = at.dataframe[-1].value
    assert list(table[EN["learn.n_layers"]]) == ["1", "2"]
    accuracies = [f"{j.history[-1].test_accuracy:.1%}" for j in (twin, job)]
    assert list(table[EN["learn.test_accuracy"]]) == accuracies


def _until(condition, job, timeout: float = WAIT) -> None:
    """Wait (on the job's own event, in small slices) until condition() holds or the job ends."""
    for _ in range(int(timeout / 0.05)):
        if condition() or job.done:
            return
        job.finished.wait(0.05)


def test_while_it_trains_the_charts_keep_their_specs_and_only_the_data_changes():
    at = run_page("learn", "en", learn_task="sort", learn_steps=600, shared_seed=5151)
    at.button(key="learn_train").click().run()
    job = engine.trainer().request(request_of(at))
    _until(lambda: len(job.history) >= 2 and job.maps is not None, job)
    at.run()  # what the page's fragment draws on a poll
    live = specs_and_data(at)
    assert at.get("progress"), "a progress bar while it trains"
    assert job.wait(WAIT)
    at.run()
    done = specs_and_data(at)
    assert [spec for spec, _ in live] == [spec for spec, _ in done]
    assert any(not a.equals(b) for (_, a), (_, b) in zip(live, done, strict=True))


def test_a_run_behind_another_shows_its_place_in_the_queue():
    trainer = engine.trainer()
    ahead = trainer.request(Request("coreference_en", 32, 4, 2, 2000, 3e-3, 6262))
    try:
        _until(lambda: ahead.state == "running", ahead)
        at = run_page("learn", "en", learn_task="previous", learn_steps=20, shared_seed=6263)
        at.button(key="learn_train").click().run()
        job = trainer.request(request_of(at))
        assert trainer.place(job) == 1
        queued = EN["trained.queued"].format(place=1)
        assert queued in [bar.proto.text for bar in at.get("progress")]
        assert not at.button(key="learn_stop").disabled, "a queued run can be stopped"
        at.button(key="learn_stop").click().run()
        assert job.state == "stopped" and job.run is None
        assert EN["learn.stopped"].format(step=0, total=20) in [w.value for w in at.warning]
    finally:
        trainer.stop(ahead)
        ahead.wait(60)


def test_choices_and_the_run_survive_a_trip_to_another_page():
    at = run_page("learn", "en", learn_task="reverse", learn_steps=20, shared_seed=7373)
    at.slider(key="learn_n_layers").set_value(1).run()
    job = trained(at)
    at.switch_page("app.py").run()
    at.switch_page("pages/6_watch_it_learn.py").run()
    assert not at.exception
    assert at.selectbox(key="learn_task").value == "reverse"
    assert at.slider(key="learn_n_layers").value == 1
    assert EN["learn.done"].format(steps=20) in [s.value for s in at.success]
    assert job.state == "done"
