"""Every page and every tab under generated widget states: no exception, ever.

For each page, 300 generated states spread over its tabs (and, where a page has one, its
typed-function mode): each state moves up to four controls, one rerun after each as a browser sends them, to values drawn from each
widget's own range and options, and types generated functions into every function box
(tests/strategies.py: the whole expression grammar, printed the ways students type it, plus
arbitrary text). The slowest rerun of each page is written to tests/artifacts/generated_states.json
(speed budgets are checked in benchmarks/, not here).
"""

from __future__ import annotations

import json
import math
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.app.test_fuzz_pages import _in_range
from tests.conftest import ARTIFACTS, ROOT, no_exception
from tests.strategies import student_texts

STATES_PER_PAGE = 300
# The low-precision lesson trains a network for every new setting (about a second each): fewer states.
STATES = {"low_precision": 120}

#: Every function box of every page, with the variables it takes. A box missing here fails the test.
FUNCTION_BOXES = {
    "d_f": ("w",),
    "g_f": ("x", "y"),
    "gd_f": ("x", "y"),
    "c_f": ("x", "y"),
    "c_outer": ("u",),
    "c_inner": ("x",),
    "g_many": tuple(f"w{i}" for i in range(1, 7)),
}


def _typed(prefix: str):
    def choose(at):
        at.selectbox(key=f"{prefix}_land").set_value("typed").run()

    return choose


def _own_function(at):
    at.button_group(key="c_source").set_value("Your function").run()


# (page, tab key, [(tab label, set-up that reveals a typed-function box, or None)])
PAGES = [
    (
        "derivatives",
        "d_tab",
        [
            (t, None)
            for t in (
                "Error against h",
                "Under the microscope",
                "Secant vs tangent",
                "The exact derivative",
                "Which way is downhill?",
            )
        ],
    ),
    (
        "gradients",
        "g_tab",
        [
            (t, s)
            for t in ("Contour map", "A partial is a slice", "Steepest ascent", "The linear model", "Many weights")
            for s in (None, _typed("g"))
        ],
    ),
    (
        "chain_rule",
        "c_tab",
        [
            (t, s)
            for t in ("Backward pass, step by step", "Gradient check", "Vanishing and exploding gradients")
            for s in (None, _own_function)
        ],
    ),
    ("losses", "l_tab", [(t, None) for t in ("Gallery", "Your data", "Outliers", "Classification", "Precision")]),
    ("low_precision", "lp_tab", [(t, None) for t in ("Watch it learn", "What rounding took")]),
    (
        "descent",
        "gd_tab",
        [
            ("One weight", None),
            ("The loop that dies", None),
            ("Two weights: optimizers", None),
            ("Two weights: optimizers", _typed("gd")),
            ("Linear regression learning", None),
        ],
    ),
]
CASES = [(page, key, tab, setup) for page, key, tabs in PAGES for tab, setup in tabs]
SLOWEST: dict[str, dict] = {}  # page -> the slowest rerun seen and the state that caused it

TEXT = st.one_of(
    st.sampled_from(["", " ", "x", "relu(w)", "w - pi", "|x|", "sin x", "1/0", "9^9^9", "√x"]), st.text(max_size=30)
)


def _open(page: str, query: dict, setup):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"lessons/{page}/page.py")
    at.run()
    if setup is not None:
        setup(at)
    return at


def _controls(at) -> list:
    kinds = (
        "number_input",
        "slider",
        "select_slider",
        "selectbox",
        "text_input",
        "button_group",
        "multiselect",
        "toggle",
        "checkbox",
    )
    return [
        w
        for kind in kinds
        for w in at.get(kind)
        if getattr(w, "key", None) and not getattr(w, "disabled", False) and not w.key.endswith("_tab")
    ]


def _choose(widget, fraction: float, pick: int, text: str, formula: str):
    kind = type(widget).__name__
    if kind == "TextInput":
        assert widget.key in FUNCTION_BOXES, f"function box {widget.key!r} is not covered by this test"
        return formula if pick % 4 else text
    if kind in ("Toggle", "Checkbox"):
        return bool(pick % 2)
    value = _in_range(widget, fraction)
    return None if value is None or (isinstance(value, float) and not math.isfinite(value)) else value


