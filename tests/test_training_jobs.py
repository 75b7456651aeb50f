"""The training queue's worker processes (ui/training_jobs.py, ui/train_worker.py), outside any
page: a run trains in a process of its own, which runs nothing but the training; its end, good
or bad, always reaches the job, so no page waits for ever."""

import shutil
import sys
import types
from dataclasses import replace

from core.tasks import TASKS
from ui.training_jobs import Request, Trainer

WAIT = 120  # seconds: a busy machine runs other tests beside these


def small(seed: int, **sizes) -> Request:
    task = TASKS["previous"]
    shape = {"d_model": 16, "n_heads": 2, "n_layers": 1, "steps": 30} | sizes
    return Request(
        task.name,
        shape["d_model"],
        shape["n_heads"],
        shape["n_layers"],
        shape["steps"],
        task.lr,
        seed,
    )


def test_the_worker_never_runs_the_page_that_asked(tmp_path, monkeypatch):
    """Streamlit runs every page as a module named __main__. A child process started with
    multiprocessing's "spawn" runs __main__ first: the page again, without a server (about a
    second of work and hundreds of warnings per run)."""
    marker = tmp_path / "page ran"
    page = tmp_path / "page.py"
    page.write_text(f"open({str(marker)!r}, 'w').close()\n")
    streamlit_like_main = types.ModuleType("__main__")
    streamlit_like_main.__file__ = str(page)
    monkeypatch.setitem(sys.modules, "__main__", streamlit_like_main)

    job = Trainer().request(small(seed=11))
    assert job.wait(WAIT)

    assert job.state == "done", job.error
    assert job.run is not None and len(job.history) >= 1
    assert job.maps.shape == (1, 2, *job.maps.shape[-2:])
    assert not marker.exists(), "the training process ran the page"


def test_a_stopped_run_ends_early_with_the_weights_it_has():
    trainer = Trainer()
    job = trainer.request(small(seed=12, steps=1_000_000))
    while not job.history and not job.done:
        job.wait(0.05)
    trainer.stop(job)
    assert job.wait(WAIT)
    assert job.state == "stopped"
    assert job.run is not None and job.run.history[-1].step < 1_000_000


def test_a_model_that_cannot_be_built_fails_with_the_reason():
    job = Trainer().request(small(seed=13, n_heads=3))  # 3 does not divide 16
    assert job.wait(WAIT)
    assert job.state == "failed"
    assert "n_heads = 3" in job.error


def test_a_worker_that_ends_without_a_word_fails_the_run(monkeypatch):
    """A worker process that dies (killed, out of memory) never writes how the run ended."""
    monkeypatch.setattr(sys, "executable", shutil.which("true"))  # exits at once, says nothing
    job = Trainer().request(small(seed=14))
    assert job.wait(WAIT)
    assert (job.state, job.error) == ("failed", "the training process ended unexpectedly")


def test_a_worker_that_cannot_start_fails_the_run(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no python here"))
    job = Trainer().request(small(seed=15))
    assert job.wait(WAIT)
    assert job.state == "failed" and "FileNotFoundError" in job.error


def test_a_request_the_server_cannot_read_fails_instead_of_hanging():
    job = Trainer().request(replace(small(seed=16), task="no such task"))
    assert job.wait(WAIT)
    assert job.state == "failed" and "KeyError" in job.error
