"""Every page against random input (hypothesis): no exception, ever.

Two ways in, as on the internet:
- the address bar: any query parameters, values far outside the widgets'
  ranges, wrong types, hostile function text;
- the controls: random values within each widget's range, random text in
  the function boxes.
"""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import no_exception
from ui.lessons import LESSONS

PAGES = [lesson.path for lesson in LESSONS]
FUZZ = settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)

NASTY_VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            "nan",
            "inf",
            "-inf",
            "1e999",
            "-1e999",
            "0",
            "-0",
            "1e-320",
            "true",
            "None",
            "[]",
            "__import__('os').system('id')",
            "9**9**9",
            "x" * 600,
            "((((((((((x))))))))))",
            "1/0",
            "é",
            "%00",
        ]
    ),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(max_size=40),
)
FUNCTION_TEXT = st.one_of(
    st.sampled_from(
        [
            "x^2",
            "w^2",
            "sin(x)*y",
            "log(x) + log(y)",
            "1/x",
            "exp(exp(x))",
            "sqrt(-1-x^2)",
            "x^x^x",
            "0",
            "relu(x) - relu(-y)",
            "(x+1)^50*(x-1)^50",
            "abs(w)",
            "tanh(u)",
            "2x+3",
        ]
    ),
    st.text(alphabet=st.sampled_from(list("xywu0123456789.+-*/^() esincolgqrtab")), max_size=40),
)


def _keys(at) -> list[str]:
    kinds = (
        "text_input",
        "number_input",
        "slider",
        "select_slider",
        "selectbox",
        "radio",
        "toggle",
        "checkbox",
        "multiselect",
        "button_group",
    )
    return sorted({e.key for kind in kinds for e in at.get(kind) if getattr(e, "key", None)})


@pytest.fixture(scope="module")
def widget_keys(open_page_module):
    return {path: _keys(open_page_module(path)) for path in PAGES}


@pytest.fixture(scope="module")
def open_page_module():
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    def _open(path, query=None):
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.run()
        at.switch_page(path)
        at.run()
        return at

    return _open


@pytest.mark.parametrize("path", PAGES)
def test_random_addresses(open_page_module, widget_keys, path):
    keys = widget_keys[path] + ["present", "unknown_key"]

    @FUZZ
    @given(st.dictionaries(st.sampled_from(keys), NASTY_VALUES, max_size=6))
    def check(query):
        at = open_page_module(path, query)
        no_exception(at)
        assert at.title, f"{path} did not render with {query}"

    check()


def _in_range(widget, fraction: float):
    """A value inside the widget's own range, `fraction` of the way along it."""
    kind = type(widget).__name__
    proto = widget.proto
    if kind == "NumberInput":
        low = proto.min if proto.has_min else -1e3
        high = proto.max if proto.has_max else 1e3
        low, high = max(low, -1e6), min(high, 1e6)
        value = low + (high - low) * fraction
        return int(round(value)) if isinstance(widget.value, int) else value
    if kind == "Slider":
        low, high = widget.min, widget.max
        step = widget.step or 1
        value = low + round((high - low) * fraction / step) * step
        return type(widget.value[0] if isinstance(widget.value, tuple) else widget.value)(min(max(value, low), high))
    if kind == "SelectSlider":
        options = list(proto.options)
        text = options[min(int(fraction * len(options)), len(options) - 1)]
        try:
            return float(text)  # the step-size sliders format floats
        except ValueError:
            return text
    return None


@pytest.mark.parametrize("path", PAGES)
def test_random_controls(open_page_module, path):
    @FUZZ
    @given(st.lists(st.tuples(st.integers(0, 10**6), st.floats(0, 1), FUNCTION_TEXT), min_size=1, max_size=3))
    def check(moves):
        at = open_page_module(path)
        for pick, fraction, text in moves:
            widgets = [
                w
                for kind in ("number_input", "slider", "select_slider", "text_input")
                for w in at.get(kind)
                if getattr(w, "key", None) and not getattr(w, "disabled", False)
            ]
            if not widgets:
                return
            widget = widgets[pick % len(widgets)]
            if type(widget).__name__ == "TextInput":
                widget.input(text)
            else:
                value = _in_range(widget, fraction)
                if value is None or (isinstance(value, float) and not math.isfinite(value)):
                    continue
                widget.set_value(value)
            at.run()
            no_exception(at)

    check()
