"""One training run in a process of its own: `python -m ui.train_worker`, started by
ui/training_jobs.py.

A separate process keeps the server's Python free while NumPy trains: on a two-core machine one
core trains and the other answers every learner. It is started as a plain Python module, not with
multiprocessing: its "spawn" first runs the parent's __main__ again in the child, and in the server
that is whichever page Streamlit ran last (it installs each as __main__): about a second of work
without a server, and hundreds of warnings, before every run. It imports no Streamlit, so it starts
quickly. It reads its request from standard input, writes its messages to standard output (both
pickled), reports progress about twice a second with the attention maps of one example sentence,
and stops when a line arrives on standard input (or when standard input closes: the server has
gone).
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core for training, before NumPy loads
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import dataclasses
import pickle
import sys
import threading
import time
from collections.abc import Callable

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


def work(request: dict, send: Callable[[tuple], None], stop: threading.Event) -> None:
    """Train as `request` says; send ("progress", ...), then ("done", run, stopped) or
    ("error", text)."""
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
                send(("progress", progress.step, progress.total_steps, progress.record, maps))
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
        send(("done", dataclasses.replace(run, task=None), stop.is_set()))
    except Exception as error:  # noqa: BLE001 - reported to the page, never a traceback there
        send(("error", f"{type(error).__name__}: {error}"))


def main() -> None:
    messages = os.fdopen(os.dup(sys.stdout.fileno()), "wb")  # only messages go here ...
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # ... anything printed goes to the log
    request = pickle.load(sys.stdin.buffer)
    stop = threading.Event()

    def wait_for_stop() -> None:
        sys.stdin.buffer.readline()  # a line, or the end of the input
        stop.set()

    def send(message: tuple) -> None:
        pickle.dump(message, messages, protocol=pickle.HIGHEST_PROTOCOL)
        messages.flush()

    # Not a daemon: the process ends once its input ends too (the server closes it after the
    # last message), so nothing is left reading at shutdown.
    threading.Thread(target=wait_for_stop).start()
    try:
        work(request, send, stop)
    except BrokenPipeError:  # the server has gone: nobody to tell
        pass


if __name__ == "__main__":
    main()
