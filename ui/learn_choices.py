"""The "watch it learn" page's own choices: the task to train and the model's sizes. What each
widget offers (a task brings its own defaults), and how a link writes them; ui/page_choices.py
lists them with the other pages' choices, ui/learn_runs.py draws them.

    learn   train=sort  size=8…128 (by 8)  heads=1|2|4|8  layers=1…3  lr=0.003  steps=10…2000 (by 10)

A value a link gives must be one the widget offers for the link's task, else the task's default
is shown, with the usual notice.
"""

from dataclasses import replace
from typing import Any

from core.tasks import TASKS
from ui import settings, state

# The choices, in the order drawn: a slider's (min, max, step) or a select slider's options.
# Every head count divides every d_model; a task's own learning rate joins the list.
CHOICES = {
    "d_model": (8, 128, 8),
    "n_heads": [1, 2, 4, 8],
    "n_layers": (1, 3, 1),
    "lr": [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2],
    "steps": (10, 2000, 10),
}
URL_NAMES = {
    "d_model": "size",
    "n_heads": "heads",
    "n_layers": "layers",
    "lr": "lr",
    "steps": "steps",
}


# The task to train: read and checked like the trained weights' task, under its own key and name.
TASK = state.remember(replace(settings.TASK, key="learn_task", url="train"))


def task() -> str:
    """The task the page trains: the one its box holds, else the link's, else the default."""
    return state.held(TASK)


def offered(name: str, task_name: str) -> list:
    """What the widget of a size offers for this task: every stop of a slider, or a select
    slider's options with the task's own value among them."""
    choice = CHOICES[name]
    if isinstance(choice, tuple):
        low, high, step = choice
        return list(range(low, high + 1, step))
    return sorted({*choice, getattr(TASKS[task_name], name)})


def _size(name: str) -> state.Choice:
    """A size's choice: the task's own value by default; a link's must be offered."""
    read = float if name == "lr" else int  # int() rejects '6.5', 'nan', '1e9' and 5000 digits

    def parse(text: str) -> Any:
        value = read(text)
        if value not in offered(name, task()):
            raise ValueError(f"{text!r} is not offered for {name}")
        return value

    def valid(value: Any) -> bool:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return number and value in offered(name, task())

    def default() -> Any:
        return getattr(TASKS[task()], name)

    return state.Choice(
        f"learn_{name}", URL_NAMES[name], default, parse, valid, show=lambda v: str(read(v))
    )


SIZES = {name: state.remember(_size(name)) for name in CHOICES}
LEARN_CHOICES = (TASK, *SIZES.values())  # in the order drawn and written in the URL
