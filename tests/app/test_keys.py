"""Each lesson declares its widget keys once (lessons/<lesson>/keys.py): they are its URL parameters.

A key the page uses but does not declare would be a URL parameter no test or benchmark knows of;
a declared key the page never draws would be a dead entry in the address format.
"""

import importlib
import re

import pytest

from tests.conftest import no_exception
from ui.lessons import LESSONS

# Keys made from a declared one or from data: a question's answer widgets, each chart's CSV button,
# per-optimizer, per-weight, per-table and per-class controls, and the step buttons beside a slider.
DERIVED = re.compile(
    r".*__(guess|reveal)|csv-.*|gd_lr_.*|gd_(momentum|nesterov|rmsprop|adam)_.*|g_w[1-6]|l_rows_.*"
    r"|l_logit_.*|c_step_(prev|next)|.*__last_good"
)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.url_path)
def test_every_widget_key_is_declared(open_page, lesson):
    keys = importlib.import_module(f"lessons.{lesson.url_path}.keys")
    at = open_page(lesson.path)
    no_exception(at)
    drawn = {
        w.key
        for kind in (
            "text_input",
            "number_input",
            "slider",
            "select_slider",
            "selectbox",
            "button_group",
            "multiselect",
            "button",
            "toggle",
            "radio",
            "tabs",
        )
        for w in at.get(kind)
        if getattr(w, "key", None)
    }
    undeclared = {k for k in drawn if k not in keys.ALL and not DERIVED.fullmatch(k) and k != "present"}
    assert not undeclared, f"{lesson.url_path} draws undeclared keys {sorted(undeclared)}"
    assert len(set(keys.ALL)) == len(keys.ALL)
