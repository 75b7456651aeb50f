"""Korean and English text: short labels from content/<lang>/*.toml, prose from Markdown.

Code holds keys (`t("embedding.title")`); the sentences live in content/. A missing key shows as
⟦key⟧ so a test (and a reader) can spot it.
"""

import functools
import re
import tomllib
from pathlib import Path

import streamlit as st

CONTENT = Path(__file__).resolve().parent.parent / "content"
LANGS = ("ko", "en")  # a new language: its folder content/<code>/, and its code here
LANG_KEY = "shared_lang"
MISSING = "⟦{}⟧"


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(_flatten(value, key + "."))
        else:
            flat[key] = str(value)
    return flat


@functools.cache
def labels(lang: str) -> dict[str, str]:
    """Every short label of one language, as a flat {"page.key": text} table, read from every
    .toml file of its folder (labels.toml, and one file per larger feature). A key defined in two
    files is an error, not a silent override."""
    flat: dict[str, str] = {}
    for path in sorted((CONTENT / lang).glob("*.toml")):
        with open(path, "rb") as f:
            table = _flatten(tomllib.load(f))
        twice = sorted(set(table) & set(flat))
        if twice:
            raise ValueError(f"{path.name} defines label keys defined already: {twice[:5]}")
        flat.update(table)
    return flat


@functools.cache
def prose_sections(lang: str, page: str) -> dict[str, str]:
    """The Markdown file of one page, cut into sections at lines `<!-- name -->`."""
    text = (CONTENT / lang / f"{page}.md").read_text(encoding="utf-8")
    parts = re.split(r"^<!--\s*([\w.-]+)\s*-->\s*$", text, flags=re.MULTILINE)
    return {name: body.strip() for name, body in zip(parts[1::2], parts[2::2])}


def lang() -> str:
    """The language in force: the sidebar's choice, else the browser's, else English."""
    chosen = st.session_state.get(LANG_KEY)
    return chosen if chosen in LANGS else browser_lang()


def browser_lang() -> str:
    """The browser's language if we have it ("ko-KR" -> "ko"), else English."""
    code = (st.context.locale or "").split("-")[0].lower()
    return code if code in LANGS else "en"


def t(key: str, **values) -> str:
    """The label `key` in the current language, with {placeholders} filled in."""
    text = labels(lang()).get(key)
    if text is None:
        return MISSING.format(key)
    return text.format(**values) if values else text


def prose(page: str, section: str) -> str:
    """A Markdown section of a page's prose in the current language."""
    return prose_sections(lang(), page).get(section, MISSING.format(f"{page}/{section}"))
