"""Training runs shared by every learner of one server: a cache, a queue, and a bounded number of
runs at a time, each in a process of its own (`python -m ui.train_worker`).

A class shares one hosted copy: when many learners press Train at once, identical requests share
one run, at most MAX_RUNNING train at a time (the others wait, with their place in the queue
shown), and the server's own process keeps answering. Finished runs are kept, most recent first,
up to MAX_FINISHED, with every array read-only (they are shared by every session).
"""

import dataclasses
import pickle
import queue
import subprocess
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.tasks import TASKS
from core.training import Record, TrainingRun

MAX_RUNNING = 1  # trainings at a time: on two cores, one trains and one serves the pages
MAX_FINISHED = 8  # finished runs kept for everyone (about 15 MB each at d_model 64)
ROOT = Path(__file__).resolve().parents[1]  # where `python -m ui.train_worker` finds its code


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
    stop: threading.Event = field(default_factory=threading.Event)  # set: the run stops
    finished: threading.Event = field(default_factory=threading.Event)

    @property
    def done(self) -> bool:
        return self.finished.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self.finished.wait(timeout)


class Trainer:
    """The one queue of training runs of this server process."""

    def __init__(self, max_running: int = MAX_RUNNING, max_finished: int = MAX_FINISHED):
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
            job = Job(request)
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
            try:
                self._train(job)
            except Exception as error:  # noqa: BLE001 - the page says so; it never hangs
                job.error, job.state = f"{type(error).__name__}: {error}", "failed"
            finally:
                job.finished.set()  # after the last word on the job: pages read it once done
        with self._lock:
            self._forget_old()

    def _train(self, job: Job) -> None:
        """Run the job in a worker process; its messages update the job as they arrive."""
        from ui import engine  # (ui.engine imports this module)

        task = TASKS[job.request.task]
        request = {
            "task": task.name,
            "config": job.request.config(len(task.vocab), task.seq_len, task.pad_id),
            "steps": job.request.steps,
            "lr": job.request.lr,
            "seed": job.request.seed,
        }
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "ui.train_worker"],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        except OSError as error:
            job.error, job.state = f"{type(error).__name__}: {error}", "failed"
            return
        messages: queue.Queue = queue.Queue()
        threading.Thread(target=_read, args=(process.stdout, messages), daemon=True).start()
        asked_to_stop = False
        try:
            _tell(process, pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL))
            while True:
                if job.stop.is_set() and not asked_to_stop:
                    asked_to_stop = _tell(process, b"stop\n")
                try:
                    message = messages.get(timeout=0.25)
                except queue.Empty:
                    continue
                if message is None:  # its output ended before it said how the run ended
                    job.error, job.state = "the training process ended unexpectedly", "failed"
                    return
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
            try:
                process.stdin.close()  # the worker stops at the end of its input
                process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()


def _tell(process: subprocess.Popen, data: bytes) -> bool:
    """Write to the worker's input; False if it has already gone."""
    try:
        process.stdin.write(data)
        process.stdin.flush()
        return True
    except (BrokenPipeError, OSError, ValueError):
        return False


def _read(stream, messages: queue.Queue) -> None:
    """Every message the worker writes, in order, then None when its output ends."""
    try:
        while True:
            messages.put(pickle.load(stream))
    except (EOFError, OSError, pickle.UnpicklingError):
        messages.put(None)
