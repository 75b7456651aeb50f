"""The "code that ran" expander: the engine's real source, read with inspect so it never drifts."""

import functools
import inspect

import streamlit as st

from ui.i18n import t


def code_that_ran(*functions) -> None:
    """Show the source of the engine functions a page called: drawn only while the box is open
    (long highlighted code costs the browser time on every slider move)."""
    box = st.expander(t("common.code_that_ran"), key="code_that_ran", on_change="rerun")
    if box.open:
        with box:
            for function in functions:
                name, source = _source(function)
                st.caption(name)
                st.code(source, language="python")


@functools.cache
def _source(function) -> tuple[str, str]:
    """The function's dotted name and its source, read once per process."""
    return f"{function.__module__}.{function.__qualname__}", inspect.getsource(function)
