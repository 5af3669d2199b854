"""AppTest of the Partials and gradients page."""

import io
import json

import pytest

from tests.conftest import no_exception
from ui import landscape as cg

PAGE = "lessons/gradients/page.py"
TYPED = cg.choice_title(cg.TYPED)  # the selectbox keeps its label in the URL
TABS = ["Contour map", "A partial is a slice", "Steepest ascent", "The linear model", "Many weights"]


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def chart_rows(at) -> list[int]:
    """Rows each chart sends to the browser (as benchmarks/run.py counts them)."""
    import pyarrow as pa

    rows = []
    for chart in at.get("vega_lite_chart"):
        proto = chart.proto
        total = sum(pa.ipc.open_stream(io.BytesIO(d.data.data)).read_all().num_rows for d in proto.datasets)
        total += sum(len(v) for v in json.loads(proto.spec).get("datasets", {}).values() if isinstance(v, list))
        rows.append(total)
    return rows


def typed(open_page, text, x0, y0, **query):
    return open_page(PAGE, query={"g_land": TYPED, "g_f": text, "g_x0": str(x0), "g_y0": str(y0), **query})


def test_defaults_render_with_partials_and_a_contour_map(open_page):
    at = open_page(PAGE)
    no_exception(at)
    assert any(r"\frac{\partial f}{\partial x}" in latex.value for latex in at.latex)
    assert {"∂f/∂x exact", "∂f/∂x in float64", "∂f/∂x in float32", "∂f/∂y exact"} <= set(metrics(at))
    assert at.get("vega_lite_chart"), "the contour map is missing"


def test_course_example_at_a_changed_point(open_page):
    at = typed(open_page, "3x^2 + 2y", 1.0, 1.0)
    at.number_input(key="g_x0").set_value(2.0).run()
    at.number_input(key="g_y0").set_value(-1.0).run()
    no_exception(at)
    shown = metrics(at)
    # course text 003_60e70961f102b1f1.txt:
    #   "For $f(x, y) = 3x^2 + 2y$: \(\nabla f = \begin{bmatrix} 6x \\ 2 \end{bmatrix}\)"
    # so ∇f = [12, 2] at (2, −1).
    assert shown["∂f/∂x exact"] == "12.0" and shown["∂f/∂y exact"] == "2.0"
    assert any("12" in latex.value and r"\nabla f(2, -1)" in latex.value for latex in at.latex)
    # float32 rounds every operation: its central difference is further off than float64's on the same h.
    deltas = {m.label: m.proto.delta for m in at.metric}
    assert float(deltas["∂f/∂x in float32"].split()[-1]) > float(deltas["∂f/∂x in float64"].split()[-1])


def test_a_typed_function(open_page):
    at = open_page(PAGE)
    at.selectbox(key="g_land").set_value(cg.TYPED).run()
    at.text_input(key="g_f").input("x*y + sin(x)").run()
    no_exception(at)
    # At the default point, ∂/∂y (x·y + sin x) = x.
    assert any(r"\frac{\partial f}{\partial y} = x" in latex.value for latex in at.latex)
    assert metrics(at)["∂f/∂y exact"] == str(float(at.number_input(key="g_x0").value))


def test_a_function_undefined_over_most_of_the_box_still_draws_and_says_why(open_page):
    at = typed(open_page, "log(x) + log(y)", 1.0, 1.0, g_r="3.0")
    no_exception(at)
    sentence = " ".join(info.value for info in at.info)
    assert "no real value on 75%" in sentence or "no real value on 76%" in sentence, sentence
    assert "log(u) needs u > 0" in sentence and "blank" in sentence
    assert at.get("vega_lite_chart"), "the map of the defined quarter must still draw"
    # A point where f is undefined: no gradient, said in words, no traceback.
    at.number_input(key="g_x0").set_value(-1.0).run()
    no_exception(at)
    assert metrics(at)["∂f/∂x exact"] == "NaN"
    assert any("is not a real number at (x, y) = (-1, 1)" in m.value for m in at.markdown)


def test_bad_text_gives_a_message_and_keeps_the_last_good_function(open_page):
    at = typed(open_page, "3x^2 + 2y", 1.0, 1.0)
    at.text_input(key="g_f").input("sine(x) + y").run()
    no_exception(at)
    assert any("did you mean sin" in e.value for e in at.error)
    assert metrics(at)["∂f/∂x exact"] == "6.0"  # still 3x² + 2y at x = 1


@pytest.mark.parametrize("tab", TABS)
def test_every_tab_renders_within_the_row_budget(open_page, tab):
    at = typed(open_page, "(1 - x)^2 + 100(y - x^2)^2", -1.0, 2.0, g_tab=tab, g_r="2.0")
    no_exception(at)
    rows = chart_rows(at)
    assert all(r <= 2000 for r in rows), rows  # the lesson's budget: at most 2,000 rows per chart


def test_every_catalogue_function_renders(open_page):
    at = open_page(PAGE)
    for choice in cg.CHOICES:
        at.selectbox(key="g_land").set_value(choice).run()
        no_exception(at)
        assert at.get("vega_lite_chart"), choice
        assert all(r <= 2000 for r in chart_rows(at)), choice
        if choice in cg.CATALOGUE:  # its character in a sentence, not its formula again as raw text
            assert any(m.value == cg.CATALOGUE[choice].note for m in at.markdown), choice


def test_choosing_a_landscape_moves_the_point_to_its_start(open_page):
    at = open_page(PAGE)
    last = cg.CHOICES[-2]
    at.selectbox(key="g_land").set_value(last).run()
    assert (at.number_input(key="g_x0").value, at.number_input(key="g_y0").value) == tuple(cg.CATALOGUE[last].start)


def test_linear_model_tab(open_page):
    at = open_page(PAGE, query={"g_tab": "The linear model"})
    no_exception(at)
    before = next(m.value for m in at.markdown if "sum of squared errors" in m.value)
    at.number_input(key="g_m").set_value(1.5).run()
    after = next(m.value for m in at.markdown if "sum of squared errors" in m.value)
    assert before != after and "m = 1.5" in after
    assert len(at.get("vega_lite_chart")) == 4  # data and line, SSE surface, two one-weight profiles
    at.number_input(key="g_seed").set_value(7).run()
    no_exception(at)


def test_many_weights_table(open_page):
    at = open_page(PAGE, query={"g_tab": "Many weights"})
    no_exception(at)
    table = at.dataframe[0].value
    # course text 002_16e3fd7667d98696.txt: "Gradient = [∂L/∂w₁, ∂L/∂w₂, ∂L/∂w₃]"; for three weights,
    # L = (2w1 − w2 + 3w3 − 1)² at (1, 2, 3) has ∇L = 2·8·(2, −1, 3).
    assert list(table["weight"]) == ["w1", "w2", "w3"]
    assert list(table["∂L/∂w here (exact)"]) == [32.0, -16.0, 48.0]
    at.text_input(key="g_many").input("w1*w2*w3*w4*w5*w6").run()
    assert len(at.dataframe[0].value) == 6


def test_tampered_url_still_renders(open_page):
    at = open_page(
        PAGE, query={"g_land": "nope", "g_x0": "1e999", "g_h": "banana", "g_tab": "nope", "g_f": "open('x')"}
    )
    no_exception(at)
    assert at.metric, "the page did not render its numbers"
