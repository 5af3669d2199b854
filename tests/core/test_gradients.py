"""Partials, the gradient and the pictures of f(x, y): the lesson's numbers and its shape."""

import math
import warnings

import numpy as np
import pytest
import sympy

from core import gradients as g
from core.expressions import parse_expression, symbol
from core.numeric import as_dtype, lambdify

XY = ("x", "y")
x, y = symbol("x"), symbol("y")

# Relative error of a central difference with h = 1e-4, from its error model
# h²|f'''|/6 + eps|f|/h on the functions below (|f|, |f'''| ≲ 50): float64
# (eps 2.2e-16) stays under 1e-8, float32 (eps 1.2e-7) under 5e-2.
TOLERANCE = {"float64": 1e-8, "float32": 5e-2}


def f_of(text, variables=XY):
    return parse_expression(text, variables)


# --- the course's examples ---------------------------------------------------------------


def test_course_example_3x2_plus_2y():
    # course text 003_60e70961f102b1f1.txt:
    #   "For $f(x, y) = 3x^2 + 2y$: \(\nabla f = \begin{bmatrix} 6x \\ 2 \end{bmatrix}\)"
    # f(x, y) = 3x² + 2y gives ∂f/∂x = 6x, ∂f/∂y = 2, so ∇f = [6x, 2].
    assert g.gradient(f_of("3x^2 + 2y"), XY) == (6 * x, 2)
    assert list(g.evaluate(g.gradient(f_of("3x^2 + 2y"), XY), XY, (1.5, -4.0))) == [9.0, 2.0]


def test_three_weight_gradient():
    # course text 002_16e3fd7667d98696.txt: "Gradient = [∂L/∂w₁, ∂L/∂w₂, ∂L/∂w₃]". For one example's squared error
    # L = (w₁a + w₂b + w₃c − t)², the chain rule gives ∂L/∂wᵢ = 2(prediction − t)·(input i).
    names = ("w1", "w2", "w3")
    loss = f_of("(2w1 - w2 + 3w3 - 1)^2", names)
    w1, w2, w3 = (symbol(n) for n in names)
    residual = 2 * w1 - w2 + 3 * w3 - 1
    for partial, factor in zip(g.gradient(loss, names), (2, -1, 3)):
        assert sympy.expand(partial - 2 * residual * factor) == 0
    # At w = (1, 2, 3): residual = 2 - 2 + 9 - 1 = 8, so ∇L = 2·8·(2, −1, 3) = (32, −16, 48).
    table = g.partials_table(loss, names, (1, 2, 3))
    assert list(table["exact"]) == [32.0, -16.0, 48.0]
    np.testing.assert_allclose(table["central"], [32.0, -16.0, 48.0], rtol=1e-8)


def test_six_variable_table():
    names = tuple(f"w{i}" for i in range(1, 7))
    loss = f_of("w1^2 + 2w2^2 + 3w3^2 + 4w4^2 + 5w5^2 + 6w6^2", names)
    table = g.partials_table(loss, names, (1, 1, 1, 1, 1, 1))
    assert list(table["variable"]) == list(names)
    assert list(table["exact"]) == [2.0, 4.0, 6.0, 8.0, 10.0, 12.0]  # d/dwᵢ (i·wᵢ²) = 2i·wᵢ


# --- numeric partials: finite_difference one coordinate at a time ------------------------


def test_numeric_gradient_is_a_central_difference_in_one_coordinate():
    # The partial along x at (x0, y0): (f(x0 + h, y0) - f(x0 - h, y0)) / 2h, every operation in the dtype.
    f = f_of("sin(x) * exp(y) + x*y")
    point = (0.7, -0.3)
    for dtype in ("float64", "float32", "float16", "bfloat16"):
        t = as_dtype(dtype).type
        estimate = g.numeric_gradient(f, XY, point, h=1e-2, dtype=dtype)
        F = lambdify(f, XY, dtype)
        x0, y0, h = t(point[0]), t(point[1]), t(1e-2)
        along_x = (F(x0 + h, y0) - F(x0 - h, y0)) / (h + h)
        assert estimate.dtype == as_dtype(dtype), dtype
        assert estimate[0] == along_x, dtype


def test_numeric_gradient_never_asks_sympy_for_a_huge_number():
    # exp(exp(exp(20))) overflows float64 at once; substituted into sympy it would be computed exactly.
    estimate = g.numeric_gradient(f_of("exp(exp(exp(x))) + y"), XY, (20.0, 1.0), h=1e-4)
    assert np.isnan(estimate[0]) or np.isinf(estimate[0])
    assert estimate[1] == pytest.approx(1.0, rel=1e-8) or np.isnan(estimate[1])


