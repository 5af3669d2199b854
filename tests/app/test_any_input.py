"""What a class types, on every page: a right answer or a message saying what to fix, never an exception.

Each test is one kind of input that used to break a page: number-only parts of a function, values
too large for the chart's axes, a constant, a complex value, an empty selection, a slow function,
and the points where a derivative does not exist (where the page must say so instead of showing
a number).
"""

import pytest

from tests.conftest import no_exception

DERIVATIVES, CHAIN, GRADIENTS, DESCENT, LOSSES = (
    f"lessons/{p}/page.py" for p in ("derivatives", "chain_rule", "gradients", "descent", "losses")
)


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(at) -> str:
    return "\n".join(e.value for kind in ("error", "warning", "info", "success", "markdown") for e in at.get(kind))


@pytest.mark.parametrize(
    "text, slope", [("w - pi", "1.0"), ("2*pi*w", "6.283185307179586"), ("sqrt(8)*w", "2.8284271247461903")]
)
def test_number_only_parts_of_a_function(open_page, text, slope):
    at = open_page(DERIVATIVES, {"d_f": text})
    no_exception(at)
    assert metrics(at)["Exact slope (calculus)"] == slope  # d/dw (c·w + k) = c, c folded in float64


@pytest.mark.parametrize("query", [{"d_f": "exp(w)", "d_w": "40"}, {"d_f": "w^100"}, {"d_f": "w^100", "d_w": "1e6"}])
def test_huge_values_stay_on_the_error_chart(open_page, query):
    at = open_page(DERIVATIVES, query)
    no_exception(at)
    assert at.get("vega_lite_chart")


def test_a_slope_beyond_float64_says_how_large_it_is(open_page):
    # d/dw w^100 = 100 w^99 = 1e596 at w = 1e6; float64's largest number is about 1.8e308 (IEEE 754).
    at = open_page(DERIVATIVES, {"d_f": "w^100", "d_w": "1e6"})
    assert metrics(at)["Exact slope (calculus)"] == "1.0e+596 (beyond float64)"
    assert "inf − inf is NaN" in texts(at)


def test_relu_at_zero_has_no_derivative_and_the_page_says_pytorchs_value(open_page):
    # PyTorch, Autograd mechanics, "Gradients for non-differentiable functions": relu'(0) is taken as 0.
    at = open_page(DERIVATIVES, {"d_f": "relu(w)", "d_w": "0"})
    no_exception(at)
    assert metrics(at)["Exact slope (calculus)"] == "none (kink)"
    said = texts(at)
    assert "slope is 0.0 on the left and 1.0 on the right" in said and "returns 0.0 there" in said
    assert "decrease w" not in said and "increase w" not in said


def test_log_outside_its_domain_shows_no_slope(open_page):
    at = open_page(DERIVATIVES, {"d_f": "log(w)", "d_w": "-3"})
    assert metrics(at)["Exact slope (calculus)"] == "undefined"
    assert "outside the function's domain" in texts(at) and "-1/3" not in texts(at)


def test_the_complex_step_refuses_abs_instead_of_blaming_cancellation(open_page):
    at = open_page(DERIVATIVES, {"d_f": "abs(w)", "d_method": "complex-step"})
    no_exception(at)
    assert metrics(at)["float64 estimate"] == "unavailable"
    said = texts(at)
    assert "extends smoothly to complex numbers" in said and "cancel" not in said.split("extends")[0][-200:]


def test_the_complex_step_with_only_float16(open_page):
    at = open_page(DERIVATIVES, {"d_dtypes": "float16", "d_method": "complex-step"})
    no_exception(at)
    assert metrics(at)["float16 estimate"] == "unavailable"


def test_a_division_by_zero_is_not_called_an_overflow(open_page):
    at = open_page(DERIVATIVES, {"d_f": "1/w", "d_w": "0"})
    no_exception(at)
    said = texts(at)
    assert "is infinite at w = 0 (like 1/0" in said and "overflowed" not in said


def test_a_constant_on_the_chain_rule_graph(open_page):
    at = open_page(CHAIN, {"c_source": "Your function", "c_f": "7"})
    no_exception(at)
    assert "is a constant" in texts(at)


