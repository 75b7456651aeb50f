"""Training runs shared by every learner of one server: a cache, a queue, and a bounded number of
runs at a time, each in a process of its own (ui/train_worker.py).

A class shares one hosted copy: when many learners press Train at once, identical requests share
one run, at most MAX_RUNNING train at a time (the others wait, with their place in the queue
shown), and the server's own process keeps answering. Finished runs are kept, most recent first,
up to MAX_FINISHED, with every array read-only (they are shared by every session).
"""

import dataclasses
import multiprocessing
import queue
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from core.training import Record, TrainingRun

MAX_RUNNING = 1  # trainings at a time: on two cores, one trains and one serves the pages
MAX_FINISHED = 8  # finished runs kept for everyone (about 15 MB each at d_model 64)


@dataclass(frozen=True)
class Request:
    """What to train: a task, the model's sizes, steps, learning rate and seed."""

    task: str
    d_model: int
    n_heads: int
    n_layers: int
    steps: int
    lr: float
    seed: int

    def config(self, vocab_size: int, seq_len: int, pad_id: int | None) -> dict:
        return {
            "vocab_size": vocab_size,
            "seq_len": seq_len,
            "d_model": self.d_model,
            "n_heads": self.n_heads,
            "n_layers": self.n_layers,
            "pad_id": pad_id,
        }


@dataclass
class Job:
    """One run as the pages see it; its fields are written by the job's own thread only."""

    request: Request
    state: str = "queued"  # queued, running, done, stopped, failed
    step: int = 0
    total: int = 0
    history: list[Record] = field(default_factory=list)
    maps: np.ndarray | None = None  # (n_layers, n_heads, seq, seq) the example's attention now
    run: TrainingRun | None = None
    error: str | None = None
    stop: object = None  # a multiprocessing Event: set it to stop the run
    finished: threading.Event = field(default_factory=threading.Event)

    @property
    def done(self) -> bool:
        return self.finished.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self.finished.wait(timeout)


class Trainer:
    """The one queue of training runs of this server process."""

    def __init__(self, max_running: int = MAX_RUNNING, max_finished: int = MAX_FINISHED):
        self._context = multiprocessing.get_context("spawn")  # a clean process, no server threads
        self._lock = threading.Lock()
        self._jobs: OrderedDict[Request, Job] = OrderedDict()
        self._waiting: list[Job] = []
        self._slots = threading.Semaphore(max_running)
        self._max_finished = max_finished

    def request(self, request: Request) -> Job:
        """The job for this request: a finished or running one if there is one, else queued."""
        with self._lock:
            job = self._jobs.get(request)
            if job is not None and job.state not in ("stopped", "failed"):
                self._jobs.move_to_end(request)
                return job
            job = Job(request, stop=self._context.Event())
            self._jobs[request] = job
            self._waiting.append(job)
            self._forget_old()
        threading.Thread(target=self._run, args=(job,), daemon=True).start()
        return job

    def place(self, job: Job) -> int:
        """1 for the next run to start, 2 for the one after, ...; 0 once it runs."""
        with self._lock:
            return self._waiting.index(job) + 1 if job in self._waiting else 0

    def stop(self, job: Job) -> None:
        job.stop.set()
        with self._lock:
            if job in self._waiting:  # never started: it ends at once
                self._waiting.remove(job)
                job.state = "stopped"
                job.finished.set()

    def _forget_old(self) -> None:
        """Drop the oldest finished runs beyond the limit (running and queued ones stay)."""
        finished = [key for key, job in self._jobs.items() if job.done]
        for key in finished[: max(0, len(finished) - self._max_finished)]:
            del self._jobs[key]

    def _run(self, job: Job) -> None:
        with self._slots:
            with self._lock:
                if job not in self._waiting:  # stopped while it waited
                    return
                self._waiting.remove(job)
                job.state = "running"
            self._train(job)
        with self._lock:
            self._forget_old()

    def _train(self, job: Job) -> None:
        from core.tasks import TASKS  # the worker module is imported in the child only
        from ui import engine

        task = TASKS[job.request.task]
        request = {
            "task": task.name,
            "config": job.request.config(len(task.vocab), task.seq_len, task.pad_id),
            "steps": job.request.steps,
            "lr": job.request.lr,
            "seed": job.request.seed,
        }
        messages = self._context.Queue()
        from ui.train_worker import work

        process = self._context.Process(
            target=work, args=(request, messages, job.stop), daemon=True
        )
        process.start()
        try:
            while True:
                try:
                    message = messages.get(timeout=1.0)
                except queue.Empty:
                    if not process.is_alive():
                        job.error, job.state = "the training process ended unexpectedly", "failed"
                        return
                    continue
                if message[0] == "progress":
                    _, job.step, job.total, record, job.maps = message
                    job.history.append(record)
                    continue
                if message[0] == "done":
                    job.run = engine.read_only(dataclasses.replace(message[1], task=task))
                    job.state = "stopped" if message[2] else "done"
                else:
                    job.error, job.state = message[1], "failed"
                return
        finally:
            job.finished.set()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
