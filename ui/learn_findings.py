"""Where a coreference model's pronoun looks on the sentences it never saw (core/findings.py):
the share with a head on the noun, the routes with their heads, one layer against two."""

import pyarrow as pa
import streamlit as st

from core.findings import Findings, coreference_findings, kind_of
from core.training import Hop
from ui import engine, tables
from ui.i18n import t
from ui.learn_runs import run_key
from ui.training_jobs import Job


@engine.shared(max_entries=8)
def findings(run_key, _run) -> Findings:
    """core.findings for a run (run_key names it; the run itself is not hashed)."""
    return coreference_findings(_run)


def hop_text(hop: Hop, words: dict[str, str]) -> str:
    """'layer 2, head 1: it → animal 0.93' (layers counted from 1, heads from 0 as in the grid)."""
    return t(
        "learn.hop",
        layer=hop.layer + 1,
        head=hop.head,
        query=words[hop.query],
        target=words[hop.key],
        weight=hop.weight,
    )


def show_findings(found: Findings) -> None:
    """The share of held-out sentences with a head on the noun, their routes with the usual
    heads, and the held-out example's own route in its words."""
    st.metric(t("learn.share"), f"{found.share:.0%}", help=t("learn.share_help", n=found.n))
    roles = {role: t(f"learn.role_{role}") for role in ("pronoun", "referent", "adjective")}
    lines = (
        t(
            "learn.route_line",
            count=count,
            n=found.n,
            share=count / found.n,
            route=t(f"learn.route_{kind}"),
            hops=" · ".join(hop_text(hop, roles) for hop in hops),
        )
        for kind, count, hops in found.kinds
    )
    st.markdown("\n".join(f"- {line}" for line in lines))  # our own labels only
    st.markdown(t("learn.example_route", route=t(f"learn.route_{kind_of(found.example)}")))
    hops = (hop_text(hop, found.example_words) for hop in found.example.hops)
    st.text("\n".join((found.example_text, *hops)))  # a sentence shown as text


def compare_layers(jobs: list[Job]) -> None:
    """The same model with one and with two layers (or more), side by side: held-out accuracy,
    sentences with a head on the noun, and sentences where the noun is found after layer 1."""
    jobs = sorted(jobs, key=lambda job: job.request.n_layers)
    found = [findings(run_key(job), job.run) for job in jobs]
    columns = {
        t("learn.n_layers"): [str(job.request.n_layers) for job in jobs],
        t("learn.test_accuracy"): [f"{job.run.history[-1].test_accuracy:.1%}" for job in jobs],
        t("learn.share_col"): [f"{f.share:.0%}" for f in found],
        t("learn.later_col"): [f"{f.later:.0%}" for f in found],
    }
    tables.table(pa.table(columns))
