"""Home: the story in a few lines, and a card per lesson."""

import streamlit as st

from ui import page
from ui.lessons import LESSONS

page.header(
    "Calculus for ML",
    "A model learning is a **blindfolded hiker on a mountain of loss**. It cannot see the valley; it can only "
    "feel the slope under its feet. **The derivative is its compass**: it says which way is downhill and how "
    "steep. These lessons show where that compass comes from — and how it breaks when a computer estimates it "
    "with too few digits.",
)

columns = st.columns(2, gap="medium")
for i, lesson in enumerate(LESSONS):
    with columns[i % 2].container(border=True, height="stretch"):
        st.page_link(lesson.path, label=f"**Lesson {lesson.number}: {lesson.title}**", icon=lesson.icon)
        st.markdown(lesson.summary)

st.caption(
    "Teaching with a projector? Turn on **Presenter mode** in the sidebar, or add `?present=1` to any address. "
    "Every control is kept in the address bar: copy it to share exactly what is on screen."
)
