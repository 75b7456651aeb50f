"""One training run in a process of its own (started by ui/training_jobs.py).

A separate process keeps the server's Python free while NumPy trains: on a two-core machine one
core trains and the other answers every learner. This module imports no Streamlit, so the
process starts quickly. It reports progress about twice a second, with the attention maps of
one example sentence, and stops when asked.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core for training, before NumPy loads
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import dataclasses
import time

import numpy as np

from core.model import ModelConfig, forward
from core.tasks import TASKS
from core.tokenizer import tokenize
from core.training import Progress, train

REPORT_EVERY = 0.4  # seconds between progress reports


def example_maps(params, example_ids: np.ndarray) -> np.ndarray:
    """Every head's attention on one example: (n_layers, n_heads, seq_len, seq_len)."""
    trace = forward(params, example_ids[None, :])
    return np.stack([layer.attention.weights[0] for layer in trace.layers])


def work(request: dict, messages, stop) -> None:
    """Train as `request` says; put ("progress", ...), then ("done", run) or ("error", text)."""
    try:
        task = TASKS[request["task"]]
        config = ModelConfig(**request["config"])
        example = task.encode(tokenize(task.examples[0]).tokens)  # (seq_len,) the page's example
        last = [0.0]

        def on_step(progress: Progress) -> bool:
            now = time.monotonic()
            final = progress.step == progress.total_steps
            if now - last[0] >= REPORT_EVERY or progress.step == 0 or final:
                last[0] = now
                maps = example_maps(progress.params, example)
                messages.put(
                    ("progress", progress.step, progress.total_steps, progress.record, maps)
                )
            return not stop.is_set()

        run = train(
            task,
            config,
            steps=request["steps"],
            seed=request["seed"],
            lr=request["lr"],
            on_step=on_step,
        )
        # The task holds its sampler (a closure that cannot travel between processes): the
        # parent puts it back.
        messages.put(("done", dataclasses.replace(run, task=None), stop.is_set()))
    except Exception as error:  # noqa: BLE001 - reported to the page, never a traceback there
        messages.put(("error", f"{type(error).__name__}: {error}"))
