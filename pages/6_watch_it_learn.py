"""Watch it learn: train a tiny Transformer live, in NumPy, and watch its heads find their pattern."""

from dataclasses import replace

import streamlit as st

from core.findings import coreference_findings
from core.model import loss_and_grads
from core.tasks import TASKS, WORDS
from core.training import adam_update, attention_routes, referent_attention, train
from ui import code, engine, learn_findings, text
from ui import learn_runs as runs
from ui import learn_view as view
from ui.i18n import t
from ui.setup import page, page_end

settings = page("learn")
text.section("learn", "intro")
text.formula(r"L = -\frac{1}{N}\sum_{i} \log p(\text{target}_i)")
text.formula(r"\theta \leftarrow \theta - \text{lr}\cdot\frac{\hat m}{\sqrt{\hat v}+\epsilon}")

st.subheader(t("learn.setup_title"))
with st.container(key="main_controls"):  # the page's own sizes (named like the other pages')
    request = runs.controls()
    runs.data_line(request)
job = runs.job_for(request)
running = runs.active(job)
left, right = st.columns(2)
left.button(
    t("learn.train"),
    key="learn_train",
    on_click=runs.start,
    disabled=running,
    type="primary",
    width="stretch",
)
right.button(
    t("learn.stop"),
    key="learn_stop",
    on_click=runs.stop,
    args=(request,),
    disabled=not running,
    width="stretch",
)
st.caption(t("learn.seed_note", seed=settings.seed))
tokens = view.example_tokens(request.task)


def progress() -> None:
    """The run's state, its curves and every head on the example (live, or replayed after)."""
    view.status(job, engine.trainer().place(job))
    records = list(job.run.history if job.run else job.history)  # all, or those reported
    st.subheader(t("learn.curves_title"))
    text.section("learn", "curves")
    view.curves(records)  # empty until the first report: the same shape from poll to poll
    st.subheader(t("learn.maps_title"))
    text.section("learn", "maps")
    if job.run is not None:
        step = view.checkpoint_picker(job)
        maps = view.maps_at_checkpoints(runs.run_key(job), job.run)[step]
    else:  # the latest attention the trainer reported, or the start until it reports
        maps = job.maps if job.maps is not None else view.maps_at_start(request)
    st.caption(t("learn.example"))
    st.text(TASKS[request.task].examples[0])  # as written (the maps label its tokens)
    view.head_maps(maps, tokens)


if job is None or job.state == "queued":  # not started: the heads at their starting weights
    if job is None:
        st.info(t("learn.before"))
    else:  # only the queue place is polled: a class waiting its turn costs the server little
        view.wait_in_queue(job)
    st.subheader(t("learn.maps_title"))
    text.section("learn", "maps")
    st.caption(t("learn.example"))
    st.text(TASKS[request.task].examples[0])  # as written (the maps label its tokens)
    view.head_maps(view.maps_at_start(request), tokens)
else:
    view.poll(job, progress)

if request.task in WORDS:  # "what does it refer to?": where the pronoun looks, and why 2 layers
    if job is not None and job.run is not None:
        st.subheader(t("learn.findings_title"))
        text.section("learn", "routes")
        learn_findings.show_findings(learn_findings.findings(runs.run_key(job), job.run))
    st.subheader(t("learn.layers_title"))
    text.section("learn", "layers")
    if job is not None and job.state == "done":
        twin = replace(request, n_layers=1 if request.n_layers > 1 else 2)
        twin_job = runs.job_for(twin)
        st.button(
            t("learn.compare_one" if twin.n_layers == 1 else "learn.compare", n=twin.n_layers),
            key="learn_compare",
            on_click=runs.start,
            args=(twin,),
            disabled=runs.active(twin_job) or (twin_job is not None and twin_job.state == "done"),
        )

        def compared() -> None:  # the twin's progress, then the two runs side by side
            if twin_job.state == "done":
                learn_findings.compare_layers([job, twin_job])
            else:
                view.status(twin_job, engine.trainer().place(twin_job))

        if twin_job is not None:
            view.poll(twin_job, compared)

text.section("learn", "honest")
code.code_that_ran(
    train, adam_update, loss_and_grads, referent_attention, attention_routes, coreference_findings
)
page_end("learn", runs.learn_setup(request))