@pytest.mark.parametrize(
    "text, point",
    [("3x^2 + 2y", (1.5, 2.0)), ("sin(x) * exp(y)", (0.7, 1.1)), ("(1 - x)^2 + 100(y - x^2)^2", (-0.5, 1.5))],
)
def test_float32_partials_are_worse_than_float64_on_the_same_h(text, point):
    f = f_of(text)
    exact = g.evaluate(g.gradient(f, XY), XY, point)
    errors = {}
    for dtype, tolerance in TOLERANCE.items():
        estimate = g.numeric_gradient(f, XY, point, h=1e-4, dtype=dtype).astype(np.float64)
        errors[dtype] = np.max(np.abs(estimate - exact) / np.maximum(np.abs(exact), 1))
        assert errors[dtype] < tolerance, f"{text} at {point}, h=1e-4, {dtype}: error {errors[dtype]:.2e}"
    assert errors["float32"] > 1000 * errors["float64"], errors


def test_central_partials_are_second_order():
    # findiff-style: the log-log slope of error against h is the method's order (2).
    f = f_of("sin(x) * exp(y)")
    point = (0.7, 0.4)
    exact = g.evaluate(g.gradient(f, XY), XY, point)
    steps = np.array([1e-1, 5e-2, 2e-2, 1e-2])
    errors = np.abs(g.numeric_gradient(f, XY, point, h=steps) - exact[:, None])
    for coordinate in range(2):
        slope = np.polyfit(np.log(steps), np.log(errors[coordinate]), 1)[0]
        assert abs(slope - 2) < 0.2, (coordinate, slope)


def test_a_vanished_step_gives_exactly_zero():
    # The cancellation of course text 000_99c4d5915fdf932d.txt, one coordinate at a time:
    # "It rounds the position back to exactly 3.0." (3.0 + 1e-17 == 3.0 in IEEE 754 binary64).
    estimate = g.numeric_gradient(f_of("x^2 + y^2"), XY, (3.0, 3.0), h=1e-17, method="forward")
    assert list(estimate) == [0.0, 0.0]


def test_point_must_match_the_variables():
    with pytest.raises(ValueError, match="coordinates"):
        g.numeric_gradient(f_of("x + y"), XY, (1.0,), h=1e-3)


# --- the catalogue's minima --------------------------------------------------------------


def _landscapes():
    from core import landscapes

    return [landscapes.get_landscape(key) for key in landscapes.LANDSCAPES]


def test_gradient_vanishes_at_every_known_minimum():
    checked = 0
    for landscape in _landscapes():
        expr = landscape.expr
        partials = g.gradient(expr, landscape.variables)
        for minimum in landscape.minima:
            exact_point = {symbol(v): sympy.nsimplify(m) for v, m in zip(landscape.variables, minimum)}
            symbolic = [sympy.simplify(p.xreplace(exact_point)) for p in partials]
            if landscape.exact_minima or all(float(v).is_integer() for v in minimum):
                # Rational minima such as Rosenbrock's (1, 1): exactly zero.
                assert symbolic == [0, 0], f"{landscape.key} at {minimum}: ∇f = {symbolic}"
            else:
                # Irrational minima (three of Himmelblau's) are known to a few digits only.
                values = g.evaluate(partials, landscape.variables, minimum)
                assert np.all(np.abs(values) < 1e-3), f"{landscape.key} at {minimum}: ∇f = {values}"
            checked += 1
    assert checked >= 8  # Rosenbrock 1, Himmelblau 4, Beale 1, Booth 1, bowls ...


# --- pictures: grid, contours, arrows ------------------------------------------------------


def test_grid_is_nan_where_f_is_undefined_and_never_warns():
    f = f_of("log(x) + log(y)")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        xs, ys, Z = g.grid(f, XY, ((-3, 3), (-3, 3)), 41)
        m = g.contour_map(f, XY, ((-3, 3), (-3, 3)))
    X, Y = np.meshgrid(xs, ys)
    assert np.array_equal(np.isnan(Z), (X <= 0) | (Y <= 0))
    assert m.undefined > 0.7 and len(m.heat) > 0 and len(m.lines) > 0
    assert (m.heat["x"] >= -1e-12).all()  # no cell left of x = 0 is drawn
    assert ((m.arrows["x"] > 0) & (m.arrows["y"] > 0)).all()  # 1/x exists at x < 0, but log(x) does not


