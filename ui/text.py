"""Text on a page: prose sections, formulas, shapes written in numbers, the page's language."""

import json
import re

import numpy as np
import streamlit as st

from ui.i18n import LANGS, prose

HTML_LANG_KEY = "html_lang"  # the hidden container of the script below (class st-key-html_lang)
# Our own script, no user text in it: Streamlit's page always says <html lang="en">.
LANG_SCRIPT = (
    f"<style>[data-testid='stLayoutWrapper']:has(> .st-key-{HTML_LANG_KEY}) {{display: none;}}"
    "</style>"
    "<script>document.documentElement.lang = {code};</script>"
)


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


def lang_attribute(lang: str) -> None:
    """Announce the page's language (<html lang="ko">), once per page: a screen reader then
    reads Korean with a Korean voice, and the browser hyphenates and picks fonts for it. A
    one-line script of ours sets it (st.html runs it in the page, not in a frame); its element
    is hidden, so it takes no room."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    with st.container(key=HTML_LANG_KEY):
        st.html(LANG_SCRIPT.replace("{code}", json.dumps(lang)), unsafe_allow_javascript=True)


PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation mark


def escape(text: str) -> str:
    """The learner's text made literal for Markdown: a backslash before every ASCII punctuation
    mark, so no link, image, $LaTeX$, :colour[...], emphasis or HTML can start inside it."""
    return PUNCTUATION.sub(r"\\\1", text)
