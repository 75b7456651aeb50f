"""The "code that ran" expander: the engine's real source, read with inspect so it never drifts."""

import inspect

import streamlit as st

from ui.i18n import t


def code_that_ran(*functions) -> None:
    """Show the source of the engine functions a page called."""
    with st.expander(t("common.code_that_ran")):
        for function in functions:
            module = inspect.getmodule(function)
            st.caption(f"{module.__name__}.{function.__qualname__}")
            st.code(inspect.getsource(function), language="python")
