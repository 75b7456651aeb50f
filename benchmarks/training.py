"""Training speed: each task trained with its defaults (seed 0) as the app trains it, in a
process of one thread (ui/train_worker.py does the same), timed step by step."""

import json
import os
import subprocess
import sys
from dataclasses import dataclass

TRAIN_ONE = """
import json, time
from core.tasks import TASKS
from core.training import train, model_config
import dataclasses
task = TASKS[{task!r}]
config = model_config(task)
if {d_model} is not None:
    config = dataclasses.replace(config, d_model={d_model}, n_heads={n_heads})
start, seen = time.perf_counter(), []
def on_step(progress):
    seen.append((progress.step, time.perf_counter() - start, progress.record.test_accuracy))
run = train(task, config, seed=0, on_step=on_step)
print(json.dumps({{"seconds": time.perf_counter() - start, "steps": run.history[-1].step,
                  "records": seen, "accuracy": run.history[-1].test_accuracy}}))
"""


@dataclass(frozen=True)
class TrainingResult:
    task: str
    d_model: int
    n_heads: int
    steps: int
    seconds: float  # the whole run, evaluations included
    steps_per_second: float
    seconds_to_95: float | None  # until held-out accuracy first reached 95 %
    accuracy: float  # held-out accuracy at the end


def time_training(task: str, d_model: int | None = None, n_heads: int | None = None):
    """Train once in a fresh one-thread Python (as the app's worker does) and time it."""
    from core.tasks import TASKS

    code = TRAIN_ONE.format(task=task, d_model=d_model, n_heads=n_heads)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True
    ).stdout
    data = json.loads(out.strip().splitlines()[-1])
    to_95 = next((seconds for _, seconds, acc in data["records"] if acc >= 0.95), None)
    defaults = TASKS[task]
    return TrainingResult(
        task,
        d_model or defaults.d_model,
        n_heads or defaults.n_heads,
        data["steps"],
        data["seconds"],
        data["steps"] / data["seconds"],
        to_95,
        data["accuracy"],
    )


def all_tasks(quick: bool) -> list[TrainingResult]:
    """Every task at its defaults, and the app's default trained model (d_model 64, 4 heads)."""
    from core.tasks import TASKS

    names = ["coreference_en"] if quick else list(TASKS)
    return [time_training(name) for name in names] + [time_training("coreference_en", 64, 4)]
