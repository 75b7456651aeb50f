"""Attention Playground: the overview page and the app's entry point."""

import streamlit as st

st.title("Attention Playground")