def test_a_complex_value_in_the_gradient_check(open_page):
    at = open_page(CHAIN, {"c_source": "Your function", "c_f": "sqrt(-x)", "c_tab": "Gradient check"})
    no_exception(at)
    assert "not a real number" in texts(at) and "within **0**" not in texts(at)


def test_the_compose_check_allows_for_round_off_at_large_x(open_page):
    # (x² + 1)³ at x = 1e6 is about 1e36: its central difference is off by ε·|f|/h ≈ 4e25, not a disagreement.
    at = open_page(CHAIN, {"c_outer": "u^3", "c_inner": "x^2+1", "c_x": "1e6"})
    no_exception(at)
    assert "They agree" in texts(at) and "disagree" not in texts(at)


def _typed_landscape(open_page, page, text, x, y, **extra):
    at = open_page(page, {"gd_tab": "Two weights: optimizers"} if page == DESCENT else None)
    prefix = "gd" if page == DESCENT else "g"
    at.selectbox(key=f"{prefix}_land").set_value("typed").run()
    at.text_input(key=f"{prefix}_f").input(text)
    at.number_input(key=f"{prefix}_sx" if page == DESCENT else "g_x0").set_value(x)
    at.number_input(key=f"{prefix}_sy" if page == DESCENT else "g_y0").set_value(y)
    for key, value in extra.items():
        widget = at.button_group(key=key) if key == "gd_opts" else at.select_slider(key=key)
        widget.set_value(value)
    return at.run()


def test_a_kink_on_the_gradients_page(open_page):
    at = _typed_landscape(open_page, GRADIENTS, "relu(x) + y^2", 0.0, 1.0)
    no_exception(at)
    assert "no derivative along x at x = 0" in texts(at) and "rises fastest" not in texts(at)


def test_a_saddle_is_not_called_a_minimum(open_page):
    at = _typed_landscape(open_page, DESCENT, "x^2 - y^2", 1.0, 0.0, gd_opts=["gd"])
    no_exception(at)
    assert "saddle point, not a minimum" in texts(at)
    assert any(w.value.startswith("**Gradient descent") for w in at.warning)


def test_a_slow_landscape_with_five_optimizers_is_cut_short_not_frozen(open_page):
    nested = "sin(" * 30 + "x*y" + ")" * 30 + " + x^2 + y^2"
    at = _typed_landscape(
        open_page, DESCENT, nested, 1.0, 1.0, gd_steps=5000, gd_opts=["gd", "momentum", "nesterov", "rmsprop", "adam"]
    )
    no_exception(at)
    # Every run either finished or says it was cut short; the benchmark measures the time.
    assert all(
        ("Cut short" in s.value) or ("Converged" in s.value) or ("Still running" in s.value)
        for s in list(at.success) + list(at.warning) + list(at.info)
        if s.value.startswith("**")
    )


def test_one_weight_at_the_minimum_with_a_large_rate(open_page):
    at = open_page(DESCENT, {"gd_tab": "One weight", "gd_lr1": "1.1", "gd_x0_1": "0"})
    no_exception(at)
    said = texts(at)
    assert "already the minimum" in said and "Diverged" not in said and "Stalled" not in said


def test_values_that_underflow_are_not_blamed_on_cancellation(open_page):
    # 1e-300 is below float32's smallest subnormal, 2**-149 ≈ 1.4e-45 (IEEE 754 binary32): f is 0 in float32.
    at = open_page(DERIVATIVES, {"d_f": "1e-300*w^2"})
    no_exception(at)
    said = texts(at)
    assert "In float32 f(w) and f(w + h) are both exactly 0" in said and "too small for float32" in said


def test_the_compose_check_says_when_the_difference_quotient_cannot_judge(open_page):
    # (x)³ at x = 1e-110: the slope 3e-220 is far below the central difference's truncation error h² ≈ 3.6e-11.
    at = open_page(CHAIN, {"c_outer": "u^3", "c_inner": "x", "c_x": "1e-110"})
    no_exception(at)
    assert "cannot check it" in texts(at) and "They agree" not in texts(at)
