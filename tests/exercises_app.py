"""A tiny app for tests/test_exercises_ui.py: one page's exercises for settings in session state."""

import streamlit as st

from core.pipeline import run_pipeline
from ui.exercises import check_yourself, page_done, solved_count, start_over, total_count

state = st.session_state
page_id = state.get("test_page", "embedding")
n_heads = 1 if page_id == "attention" else state.get("test_heads", 4)  # as the pages draw them
text = state.get("test_text", "the cat sat on the mat")
trace = run_pipeline(text, state.get("test_d_model", 64), n_heads, state.get("test_seed", 0))
check_yourself(page_id, trace)
st.text(f"solved {solved_count()} of {total_count()}; page done: {page_done(page_id)}")
st.button("start over", key="test_start_over", on_click=start_over)