def test_contour_of_a_round_bowl_is_a_circle():
    xs, ys, Z = g.grid(f_of("x^2 + y^2"), XY, ((-2, 2), (-2, 2)), 41)
    lines = g.contour_segments(xs, ys, Z, [1.0])
    radius = np.hypot(np.r_[lines["x"], lines["x2"]], np.r_[lines["y"], lines["y2"]])
    # Linear interpolation between grid points 0.1 apart errs by at most about h²/(8r) ≈ 0.002.
    assert len(lines) > 40 and np.all(np.abs(radius - 1) < 5e-3)


def test_gradient_crosses_contour_lines_at_right_angles():
    f = f_of("(x^2 + y - 11)^2 + (x + y^2 - 7)^2")  # Himmelblau
    xs, ys, Z = g.grid(f, XY, ((-5, 5), (-5, 5)), 81)
    lines = g.contour_segments(xs, ys, Z, g.contour_levels(Z, 6))
    mid_x, mid_y = (lines["x"] + lines["x2"]) / 2, (lines["y"] + lines["y2"]) / 2
    grad = np.array([np.asarray(g._compiled(p, XY)(mid_x, mid_y)) for p in g.gradient(f, XY)])
    tangent = np.array([lines["x2"] - lines["x"], lines["y2"] - lines["y"]])
    cosine = np.abs((grad * tangent).sum(0)) / (np.linalg.norm(grad, axis=0) * np.linalg.norm(tangent, axis=0))
    assert np.median(cosine) < 0.02


@pytest.mark.parametrize(
    "text, box",
    [
        ("(1 - x)^2 + 100(y - x^2)^2", ((-2, 2), (-1, 3))),
        ("sin(9x) * cos(9y)", ((-3, 3), (-3, 3))),
        ("x^2 - y^2", ((-2, 2), (-2, 2))),
        ("5", ((-1, 1), (-1, 1))),
    ],
)
def test_contour_map_fits_the_row_budget(text, box):
    # the lesson's budget: at most 2,000 rows per chart.
    assert g.contour_map(f_of(text), XY, box).rows <= 2000


def test_arrows_point_along_the_gradient():
    field = g.arrow_field(f_of("3x^2 + 2y"), XY, ((-2, 2), (-2, 2)), 5)
    step = np.array([field["x2"] - field["x"], field["y2"] - field["y"]])
    cross = step[0] * field["gy"] - step[1] * field["gx"]
    assert np.allclose(cross, 0, atol=1e-12) and np.all(step[0] * field["gx"] + step[1] * field["gy"] > 0)
    # ∇f = (0, 2) on x = 0 points straight up: angle 0° clockwise from up.
    assert np.allclose(field.loc[np.isclose(field["x"], 0), "angle"], 0)


def test_square_box():
    assert g.square_box(((-2, 2), (-1, 1))) == ((-2, 2), (-2, 2))


# --- directions ----------------------------------------------------------------------------


def test_directional_derivative_peaks_at_the_gradient():
    grad = (3.0, 4.0)  # |∇f| = 5, the 3-4-5 triangle
    assert g.directional_derivative(grad, grad) == pytest.approx(5.0)
    assert g.directional_derivative(grad, (-4, 3)) == pytest.approx(0.0, abs=1e-15)  # along a contour
    assert g.directional_derivative(grad, (-3, -4)) == pytest.approx(-5.0)  # descent
    angle, height = g.steepest_ascent(grad)
    assert angle == pytest.approx(math.degrees(math.atan2(4, 3))) and height == 5.0
    curve = g.directional_curve(grad, step=1.0)
    assert curve["slope"].max() == pytest.approx(5.0, rel=1e-3)
    assert curve.loc[curve["slope"].idxmax(), "angle"] == pytest.approx(angle, abs=1.0)
    with pytest.raises(ValueError):
        g.directional_derivative(grad, (0, 0))


def test_a_partial_is_the_slope_of_a_slice():
    f = f_of("3x^2 + 2y")
    curve = g.slice_curve(f, XY, (1.0, 2.0), 0, 0.0, 2.0, 201)
    slope = np.gradient(curve["f"], curve["t"])[100]  # at x = 1
    assert slope == pytest.approx(6.0, rel=1e-6)  # ∂f/∂x = 6x = 6
    undefined = g.slice_curve(f_of("log(x) + y"), XY, (1.0, 2.0), 0, -1.0, 1.0, 21)
    assert (undefined["t"] > 0).all() and len(undefined) == 10
