"""The "watch it learn" page's pieces: its settings, a run's progress, curves and head maps
(live while it trains, replayed from saved weights after). Where a coreference model's pronoun
looks: ui/learn_findings.py."""

from dataclasses import replace

import numpy as np
import streamlit as st

from core.model import forward, init_model
from core.tasks import TASKS
from core.tokenizer import tokenize
from core.training import model_config
from ui import chart_plots, charts, engine, matrices
from ui.i18n import t
from ui.training_jobs import Job, Request

POLL_SECONDS = 0.5  # how often the page reads a training run's progress
QUEUE_POLL_SECONDS = 1.0  # ... and a queued run's place in the queue


def wait_in_queue(job: Job) -> None:
    """A run waiting its turn: only its place in the queue is polled (a cheap line, not the
    curves and maps); the whole page reruns once the run starts."""

    @st.fragment(run_every=QUEUE_POLL_SECONDS)
    def waiting() -> None:
        if job.state != "queued":
            st.rerun(scope="app")
        status(job, engine.trainer().place(job))

    waiting()


def poll(job: Job, draw) -> None:
    """Draw a run's state; while it waits or trains, again every POLL_SECONDS (only this part
    reruns, and the whole page once it has ended)."""
    if job.done:
        draw()
        return

    @st.fragment(run_every=POLL_SECONDS)
    def polled() -> None:
        if job.done:
            st.rerun(scope="app")
        draw()

    polled()


# --- progress, curves, heads ---------------------------------------------------------------


def example_tokens(task_name: str) -> tuple[str, ...]:
    """The sentence every head map shows: the task's first example (what the trainer reports)."""
    return tokenize(TASKS[task_name].examples[0]).tokens


@engine.shared(max_entries=16)
def maps_at_start(request: Request) -> np.ndarray:
    """Every head's attention on the example before training: the seed's random weights.
    (n_layers, n_heads, n, n)"""
    sizes = {"d_model": request.d_model, "n_heads": request.n_heads, "n_layers": request.n_layers}
    config = replace(model_config(TASKS[request.task]), **sizes)
    return _maps(init_model(config, request.seed), request.task)


@engine.shared(max_entries=8)
def maps_at_checkpoints(run_key, _run) -> dict[int, np.ndarray]:
    """step -> every head's attention on the example with the weights saved after that step."""
    return {step: _maps(params, _run.task.name) for step, params in _run.checkpoints}


def _maps(params, task_name: str) -> np.ndarray:
    tokens = example_tokens(task_name)
    ids = TASKS[task_name].encode(tokens)[: len(tokens)]  # (n,) no padding: the words only
    return np.stack([layer.attention.weights for layer in forward(params, ids).layers])


def status(job: Job, place: int) -> None:
    """The run's state: its place in the queue, a progress bar, or how it ended."""
    if job.state == "failed":
        st.error(t("trained.failed", error=job.error or "?"))
    elif job.state == "stopped":
        last = job.run.history[-1].step if job.run else 0
        st.warning(t("learn.stopped", step=last, total=job.request.steps))
    elif job.state == "done":
        st.success(t("learn.done", steps=job.run.history[-1].step))
    elif place:
        st.progress(0.0, text=t("trained.queued", place=place))
    else:
        total = max(job.total, 1)
        st.progress(job.step / total, text=t("trained.step", step=job.step, total=total))


def curves(records: list) -> None:
    """The latest numbers, then loss and accuracy over the steps (train and held-out). With no
    record yet the same elements are drawn, empty: while a run is polled the page keeps one
    shape, so each poll only replaces what is there."""
    last = records[-1] if records else None
    columns = st.columns(3)
    columns[0].metric(t("learn.loss"), f"{last.loss:.3f}" if last else "–")
    columns[1].metric(t("learn.train_accuracy"), f"{last.train_accuracy:.1%}" if last else "–")
    columns[2].metric(t("learn.test_accuracy"), f"{last.test_accuracy:.1%}" if last else "–")
    steps = np.array([r.step for r in records])
    titles = {"x_title": t("learn.step_axis"), "series_title": t("learn.curve")}
    loss = {t("learn.series_loss"): np.array([r.loss for r in records])}
    accuracy = {
        t("learn.series_train"): np.array([r.train_accuracy for r in records]),
        t("learn.series_test"): np.array([r.test_accuracy for r in records]),
    }
    left, right = st.columns(2)
    with left:
        matrices.vega(chart_plots.lines(steps, loss, y_title=t("learn.loss_axis"), **titles))
    with right:
        matrices.vega(
            chart_plots.lines(steps, accuracy, y_title=t("learn.accuracy_axis"), **titles)
        )


def head_maps(maps: np.ndarray, tokens: tuple[str, ...]) -> None:
    """Every head of every layer on the example, one grid per layer, all on one 0–1 scale.
    maps (n_layers, n_heads, seq, seq): cut to the example's own tokens."""
    n = len(tokens)
    labels = charts.token_labels(tokens)
    heads = [t("multihead.head_n", h=h) for h in range(maps.shape[1])]
    for layer, weights in enumerate(maps[:, :, :n, :n]):  # (n_heads, n, n) each
        st.markdown(f"**{t('trained.layer_n', layer=layer + 1)}**")
        grid = matrices.grid_figure(weights, labels, heads)
        matrices.vega(grid)


def checkpoint_picker(job: Job) -> int:
    """A slider over the saved weights' steps; a new run starts at its end."""
    steps = [step for step, _ in job.run.checkpoints]
    if st.session_state.get("learn_checkpoint_of") != job.request or (
        st.session_state.get("learn_checkpoint") not in steps
    ):
        st.session_state["learn_checkpoint_of"] = job.request
        st.session_state["learn_checkpoint"] = steps[-1]
    return st.select_slider(
        t("learn.checkpoint"), steps, key="learn_checkpoint", help=t("learn.checkpoint_help")
    )
