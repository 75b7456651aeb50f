"""The "watch it learn" page's settings (each task brings its own sizes) and this session's
training runs: what to train, start, stop, and which run is which."""

import streamlit as st

from core.exercises import LearnSetup
from core.model import ModelConfig, weight_count
from core.tasks import TASKS, WORDS, coreference_batch
from ui import engine, state
from ui.i18n import t
from ui.learn_choices import CHOICES, SIZES, TASK, offered
from ui.settings import SEED_CHOICE as SEED
from ui.training_jobs import Job, Request

JOBS = "learn_jobs"  # session state: this session's runs, request -> Job (the latest few)
KEEP_JOBS = 6


def _task_changed() -> None:
    """Another task: its own sizes, learning rate and steps."""
    st.session_state.update({choice.key: choice.default() for choice in SIZES.values()})


def controls() -> Request:
    """The task and the model's sizes (each task brings its own defaults; a link's values start
    them, ui/learn_choices.py) -> the request."""
    names = {name: t(f"task.{name}") for name in TASKS}
    start = state.start_value(TASK)
    task = st.selectbox(
        t("learn.task"),
        list(names),
        key=TASK.key,
        on_change=_task_changed,
        format_func=names.__getitem__,
        persist_state="session",
        **({"index": list(names).index(start["value"])} if start else {}),
    )
    rows = [st.columns(3), st.columns(3)]  # three a row: a phone stacks them in this order
    for i, (name, choice) in enumerate(CHOICES.items()):
        column = rows[i // 3][i % 3]
        label, hint = t(f"learn.{name}"), t(f"learn.{name}_help")
        common = {"key": SIZES[name].key, "help": hint, "persist_state": "session"}
        common |= state.start_value(SIZES[name])
        if isinstance(choice, tuple):
            column.slider(label, choice[0], choice[1], step=choice[2], **common)
        else:
            shown = {option: f"{option:g}" for option in offered(name, task)}.__getitem__
            column.select_slider(label, offered(name, task), format_func=shown, **common)
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
    held = st.session_state
    sizes = (int(held[SIZES[name].key]) for name in ("d_model", "n_heads", "n_layers", "steps"))
    return Request(held[TASK.key], *sizes, float(held[SIZES["lr"].key]), int(held[SEED.key]))


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
