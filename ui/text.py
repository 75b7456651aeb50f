"""Text on a page: prose sections, formulas, and shapes written in numbers."""

import numpy as np
import streamlit as st

from ui.i18n import prose


def size_text(array: np.ndarray) -> str:
    """An array's shape in numbers: '13 × 64'."""
    return " × ".join(str(n) for n in array.shape)


def shape_text(name: str, array: np.ndarray, dims: str) -> str:
    """'W_Q : (d_model, d_model) = (64 × 64)' — the paper's letters and the numbers."""
    return f"{name} : ({dims}) = ({size_text(array)})"


def section(page: str, name: str) -> None:
    """A Markdown section of the page's prose (our own text, never the learner's)."""
    st.markdown(prose(page, name))


def formula(latex: str) -> None:
    st.latex(latex)