def _move(at, widget, fraction, pick, text, formula):
    kind = type(widget).__name__
    if kind == "Selectbox":
        widget.select_index(pick % len(widget.options))
        return
    if kind in ("ButtonGroup", "Multiselect"):
        options = _values(widget)
        count = pick % (len(options) + 1)
        chosen = [options[(pick // 7 + i) % len(options)] for i in range(count)]
        values = list(dict.fromkeys(chosen))
        if kind == "Multiselect" and widget.proto.max_selections:
            values = values[: widget.proto.max_selections]  # as many as the control lets anyone pick
        widget.set_value(values if _multi(widget) else (values[0] if values else None))
        return
    value = _choose(widget, fraction, pick, text, formula)
    if value is not None:
        widget.input(value) if kind == "TextInput" else widget.set_value(value)


def _candidates() -> list:
    """Every value a choice control of the app may hold (a control shows their labels, AppTest sets values)."""
    from core.losses import LOSSES
    from core.low_precision import RECIPES
    from core.optimizers import OPTIMIZERS
    from lessons.chain_rule import state as chain_lesson
    from lessons.losses import state as cached_losses

    pool = [*LOSSES, *OPTIMIZERS, *cached_losses.EXAMPLES, *chain_lesson.WEIGHT_SCALES, *RECIPES]
    return pool


def _values(widget) -> list:
    """The values behind a choice control's labels: the label itself, or the candidate that formats to it."""
    values = []
    for label in widget.options:
        found = label
        for candidate in _candidates():
            try:
                if widget.format_func(candidate) == label:
                    found = candidate
                    break
            except (TypeError, ValueError, KeyError, AttributeError):
                continue
        values.append(found)
    return values


def _multi(widget) -> bool:
    proto = widget.proto
    return proto.click_mode == proto.MULTI_SELECT if type(widget).__name__ == "ButtonGroup" else True


@pytest.mark.slow
@pytest.mark.parametrize(
    "page, tab_key, tab, setup", CASES, ids=[f"{p}-{t}{'-typed' if s else ''}" for p, _, t, s in CASES]
)
def test_generated_states(page, tab_key, tab, setup):
    per_page = sum(1 for case in CASES if case[0] == page)
    examples = math.ceil(STATES.get(page, STATES_PER_PAGE) / per_page)
    at = _open(page, {tab_key: tab}, setup)
    no_exception(at)

    @settings(
        max_examples=examples, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(
        moves=st.lists(st.tuples(st.integers(0, 10**6), st.floats(0, 1), TEXT), min_size=1, max_size=4),
        formulas=st.fixed_dictionaries({key: student_texts(vs) for key, vs in FUNCTION_BOXES.items()}),
    )
    def check(moves, formulas):
        # Everything is drawn before the app is touched: what is drawn never depends on the app's state,
        # which carries over from one example to the next (as a student's session does).
        state = []
        for pick, fraction, text in moves:
            controls = _controls(at)
            widget = controls[pick % len(controls)]
            if state:  # one control at a time, each answered by a rerun, as a browser sends them
                at.run()
                no_exception(at)
                widget = next((w for w in _controls(at) if w.key == widget.key), None)
                if widget is None:
                    continue
            _move(at, widget, fraction, pick, text, formulas.get(widget.key, ""))
            state.append(widget.key)
        start = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - start
        if elapsed > SLOWEST.get(page, {}).get("seconds", 0.0):
            values = {k: repr(v.value)[:120] for k in state for v in _controls(at) if v.key == k}
            SLOWEST[page] = {"seconds": round(elapsed, 3), "tab": tab, "typed": setup is not None, "state": values}
        no_exception(at)
        assert at.title, f"{page} lost its title"

    check()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "generated_states.json").write_text(json.dumps(SLOWEST, indent=1))
