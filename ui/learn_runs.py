"""The "watch it learn" page's settings (each task brings its own sizes) and this session's
training runs: what to train, start, stop, and which run is which."""

import streamlit as st

from core.exercises import LearnSetup
from core.model import ModelConfig, weight_count
from core.tasks import TASKS, WORDS, coreference_batch
from ui import engine
from ui.i18n import t
from ui.settings import SEED_CHOICE as SEED
from ui.settings import default_task
from ui.training_jobs import Job, Request

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
    params = weight_count(learn_setup(request).config)  # W_E, W_pos, each layer's W_QKVO, W_U
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
