"""Choices that outlive a rerun: the widget is the one source of truth, the address bar its mirror.

Every remembered choice is a keyed widget with `persist_state="session"`. Three rules keep the
widget the only source of truth:
- A widget gets its starting value (from the URL, else its default) through its own `value`
  argument, and only while its key is unknown: a reconnecting browser's value then wins, so a
  server restart keeps the learner's sentence and sizes.
- Streamlit gives a widget on each page its own id, so the first run of a page after a switch
  would mount it at its default. `carry_over()` writes each remembered value back under its key
  on that first run only, never on other reruns: a write there is pushed to the browser and
  would overwrite key presses made while the rerun ran.
- A value the browser hands back is checked before its widget is drawn (a crafted message can
  send a NaN seed); a bad one is replaced by the default, with a notice.

A page's own choices (ui/links.py: the query token, the open tab, ...) follow the same rules.
Tabs take no starting-value argument that leaves their identity alone, so a link's tab is
`seed`ed into the key before the tabs are drawn; a choice whose widget value is not what the
URL shows (a token label "3·it" shown as 3) says how to write it with `show`.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

PAGE_KEY = "state_page"  # the page the last run drew
NOTICES_KEY = "state_notices"  # (url name, what was wrong) to tell the learner once


@dataclass(frozen=True)
class Choice:
    """One remembered choice: its widget key, its name in the URL, and how to read it."""

    key: str  # the widget's key, e.g. "shared_d_model"
    url: str  # its query parameter, e.g. "d_model"
    default: Callable[[], Any]  # the value when nothing (valid) is given
    parse: Callable[[str], Any]  # text from the URL -> value; raises ValueError if invalid
    valid: Callable[[Any], bool]  # is a value the widget handed back usable?
    show: Callable[[Any], str] = str  # widget value -> its text in the URL (parse's inverse)


REGISTRY: dict[str, Choice] = {}


def remember(choice: Choice) -> Choice:
    """Register a choice (once, at import) so it is carried over, checked and put in the URL."""
    REGISTRY[choice.key] = choice
    return choice


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """A parser for a whole number in [low, high], e.g. '64'; rejects '1e9', 'nan', '6.5'."""

    def parse(text: str) -> int:
        value = int(text.strip())
        if not low <= value <= high:
            raise ValueError(f"{value} is outside {low}…{high}")
        return value

    return parse


def is_whole(low: int, high: int) -> Callable[[Any], bool]:
    """A check that a widget's value is a whole number in [low, high] (no NaN, no bool)."""

    def valid(value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return math.isfinite(value) and value == int(value) and low <= value <= high

    return valid


def from_url(choice: Choice) -> Any:
    """The starting value: the URL's, if it parses, else the default (with a notice)."""
    given = st.query_params.get_all(choice.url)
    if not given:
        return choice.default()
    try:
        if len(given) > 1:
            raise ValueError("given more than once")
        return choice.parse(given[0])
    except ValueError:
        st.session_state.setdefault(NOTICES_KEY, []).append(choice.url)
        return choice.default()


def link_ok(choice: Choice) -> bool:
    """Check the link's value of a choice whose widget is not drawn yet: a bad one is dropped
    from the URL, with a notice, so the widget starts at its default. Is the value usable?"""
    given = st.query_params.get_all(choice.url)
    if not given:
        return True
    try:
        if len(given) > 1:
            raise ValueError("given more than once")
        choice.parse(given[0])
        return True
    except ValueError:
        st.session_state.setdefault(NOTICES_KEY, []).append(choice.url)
        del st.query_params[choice.url]
        return False


def seed(choice: Choice) -> None:
    """For a widget without a usable starting-value argument (tabs): put the link's value under
    its key before it is drawn, only while the key is unknown and the link gives one."""
    if choice.key not in st.session_state and st.query_params.get_all(choice.url):
        st.session_state[choice.key] = from_url(choice)


def held(choice: Choice) -> Any:
    """The value held under the choice's key (if usable), else the one it will start at (the
    link's, else the default): also a setting's value on a page that does not draw its widget."""
    value = st.session_state.get(choice.key)
    return value if value is not None and choice.valid(value) else from_url(choice)


def url_text(choice: Choice) -> str:
    """The choice as the URL writes it: the value it holds or will start at."""
    return choice.show(held(choice))


def start_value(choice: Choice, argument: str = "value") -> dict[str, Any]:
    """The widget's starting-value argument while its key is unknown, else nothing (the widget
    keeps the value it has, or the one the browser sends)."""
    if choice.key in st.session_state:
        return {}
    return {argument: from_url(choice)}


def carry_over(page_id: str) -> None:
    """On the first run of a page after a switch, hand every remembered value to this page's
    widget of the same key. Other reruns write nothing."""
    state = st.session_state
    if state.get(PAGE_KEY) == page_id:
        return
    for key in REGISTRY:
        if key in state:
            state[key] = state[key]
    state[PAGE_KEY] = page_id


def check(choice: Choice, valid: Callable[[Any], bool] | None = None) -> None:
    """Before its widget is drawn: replace a value the browser handed back that is unusable."""
    state = st.session_state
    if choice.key in state and not (valid or choice.valid)(state[choice.key]):
        state[choice.key] = choice.default()
        state.setdefault(NOTICES_KEY, []).append(choice.url)


def take_notices() -> list[str]:
    """The URL names whose values were replaced by defaults since the last call."""
    return st.session_state.pop(NOTICES_KEY, [])


def sync_url(values: dict[str, Any], drop: tuple[str, ...] = ()) -> None:
    """Write the view's values into the address bar (only those that changed), so a copied
    address opens the same view; remove the names in `drop` (choices of other pages)."""
    for name, value in values.items():
        text = str(value)
        if st.query_params.get_all(name) != [text]:
            st.query_params[name] = text
    for name in drop:
        if name not in values and name in st.query_params:
            del st.query_params[name]
