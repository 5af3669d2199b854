"""Calculus for ML — entry point: page config, presenter mode, navigation."""

import streamlit as st

from ui.lessons import LESSONS
from ui.theme import apply_page_style, presenter_toggle

st.set_page_config(
    page_title="Calculus for ML", page_icon="assets/favicon.png", layout="wide", initial_sidebar_state="collapsed"
)
presenter_toggle()
apply_page_style()

home = st.Page("lessons/home.py", title="Home", icon=":material/home:", default=True)
lessons = [
    st.Page(lesson.path, title=f"{lesson.number}. {lesson.short}", icon=lesson.icon, url_path=lesson.url_path)
    for lesson in LESSONS
]
st.navigation([home, *lessons], position="top").run()
