"""The lesson path: previous and next links on every page, a mark per page in the sidebar,
the learner's progress over all exercises, and a teacher's link that hides the controls."""

import streamlit as st

from core.exercises import EXERCISE_IDS
from ui import exercises
from ui.i18n import t

VISITED_KEY = "lesson_visited"  # the pages this session has opened
VIEW_KEY = "lesson_view"  # "lesson" when a teacher's link hid the controls
LESSON_ONLY = "lesson"  # ?view=lesson: the page without the sidebar's controls


def visit(page_id: str) -> None:
    st.session_state.setdefault(VISITED_KEY, set()).add(page_id)


def mark(page_id: str) -> str:
    """The sidebar's mark of a page: ✓ all its exercises solved, • opened, nothing yet."""
    if page_id in EXERCISE_IDS and exercises.page_done(page_id):
        return " ✓"
    if page_id in st.session_state.get(VISITED_KEY, set()):
        return " •"
    return ""


def sidebar_links(pages) -> None:
    """One link per page, in lesson order, with its mark."""
    for page_id, path, icon in pages:
        st.sidebar.page_link(path, label=t(f"nav.{page_id}") + mark(page_id), icon=icon)


def progress() -> None:
    """'7 of 19 solved' as a bar, and a button that starts the exercises over."""
    solved, total = exercises.solved_count(), exercises.total_count()
    st.sidebar.progress(solved / total, text=t("lesson.progress", solved=solved, total=total))
    st.sidebar.button(
        t("lesson.start_over"), key="lesson_start_over", on_click=_start_over, width="stretch"
    )


def _start_over() -> None:
    exercises.start_over()
    st.session_state.pop(VISITED_KEY, None)


def neighbours(pages, page_id: str):
    """The pages before and after this one in the lesson (None at either end)."""
    ids = [p[0] for p in pages]
    i = ids.index(page_id)
    return (pages[i - 1] if i > 0 else None), (pages[i + 1] if i + 1 < len(pages) else None)


def nav_links(pages, page_id: str) -> None:
    """'← previous' and 'next →' links side by side."""
    before, after = neighbours(pages, page_id)
    left, right = st.columns(2)
    if before:
        left.page_link(before[1], label="← " + t(f"nav.{before[0]}"))
    if after:
        right.page_link(after[1], label=t(f"nav.{after[0]}") + " →")


def lesson_only() -> bool:
    """Did a teacher's link (?view=lesson) ask to hide the controls? Remembered for the session,
    since a page switch may drop the query parameter."""
    if st.query_params.get("view") == LESSON_ONLY:
        st.session_state[VIEW_KEY] = LESSON_ONLY
    return st.session_state.get(VIEW_KEY) == LESSON_ONLY


def hide_controls() -> None:
    """Hide the sidebar's settings (they still hold the link's values) for a lesson-only view."""
    st.html("<style>.st-key-sidebar_settings, .st-key-main_controls {display: none;}</style>")
