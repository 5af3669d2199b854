"""AppTest of the Chain rule page: compose, the backward pass step by step, the checks."""

import re

import pytest

from tests.conftest import no_exception

PAGE = "lessons/chain_rule/page.py"
NOT_YET = "not yet computed"


def graph_svg(at) -> str:
    pictures = [m.value for m in at.markdown if m.value.startswith("<svg")]
    assert pictures, "the computational graph is missing"
    return pictures[0]


def narration(at) -> str:
    return "\n".join(m.value for m in at.markdown if not m.value.startswith("<svg"))


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_course_example_compose_steps_and_check(open_page):
    at = open_page(PAGE)
    no_exception(at)
    latex = [block.value for block in at.latex]
    # course text 003_60e70961f102b1f1.txt: "$\frac{d}{dx}(2x + 3)^2 = 2(2x + 3) \cdot 2 = 4(2x + 3)$",
    # from f(x) = (2x + 3)², f'(g(x)) = 2g(x), g'(x) = 2.
    assert any(r"f'(g(x)) = 2 \left(2 x + 3\right)" in block for block in latex), latex
    assert any(r"2 \left(2 x + 3\right) \cdot 2 = 4 \left(2 x + 3\right)" in block for block in latex), latex
    shown = metrics(at)
    assert shown["Chain rule f′(g(x)) · g′(x)"] == "20.0"  # 4(2·1 + 3) at x = 1
    assert float(shown["Central difference"]) == pytest.approx(20.0, rel=1e-8)
    assert "They agree" in narration(at)


def test_graph_exists_and_shows_not_yet_computed_before_step_1(open_page):
    at = open_page(PAGE)
    no_exception(at)
    svg = graph_svg(at)
    assert 'role="img"' in svg and NOT_YET in svg
    assert "grad " not in svg  # no gradient shows as a number (not even 0) before the backward pass
    assert "Forward pass done" in narration(at)


def test_stepping_changes_the_graph_and_narrates(open_page):
    at = open_page(PAGE)
    before = graph_svg(at)
    at.button(key="c_step_next").click().run()
    no_exception(at)
    first = graph_svg(at)
    assert first != before
    assert "grad 1" in first  # step 1 seeds ∂L/∂L = 1
    assert "∂L/∂L = 1" in narration(at)
    at.button(key="c_step_next").click().run()
    assert at.slider(key="c_step").value == 2
    # Step 2 finalises the node read only by L = (·)²: its gradient is 2·(a₂ − 1).
    assert "∂L/∂v" in narration(at) and " · " in narration(at)
    at.button(key="c_step_prev").click().run()
    assert graph_svg(at) == first


def test_the_boxes_stay_put_while_stepping(open_page):
    # Only colours and texts change from step to step: a box that moved would lose the class's eye.
    def boxes(svg: str) -> list[tuple[str, ...]]:
        return re.findall(r'<rect x="([^"]+)" y="([^"]+)" width="([^"]+)" height="([^"]+)"', svg)

    at = open_page(PAGE, query={"c_depth": "3"})
    before = boxes(graph_svg(at))
    at.slider(key="c_step").set_value(7).run()
    no_exception(at)
    assert len(before) == 3 * 5 + 1 + 2 + 1  # x; w, ×, b, +, σ per layer; − 1 and ^2; ^2's double outline
    assert boxes(graph_svg(at)) == before


def test_last_step_has_every_gradient(open_page):
    at = open_page(PAGE, query={"c_depth": "6"})
    steps = at.slider(key="c_step").max
    # The 6-layer sigmoid network: x, then w, ×, b, +, σ per layer (30), then − 1 and ^2 for the loss:
    # 34 nodes, less its one constant (−1).
    assert steps == 33
    at.slider(key="c_step").set_value(steps).run()
    no_exception(at)
    assert NOT_YET not in graph_svg(at)
    # The last node finalised is an input (sympy lists −b₆ first, so it is b₆).
    assert "This is the gradient for **b₆**" in narration(at)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("depth", [1, 6])
def test_every_network(open_page, activation, depth):
    at = open_page(PAGE, query={"c_depth": str(depth), "c_act": activation})
    at.slider(key="c_step").set_value(3).run()
    no_exception(at)
    assert "grad 1" in graph_svg(at)


def test_typed_expression(open_page):
    at = open_page(PAGE, query={"c_source": "Your function"})
    at.text_input(key="c_f").input("x*exp(y) + x^2").run()
    no_exception(at)
    assert "exp" in graph_svg(at) and NOT_YET in graph_svg(at)
    at.slider(key="c_step").set_value(at.slider(key="c_step").max).run()
    no_exception(at)
    # d/dx (x e^y + x²) = e^y + 2x = e^-1.3 + 1.4 at the default point (0.7, -1.3).
    assert "grad 1.673" in graph_svg(at)


def test_bad_text_gives_a_message_not_a_traceback(open_page):
    at = open_page(PAGE, query={"c_source": "Your function"})
    at.text_input(key="c_f").input("sine(x) + y").run()
    no_exception(at)
    assert any("did you mean sin" in e.value for e in at.error)
    assert NOT_YET in graph_svg(at)  # still the last good function
    at.text_input(key="c_inner").input("2x +* 3").run()
    no_exception(at)
    assert len(at.error) >= 2


def test_a_function_backprop_cannot_follow_is_refused_in_words(open_page):
    # floor is not allowed by the parser; log of a negative number is a NaN, not an error.
    at = open_page(PAGE, query={"c_source": "Your function"})
    at.text_input(key="c_f").input("log(x) * y").run()
    at.number_input(key="c_gx").set_value(-1.0).run()
    no_exception(at)
    at.slider(key="c_step").set_value(at.slider(key="c_step").max).run()
    assert "NaN" in graph_svg(at)


def test_gradient_check_table(open_page):
    at = open_page(PAGE, query={"c_tab": "Gradient check", "c_depth": "2"})
    no_exception(at)
    table = at.dataframe[0].value
    assert list(table["input"]) == ["w₁", "b₁", "w₂", "b₂"]
    assert {"backprop", "exact (sympy)", "central float64", "central float32", "central float32 error"} <= set(
        table.columns
    )
    # Backprop agrees with sympy to float64 rounding; float32 central differences do not.
    assert all(float(e) < 1e-15 for e in table["backprop error"])
    assert all(float(e) > 1e-9 for e in table["central float32 error"])


def test_vanishing_and_exploding_chart(open_page):
    at = open_page(PAGE, query={"c_tab": "Vanishing and exploding gradients", "c_layers": "50"})
    no_exception(at)
    assert at.get("vega_lite_chart"), "the gradient-by-layer chart is missing"
    assert "vanishing" in narration(at) and "exploding" in narration(at)
