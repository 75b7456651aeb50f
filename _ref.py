"""Reference: one slider, one small chart."""
import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

st.set_page_config(page_title="reference", layout="wide")
value = st.sidebar.slider("reference value", 8, 512, 64, step=8, key="ref_value")
st.sidebar.caption(f"value = {value}")
st.title("Reference")
x = np.arange(20)
data = pd.DataFrame({"x": x, "y": np.sin(x * value / 100.0)})
st.altair_chart(alt.Chart(data).mark_line().encode(x="x:Q", y="y:Q"), width="stretch")
