"""Lesson links: the whole view in the address bar, and a box that hands out a copy of it.

The shared settings (ui/settings.py) are in the URL on every page; each page adds its own
choices under short names, only while it is shown:

    positional  pe=sinusoidal|learned  extra=0…32  dims=0,1,4,32
    qkv         tab=x|q|k|v  token=3  layer=1 (trained)
    attention   tab=dot|scale  query=3  causal=0|1  head=0, layer=1 (trained)
    multihead   head=0  qk=q|k  tab=concat|output  layer=1 (trained)
    learn       train=sort  size=32  heads=4  layers=2  lr=0.003  steps=300

A token or head is written as its position (a widget holds its label, "3·it" or "head 3");
a tab as a short id, not its label (labels change with the language); a layer as the page
numbers it, from 1. Each is a state.Choice: carried over page switches, checked, started from
the link. A value a link gets wrong falls back to the default with the usual notice.
"""

import re
from urllib.parse import quote, urlencode

import streamlit as st

from ui import lesson, state
from ui import page_choices as pc
from ui.i18n import t
from ui.settings import SHARED, WEIGHTS


def choices(page_id: str) -> tuple[state.Choice, ...]:
    """The page's own choices that apply to the weights in use."""
    trained = st.session_state.get(WEIGHTS.key) == "trained"
    skip = pc.RANDOM_ONLY if trained else pc.TRAINED_ONLY
    return tuple(c for c in pc.PAGE_CHOICES.get(page_id, ()) if c not in skip)


def start_position(key: str, count: int) -> int:
    """Where a picker by label starts while its key is unknown: the link's position (kept
    inside the `count` labels there are), else 0."""
    choice = state.REGISTRY.get(key)
    if choice is None or not st.query_params.get_all(choice.url):
        return 0
    return min(int(state.from_url(choice)), count - 1)


# --- the page's part ------------------------------------------------------------------------
def check(page_id: str) -> None:
    """After the shared settings, before the page draws: a value of the page's own choices that
    the browser handed back or the link gives is checked (bad: default, with the notice);
    a link's tab is put under its key."""
    kept = st.session_state.get(pc.KEPT_KEY, {})
    for choice in choices(page_id):
        if choice in pc.TABS and choice.key in kept:
            _open_kept_tab(choice, kept[choice.key])
        elif choice.key in st.session_state:
            state.check(choice)
        elif state.link_ok(choice) and choice in pc.TABS:
            state.seed(choice)


def _open_kept_tab(choice: state.Choice, tab_id: str) -> None:
    """Tabs have no persist_state: the tab last open on this page (after a page switch, or in
    the other language) is put back under the key, unless a current tab label is there."""
    labels = [choice.parse(i) for i in pc.TAB_IDS[choice.key]]
    if st.session_state.get(choice.key) not in labels:
        st.session_state[choice.key] = choice.parse(tab_id)


def sync(page_id: str) -> None:
    """Write the page's own choices into the address bar and drop those of other pages. Called
    at the end of a page and of each fragment that holds one of its choices."""
    own = {c.url: state.url_text(c) for c in choices(page_id)}
    kept = st.session_state.setdefault(pc.KEPT_KEY, {})
    kept.update({c.key: own[c.url] for c in choices(page_id) if c in pc.TABS})
    state.sync_url(own, drop=tuple(name for name in pc.PAGE_URL_NAMES if name not in own))


def view_values(page_id: str, for_class: bool = False) -> dict[str, str]:
    """Every value of the view by its URL name: the shared settings, then the page's own."""
    values = {c.url: state.url_text(c) for c in SHARED}
    values.update({c.url: state.url_text(c) for c in choices(page_id)})
    if for_class or lesson.lesson_only():
        values["view"] = lesson.LESSON_ONLY
    return values


def view_link(page_id: str, for_class: bool = False) -> str:
    """The address that opens this view: this page, with every value of it."""
    base = st.context.url
    if not base:  # no browser (a test): the page's own path
        from ui.setup import PAGES  # imported here: ui.setup imports this module

        path = next(p for i, p, _ in PAGES if i == page_id)
        base = "/" + ("" if path == "app.py" else re.sub(r"^\d+_", "", path[6:-3]))
    query = urlencode(view_values(page_id, for_class), quote_via=quote)
    return f"{base}?{query}"


def share(page_id: str) -> None:
    """A box in the sidebar that hands out the link to this view (copy it with the code box's
    own button), optionally for a class (the controls hidden). Built only while open."""
    box = st.sidebar.popover(
        t("links.share"),
        icon=":material/link:",
        key=pc.SHARE_KEY,
        on_change="rerun",
        help=t("links.share_help"),
        width="stretch",
    )
    if not box.open:
        return
    with box:
        start = {} if pc.LESSON_KEY in st.session_state else {"value": lesson.lesson_only()}
        for_class = st.checkbox(
            t("links.for_class"), key=pc.LESSON_KEY, help=t("links.for_class_help"), **start
        )
        st.code(view_link(page_id, for_class), language=None, wrap_lines=True)
        st.caption(t("links.copy_hint"))


def prepare(page_id: str) -> None:
    """The page's own choices from the link (checked before the notices are shown), and the
    box that shares the view."""
    check(page_id)
    share(page_id)
