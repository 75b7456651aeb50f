"""Trained weights on every page: get the shared run (training it first, with a progress bar),
check that the sentence uses words the model knows, and pick one of its layers."""

import dataclasses

import streamlit as st

from core.pipeline import UnknownWords
from core.tasks import TASKS
from ui import engine, state
from ui.i18n import t
from ui.settings import MAX_TRAINED_D_MODEL, TEXT, Settings
from ui.text import escape
from ui.training_jobs import Job, Request

POLL_SECONDS = 0.5  # how often a waiting page looks at the run's progress


def request_for(settings: Settings) -> Request:
    """The run a page in trained mode needs: the task's own steps and learning rate, the
    learner's sizes and seed."""
    task = TASKS[settings.task]
    return Request(
        task.name,
        settings.d_model,
        settings.n_heads,
        task.n_layers,
        task.steps,
        task.lr,
        settings.seed,
    )


def with_run(settings: Settings) -> Settings:
    """The settings with their trained run. While it trains (or waits its turn) the page shows
    the progress and stops here; it draws itself when the run is ready."""
    if settings.d_model > MAX_TRAINED_D_MODEL:
        st.info(t("trained.too_large", d_model=settings.d_model, max=MAX_TRAINED_D_MODEL))
        st.stop()
    request = request_for(settings)
    job = engine.trainer().request(request)
    if job.state == "done":
        return dataclasses.replace(settings, run=job.run, run_key=request)
    if job.state == "failed":
        st.error(t("trained.failed", error=job.error or "?"))
        st.stop()
    _waiting(job, request)
    st.stop()


def _waiting(job: Job, request: Request) -> None:
    st.info(
        t(
            "trained.training",
            task=t(f"task.{request.task}"),
            d_model=request.d_model,
            n_heads=request.n_heads,
            n_layers=request.n_layers,
        )
    )

    @st.fragment(run_every=POLL_SECONDS)
    def progress() -> None:
        if job.done:
            st.rerun(scope="app")
        place = engine.trainer().place(job)
        if place:
            st.progress(0.0, text=t("trained.queued", place=place))
        else:
            total = max(job.total, 1)
            st.progress(job.step / total, text=t("trained.step", step=job.step, total=total))

    progress()


def _put_back_example(example: str) -> None:
    st.session_state[TEXT.key] = example


def check_words(settings: Settings) -> None:
    """A sentence with a word the model never saw: say which, list the words it knows, offer an
    example sentence back; the page stops here."""
    try:
        settings.trace()
    except UnknownWords as unknown:
        task = settings.run.task
        known = sorted(word for word in task.vocab if not word.startswith("<"))
        words = ", ".join(escape(word) for word in unknown.words)  # the learner's text: literal
        st.warning(t("trained.unknown_words", words=words))
        with st.expander(t("trained.known_words", n=len(known)), expanded=True):
            st.text(" ".join(known))  # the words as text, never Markdown
        st.button(
            t("trained.put_back_example"),
            key="trained_put_back",
            on_click=_put_back_example,
            args=(task.examples[0],),
        )
        st.stop()


def layer_picker(settings: Settings, key: str) -> int:
    """In trained mode, a choice of the model's layer (when it has more than one); else 0."""
    if settings.run is None or settings.run.config.n_layers == 1:
        return 0
    layers = list(range(settings.run.config.n_layers))
    return st.segmented_control(
        t("trained.layer"),
        layers,
        key=key,
        required=True,
        format_func={layer: t("trained.layer_n", layer=layer + 1) for layer in layers}.__getitem__,
        persist_state="session",
        **state.start_value(state.REGISTRY[key], "default"),  # ui/links.py: from a link
        help=t("trained.layer_help"),
    )


def weights_note(settings: Settings, layer: int = 0) -> None:
    """Say whose weights these are: random (untrained, fixed by the seed) or the trained model's
    (which task, how long, which layer), so nothing random is ever taken for trained."""
    if settings.run is None:
        st.caption(t("common.untrained_note"))
        return
    run = settings.run
    st.caption(
        t(
            "trained.weights_note",
            task=t(f"task.{run.task.name}"),
            steps=run.history[-1].step,
            accuracy=run.history[-1].test_accuracy,
            layer=layer + 1,
            n_layers=run.config.n_layers,
        )
    )
