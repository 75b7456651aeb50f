"""Streamlit and Altair helpers shared by the pages: set-up, text, charts, engine cache."""
