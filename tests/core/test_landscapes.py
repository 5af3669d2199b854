"""The landscape catalogue: its minima are minima, its saddle a saddle."""

import numpy as np
import pytest
import sympy

from core.expressions import parse_expression, symbol
from core.landscapes import LANDSCAPES, get_landscape, least_squares, linear_data, linear_model_landscape

ALL = list(LANDSCAPES.values())


def _at(expr, variables, point):
    return expr.subs({symbol(v): sympy.nsimplify(p) for v, p in zip(variables, point)})


def _gradient(land):
    return [sympy.diff(land.expr, symbol(v)) for v in land.variables]


def _hessian(land, point):
    h = sympy.hessian(land.expr, [symbol(v) for v in land.variables])
    return np.array(_at(h, land.variables, point).evalf(), dtype=float)


@pytest.mark.parametrize("land", ALL, ids=lambda l: l.key)
def test_the_text_parses_to_the_expression(land):
    assert sympy.simplify(parse_expression(land.text, land.variables) - land.expr) == 0


@pytest.mark.parametrize("land", [l for l in ALL if l.exact_minima and l.minima], ids=lambda l: l.key)
def test_the_gradient_vanishes_exactly_at_exact_minima(land):
    for point in land.minima:
        assert [sympy.simplify(_at(g, land.variables, point)) for g in _gradient(land)] == [0, 0]


def test_himmelblau_minima():
    # Himmelblau (1972): f = 0 at (3, 2) exactly and at three more points given to six decimals.
    land = get_landscape("himmelblau")
    f = sympy.lambdify([symbol("x"), symbol("y")], land.expr)
    grad = sympy.lambdify([symbol("x"), symbol("y")], _gradient(land))
    for point in land.minima:
        assert f(*point) < 1e-9 and np.abs(grad(*point)).max() < 1e-4
        assert np.all(np.linalg.eigvalsh(_hessian(land, point)) > 0)


@pytest.mark.parametrize("land", [l for l in ALL if l.minima], ids=lambda l: l.key)
def test_minima_are_minima_and_inside_the_box(land):
    for point in land.minima:
        assert np.all(np.linalg.eigvalsh(_hessian(land, point)) > 0), "the Hessian must be positive definite"
        (x0, x1), (y0, y1) = land.box
        assert x0 < point[0] < x1 and y0 < point[1] < y1
        assert x0 <= land.start[0] <= x1 and y0 <= land.start[1] <= y1


def test_the_saddle_is_a_saddle():
    land = get_landscape("saddle")
    eigenvalues = np.linalg.eigvalsh(_hessian(land, (0, 0)))
    assert eigenvalues.min() < 0 < eigenvalues.max()
    assert [_at(g, land.variables, (0, 0)) for g in _gradient(land)] == [0, 0]


def test_the_ravine_is_ill_conditioned():
    # Issue 3: condition number >= 50. Hessian of x^2 + 50 y^2 is diag(2, 100).
    eigenvalues = np.linalg.eigvalsh(_hessian(get_landscape("ravine"), (0, 0)))
    assert eigenvalues.max() / eigenvalues.min() >= 50


def test_the_course_example_has_no_minimum():
    # Issue 3: f = 3x^2 + 2y has gradient [6x, 2], never zero.
    land = get_landscape("course")
    assert _gradient(land) == [6 * symbol("x"), 2]
    assert land.minima == ()


def test_linear_data_is_reproducible():
    xs, ys = linear_data(seed=7, noise=1.0)
    assert np.array_equal(ys, linear_data(seed=7, noise=1.0)[1])
    assert not np.array_equal(ys, linear_data(seed=8, noise=1.0)[1])
    assert np.allclose(linear_data(seed=7, noise=0.0)[1], 2 * xs + 1)  # no noise: the true line y = 2x + 1


def test_the_sse_minimum_is_the_least_squares_line():
    land = linear_model_landscape(seed=3, noise=1.5)
    xs, ys = land.extra["xs"], land.extra["ys"]
    m, c = np.polyfit(xs, ys, 1)
    assert land.minima[0] == pytest.approx((m, c), abs=1e-9)
    assert least_squares(xs, ys) == pytest.approx((m, c), abs=1e-9)
    values = [float(g.subs({symbol("m"): m, symbol("c"): c})) for g in _gradient(land)]
    assert np.abs(values).max() < 1e-6


def test_unknown_names_are_refused():
    with pytest.raises(ValueError, match="unknown landscape"):
        get_landscape("everest")
