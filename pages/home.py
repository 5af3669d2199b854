"""Home: the story in a few lines, and a card per lesson."""

import streamlit as st

from ui import page
from ui.lessons import LESSONS

page.header(
    "Calculus for ML",
    "A model learning is a **blindfolded hiker on a mountain of loss**. It cannot see the valley; "
    "it can only feel the slope under its feet. **The derivative is its compass**: it says which way "
    "is downhill and how steep. These lessons show where that compass comes from — and how it breaks "
    "when a computer estimates it with too few digits.",
)
for lesson in LESSONS:
    with st.container(border=True):
        st.page_link(lesson.path, label=f"**{lesson.number}. {lesson.title}**", icon=lesson.icon)
        st.markdown(lesson.summary)
