"""Does the exact derivative exist at a point? Kinks, poles, domains, and PyTorch's conventions.

Sources:
- the definition of the derivative as the limit of (f(x + h) - f(x)) / h from both sides: it exists
  only when both one-sided limits exist, are finite and agree;
- PyTorch, "Autograd mechanics", section "Gradients for non-differentiable functions"
  (https://docs.pytorch.org/docs/stable/notes/autograd.html): where a function is convex but not
  differentiable, autograd uses "the sub-gradient of minimum norm", which is 0 for relu and abs at 0;
  torch.sign's gradient is 0 everywhere.
"""

import math

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from core.derivatives import SLOPE_KINDS, analytic, error_sweep, estimates_table, slope_at
from core.expressions import parse_expression


def at(text: str, x: float):
    return slope_at(parse_expression(text, ("w",)), x, "w")


@pytest.mark.parametrize(
    "text, x, left, right",
    [
        ("relu(w)", 0.0, 0.0, 1.0),
        ("abs(w)", 0.0, -1.0, 1.0),
        ("abs(w - 0.1)", 0.1, -1.0, 1.0),
        ("relu(w - 1) + 2w", 1.0, 2.0, 3.0),
        ("sqrt(w^2)", 0.0, -1.0, 1.0),
    ],
)
def test_a_kink_has_two_one_sided_slopes_and_no_derivative(text, x, left, right):
    s = at(text, x)
    assert (s.kind, s.left, s.right, s.exists) == ("kink", left, right, False)
    assert math.isnan(s.value)


@pytest.mark.parametrize("text, pytorch", [("relu(w)", 0.0), ("abs(w)", 0.0), ("relu(w - 0) + 2w", 2.0)])
def test_pytorch_uses_the_minimum_norm_subgradient_at_a_kink(text, pytorch):
    # relu'(0) = 0 and abs'(0) = sign(0) = 0 (Autograd mechanics: sub-gradient of minimum norm).
    assert at(text, 0.0).pytorch == pytorch


def test_sign_jumps_at_zero_and_pytorch_says_zero():
    s = at("sign(w)", 0.0)
    assert (s.kind, s.pytorch) == ("jump", 0.0)


@pytest.mark.parametrize(
    "text, x, kind",
    [
        ("log(w)", -3.0, "outside"),
        ("sqrt(w)", -1.0, "outside"),
        ("acos(w)", 2.0, "outside"),
        ("1/w", 0.0, "pole"),
        ("log(relu(w))", 0.0, "pole"),
        ("sin(1/w)", 0.0, "undefined"),
        ("sqrt(w)", 0.0, "edge"),
        ("acos(w)", 1.0, "edge"),
    ],
)
def test_where_the_function_itself_fails_there_is_no_slope(text, x, kind):
    assert at(text, x).kind == kind


def test_log_at_minus_three_is_outside_the_domain_not_minus_a_third():
    # d/dw log(w) = 1/w is -1/3 at w = -3, but log(-3) is not a real number, so there is no slope.
    s = at("log(w)", -3.0)
    assert not s.exists and math.isnan(s.value)


def test_the_edge_of_a_square_root_has_an_infinite_one_sided_slope():
    s = at("sqrt(w)", 0.0)
    assert (s.left, s.right) == (None, math.inf)


@pytest.mark.parametrize(
    "text, x, value",
    [
        ("w*abs(w)", 0.0, 0.0),
        ("relu(w)^2", 0.0, 0.0),
        ("abs(w)^3", 0.0, 0.0),
        ("relu(w)", 1e-300, 1.0),
        ("abs(w)", -2.0, -1.0),
    ],
)
def test_smooth_points_of_non_smooth_functions_have_a_derivative(text, x, value):
    s = at(text, x)
    assert (s.kind, s.value) == ("fine", value)


def test_a_slope_beyond_float64_is_reported_with_its_size():
    # d/dw w^100 = 100 w^99 = 1e596 at w = 1e6, far above float64's largest 1.7976931348623157e308 (IEEE 754).
    s = at("w^100", 1e6)
    assert (s.kind, s.value, s.overflow, s.magnitude) == ("fine", math.inf, True, "1.0e+596")


def test_partial_derivatives_fix_the_other_variables():
    expr = parse_expression("relu(x) * y", ("x", "y"))
    s = slope_at(expr, 0.0, "x", {"x": 0.0, "y": 3.0})
    assert (s.kind, s.left, s.right) == ("kink", 0.0, 3.0)
    assert slope_at(expr, 0.0, "y", {"x": 0.0, "y": 3.0}).value == 0.0


def test_every_kind_is_declared():
    assert set(SLOPE_KINDS) >= {"fine", "outside", "edge", "pole", "infinite", "kink", "jump", "undefined", "unknown"}


# --- against an independent oracle: mpmath's numerical derivative at 30 digits ---------------------

SMOOTH = [
    "w^2",
    "sin(w) * exp(w)",
    "tanh(3w - 1)",
    "sigmoid(w)^2",
    "log(1 + w^2)",
    "w^5 - 3w^3 + w - pi",
    "sqrt(8) * w",
    "2 * pi * w",
    "atan(w) / (1 + w^2)",
    "cosh(w / 4)",
]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.sampled_from(SMOOTH), st.floats(-20, 20, allow_nan=False))
def test_smooth_functions_have_the_derivative_mpmath_finds(text, x):
    expr = parse_expression(text, ("w",))
    f = sympy.lambdify(sympy.Symbol("w", real=True), expr, "mpmath")  # the app's own tree, not text
    with mpmath.workdps(30):
        expected = float(mpmath.diff(f, mpmath.mpf(x)))
    s = slope_at(expr, x, "w")
    assert s.kind == "fine", (text, x, s)
    # mpmath.diff works to about 1e-30 absolute at 30 digits; sympy evaluates at 50.
    assert s.value == pytest.approx(expected, rel=1e-13, abs=1e-25), (text, x)


# --- the complex step needs an analytic function -------------------------------------------------


def test_the_complex_step_is_unavailable_through_abs():
    # |3 + ih| = sqrt(9 + h^2) is real: Im f(x + ih) / h would be 0, a wrong estimate, not cancellation.
    expr = parse_expression("abs(w)", ("w",))
    assert not analytic(expr) and analytic(parse_expression("w^2", ("w",)))
    table = estimates_table(expr, 3.0, 1e-3, dtypes=["float64"], method="complex-step", variable="w")
    assert list(table["outcome"]) == ["unavailable"]


def test_a_sweep_no_precision_can_run_is_empty_not_an_error():
    sweep = error_sweep(
        parse_expression("w^2", ("w",)), 3.0, dtypes=["float16"], methods=["complex-step"], variable="w"
    )
    assert sweep.empty and list(sweep.columns) == ["dtype", "method", "h", "estimate", "error", "outcome"]


@pytest.mark.parametrize("text, x", [("w - pi", 1.0), ("2*pi*w", 0.5), ("sqrt(8)*w", 2.0), ("E^2 * w - 3*pi", 1.5)])
def test_number_only_parts_fold_to_the_right_float(text, x):
    from core.numeric import lambdify

    expr = parse_expression(text, ("w",))
    f = sympy.lambdify(sympy.Symbol("w", real=True), expr, "mpmath")
    with mpmath.workdps(30):
        expected = float(f(mpmath.mpf(x)))
    assert float(lambdify(expr, ["w"])(np.float64(x))) == pytest.approx(expected, rel=4e-16)
