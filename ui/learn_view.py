"""The "watch it learn" page's pieces: its settings, a run's progress, curves and head maps
(live while it trains, replayed from saved weights after). Where a coreference model's pronoun
looks: ui/learn_findings.py."""

from dataclasses import replace

import numpy as np
import streamlit as st

from core.exercises import LearnSetup
from core.model import ModelConfig, forward, init_model
from core.tasks import TASKS, WORDS, coreference_batch
from core.tokenizer import tokenize
from core.training import model_config
from ui import chart_grid, chart_plots, charts, engine, matrices
from ui.i18n import t
from ui.settings import SEED_CHOICE as SEED
from ui.settings import default_task
from ui.training_jobs import Job, Request

POLL_SECONDS = 0.5  # how often the page reads a training run's progress
# The choices, in the order drawn: a slider's (min, max, step) or a select slider's options.
# Every head count divides every d_model; a task's own learning rate joins the list.
CHOICES = {
    "d_model": (8, 128, 8),
    "n_heads": [1, 2, 4, 8],
    "n_layers": (1, 3, 1),
    "lr": [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2],
    "steps": (10, 2000, 10),
}
JOBS = "learn_jobs"  # session state: this session's runs, request -> Job (the latest few)
KEEP_JOBS = 6


def _defaults(task_name: str) -> dict:
    """A task's own model sizes, learning rate and steps, under the widgets' keys."""
    return {f"learn_{name}": getattr(TASKS[task_name], name) for name in CHOICES}


def _task_changed() -> None:
    st.session_state.update(_defaults(st.session_state["learn_task"]))


def controls() -> Request:
    """The task and the model's sizes (each task brings its own defaults) -> the request."""
    st.session_state.setdefault("learn_task", default_task())
    for key, value in _defaults(st.session_state["learn_task"]).items():
        st.session_state.setdefault(key, value)
    names = {name: t(f"task.{name}") for name in TASKS}
    task = st.selectbox(
        t("learn.task"),
        list(names),
        key="learn_task",
        on_change=_task_changed,
        format_func=names.__getitem__,
        persist_state="session",
    )
    rows = [st.columns(3), st.columns(3)]  # three a row: a phone stacks them in this order
    for i, (name, choice) in enumerate(CHOICES.items()):
        column = rows[i // 3][i % 3]
        label, key, hint = t(f"learn.{name}"), f"learn_{name}", t(f"learn.{name}_help")
        common = {"key": key, "help": hint, "persist_state": "session"}
        if isinstance(choice, tuple):
            column.slider(label, choice[0], choice[1], step=choice[2], **common)
        else:
            options = sorted({*choice, getattr(TASKS[task], name)})
            shown = {option: f"{option:g}" for option in options}.__getitem__
            column.select_slider(label, options, format_func=shown, **common)
    return chosen()


def data_line(request: Request) -> None:
    """What the model learns from and how many numbers it learns, read from the task."""
    task = TASKS[request.task]
    if task.name in WORDS:
        _, held = coreference_batch(task.name)
        words = WORDS[task.name]
        sizes = {
            "templates": len(words.templates),
            "agents": len(words.agents),
            "places": len(words.places),
            "adjectives": len(words.agent_adjectives) + len(words.place_adjectives),
        }
        n = {"sentences": len(held), "held_out": int(held.sum()), "vocab": len(task.vocab) - 1}
        st.caption(t("learn.data_coreference", **sizes, **n))
    else:
        st.caption(t("learn.data_digits", seq_len=task.seq_len))
    d, vocab = request.d_model, len(task.vocab)
    params = (
        2 * vocab * d + task.seq_len * d + request.n_layers * 4 * d * d
    )  # W_E, W_U, W_pos, W_QKVO
    st.caption(t("learn.model_size", batch=task.batch_size, params=f"{params:,}"))


# --- this session's runs -------------------------------------------------------------------


def job_for(request: Request) -> Job | None:
    """The run this session started for these settings, if any."""
    return st.session_state.get(JOBS, {}).get(request)


def chosen() -> Request:
    """The request the widgets hold right now (read in a callback: a click that follows a
    slider move at once still trains what the learner sees)."""
    state = st.session_state
    sizes = (int(state[f"learn_{name}"]) for name in ("d_model", "n_heads", "n_layers", "steps"))
    return Request(state["learn_task"], *sizes, float(state["learn_lr"]), int(state[SEED.key]))


def start(request: Request | None = None) -> None:
    """Ask the shared trainer for a run (an identical one already there is shared)."""
    request = request or chosen()
    jobs = st.session_state.setdefault(JOBS, {})
    jobs.pop(request, None)
    jobs[request] = engine.trainer().request(request)
    for old in list(jobs)[:-KEEP_JOBS]:
        del jobs[old]


def run_key(job: Job) -> tuple:
    """Names a finished run: the same request stopped at the same step gives the same weights."""
    return job.request, job.run.history[-1].step


def stop(request: Request) -> None:
    job = job_for(request)
    if job is not None:
        engine.trainer().stop(job)


def active(job: Job | None) -> bool:
    """Is this run waiting or training?"""
    return job is not None and job.state in ("queued", "running")


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
    titles = {"row_title": t("common.query_token"), "col_title": t("common.key_token")}
    for layer, weights in enumerate(maps[:, :, :n, :n]):  # (n_heads, n, n) each
        st.markdown(f"**{t('trained.layer_n', layer=layer + 1)}**")
        grid = chart_grid.head_grid(
            weights,
            labels,
            heads,
            value_title=t("common.weight"),
            head_title=t("multihead.head"),
            **titles,
        )
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


def learn_setup(request: Request) -> LearnSetup:
    """What this page's exercises read: the model the settings would train, and its task."""
    task = TASKS[request.task]
    config = ModelConfig(
        len(task.vocab),
        task.seq_len,
        request.d_model,
        request.n_heads,
        request.n_layers,
        pad_id=task.pad_id,
    )
    return LearnSetup(config, task)
