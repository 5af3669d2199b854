"""The floor: a one-slider page, rerun the same way as the lessons."""

import streamlit as st

st.slider("a", 0, 10, key="a")
