"""The landscape catalogue: its minima are minima, its saddles saddles, its text its formula.

Where the numbers come from: the published test functions and their minima (Rosenbrock (1, 1),
Himmelblau (3, 2) and three more, Beale (3, 0.5), Booth (1, 3); see
https://en.wikipedia.org/wiki/Test_functions_for_optimization), the saddle x² − y² and the lesson's
requirement of a ravine with condition number ≥ 50; Himmelblau's other critical points are given to
6 decimals, so they are checked numerically against the tolerances below; everything else is checked
exactly with sympy.
"""

import numpy as np
import pytest
import sympy

from core.landscapes import (
    LANDSCAPES,
    LINEAR_SSE,
    TRUE_LINE,
    get_landscape,
    least_squares,
    linear_data,
    linear_model_landscape,
    linear_model_sse,
)

# A point given to 6 decimals is within 5e-7 of the true one; with Hessian entries up to ~900 (Beale's
# saddle) the gradient there is at most ~5e-4 and f at a minimum at most ~1e-10.
GRADIENT_AT_ROUNDED_POINT = 1e-3
VALUE_AT_ROUNDED_MINIMUM = 1e-9
# The SSE minimum is the exact least-squares solution rounded to float64 once: numpy's solvers agree to
# about 1e-15 relative, and the SSE's gradient there (Hessian entries ~ 200) is ~1e-13.
LEAST_SQUARES_RTOL = 1e-9
SSE_GRADIENT_AT_MINIMUM = 1e-9

SSE = get_landscape(LINEAR_SSE, seed=3, noise=1.5)
ALL = [*LANDSCAPES.values(), SSE]


def _symbols(land):
    return [sympy.Symbol(v, real=True) for v in land.variables]


def _exact(point):
    # Rational(float) is the float's exact binary value (0.5 -> 1/2), not a guess like nsimplify.
    return [sympy.Rational(v) for v in point]


def _is_exact(land, point):
    return land.exact_minima or all(float(v).is_integer() for v in point)


def _gradient(land):
    return [sympy.diff(land.expr, s) for s in _symbols(land)]


def _numeric_gradient(land, point):
    return np.array([float(g.subs(dict(zip(_symbols(land), _exact(point))))) for g in _gradient(land)])


def _hessian_eigenvalues(land, point):
    h = sympy.hessian(land.expr, _symbols(land)).subs(dict(zip(_symbols(land), _exact(point))))
    return np.linalg.eigvalsh(np.array(h.evalf(), dtype=float))


def _f(land):
    return sympy.lambdify(_symbols(land), land.expr, "numpy")


def _points(kind):
    """(landscape, point) for every listed point of a kind, with readable test ids."""
    cases = [(land, p) for land in ALL for p in getattr(land, kind)]
    return pytest.mark.parametrize("land, point", cases, ids=[f"{land.key}-{p}" for land, p in cases])


def test_the_catalogue_has_the_course_and_textbook_entries():
    assert set(LANDSCAPES) == {"course", "bowl", "ravine", "rosenbrock", "himmelblau", "beale", "booth", "saddle"}
    for land in ALL:
        assert land.title and land.text and land.note, land.key
        assert all(s.is_real for s in land.expr.free_symbols), f"{land.key}: symbols must be real=True"
        assert {s.name for s in land.expr.free_symbols} == set(land.variables), land.key


@pytest.mark.parametrize("land", ALL, ids=lambda land: land.key)
def test_the_text_parses_to_the_expression(land):
    expressions = pytest.importorskip("core.expressions")
    parsed = expressions.parse_expression(land.text, land.variables)
    assert sympy.simplify(parsed - land.expr) == 0, f"{land.key}: {land.text!r} parses to {parsed}"


@pytest.mark.parametrize(
    "key, point",
    [
        ("rosenbrock", (1, 1)),
        ("himmelblau", (3, 2)),
        ("beale", (3, 0.5)),
        ("booth", (1, 3)),
        ("bowl", (0, 0)),
        ("ravine", (0, 0)),
    ],
)
def test_the_listed_minima_are_minima(key, point):
    assert point in get_landscape(key).minima


@_points("minima")
def test_the_gradient_vanishes_at_every_minimum(land, point):
    if _is_exact(land, point):
        values = [sympy.simplify(g.subs(dict(zip(_symbols(land), _exact(point))))) for g in _gradient(land)]
        assert values == [0, 0], f"{land.key} at {point}: ∇f = {values}"
    else:
        tolerance = SSE_GRADIENT_AT_MINIMUM if land.key == LINEAR_SSE else GRADIENT_AT_ROUNDED_POINT
        assert np.abs(_numeric_gradient(land, point)).max() < tolerance, f"{land.key} at {point}"


@_points("minima")
def test_the_hessian_is_positive_definite_at_every_minimum(land, point):
    assert _hessian_eigenvalues(land, point).min() > 0, f"{land.key} at {point}"


@_points("saddles")
def test_saddles_are_flat_and_indefinite(land, point):
    eigenvalues = _hessian_eigenvalues(land, point)
    assert eigenvalues.min() < 0 < eigenvalues.max(), f"{land.key} at {point}: eigenvalues {eigenvalues}"
    assert np.abs(_numeric_gradient(land, point)).max() < GRADIENT_AT_ROUNDED_POINT, f"{land.key} at {point}"


@_points("maxima")
def test_maxima_are_flat_and_negative_definite(land, point):
    assert _hessian_eigenvalues(land, point).max() < 0
    assert np.abs(_numeric_gradient(land, point)).max() < GRADIENT_AT_ROUNDED_POINT


def test_exact_saddles_are_exact():
    # x² − y² at the origin (∇f = (2x, −2y)) and Beale at (0, 1): ∂f/∂x = 3(y − 1)(7y² + 13y + 17)/4 there.
    for key, point in [("saddle", (0, 0)), ("beale", (0, 1))]:
        land = get_landscape(key)
        assert point in land.saddles
        assert [g.subs(dict(zip(_symbols(land), point))) for g in _gradient(land)] == [0, 0]


def test_himmelblau_has_four_minima_of_equal_depth():
    # Himmelblau (1972): four minima, e.g. (3, 2); f = 0 at each, exactly at (3, 2).
    land = get_landscape("himmelblau")
    assert len(land.minima) == 4 and not land.exact_minima
    assert land.expr.subs({sympy.Symbol("x", real=True): 3, sympy.Symbol("y", real=True): 2}) == 0
    f = _f(land)
    for point in land.minima:
        assert 0 <= f(*point) < VALUE_AT_ROUNDED_MINIMUM, point


@pytest.mark.parametrize("land", [land for land in ALL if land.minima], ids=lambda land: land.key)
def test_nothing_in_the_box_is_lower_than_the_lowest_minimum(land):
    (x0, x1), (y0, y1) = land.box
    grid = np.meshgrid(np.linspace(x0, x1, 201), np.linspace(y0, y1, 201))
    f = _f(land)
    lowest = min(f(*p) for p in land.minima)
    assert f(*grid).min() >= lowest - VALUE_AT_ROUNDED_MINIMUM


@pytest.mark.parametrize("land", ALL, ids=lambda land: land.key)
def test_the_box_holds_the_minima_and_the_start(land):
    (x0, x1), (y0, y1) = land.box
    assert x0 < x1 and y0 < y1
    for point in (*land.minima, land.start):
        assert x0 < point[0] < x1 and y0 < point[1] < y1, f"{land.key}: {point} outside {land.box}"
    assert land.start not in land.minima + land.saddles + land.maxima  # descent has somewhere to go


def test_the_ravine_is_ill_conditioned():
    # the lesson's requirement: condition number >= 50. The Hessian of x² + 50y² is diag(2, 100).
    eigenvalues = _hessian_eigenvalues(get_landscape("ravine"), (0, 0))
    np.testing.assert_array_equal(eigenvalues, [2, 100])
    assert eigenvalues.max() / eigenvalues.min() >= 50
    assert _hessian_eigenvalues(get_landscape("bowl"), (0, 0)).tolist() == [2, 2]  # the round one is not


def test_the_course_example_has_no_minimum():
    # course text 003_60e70961f102b1f1.txt:
    #   "For $f(x, y) = 3x^2 + 2y$: \(\frac{\partial f}{\partial x} = 6x, \quad \frac{\partial f}{\partial y} = 2\)"
    # so ∇f = [6x, 2] is never zero.
    land = get_landscape("course")
    assert _gradient(land) == [6 * sympy.Symbol("x", real=True), 2]
    assert land.minima == land.saddles == land.maxima == ()


def test_the_saddle_has_no_minimum():
    land = get_landscape("saddle")
    assert land.minima == () and land.saddles == ((0, 0),)


# --- the linear model ------------------------------------------------------------------------


def test_linear_data_is_reproducible():
    xs, ys = linear_data(seed=7, noise=1.0)
    assert len(xs) == len(ys) == 12
    np.testing.assert_array_equal(ys, linear_data(seed=7, noise=1.0)[1])
    assert not np.array_equal(ys, linear_data(seed=8, noise=1.0)[1])
    np.testing.assert_array_equal(xs, linear_data(seed=8, noise=1.0)[0])  # only the noise depends on the seed
    assert len(linear_data(seed=7, noise=1.0, n=30)[0]) == 30


def test_without_noise_the_data_lie_on_the_true_line():
    xs, ys = linear_data(seed=7, noise=0.0)
    slope, intercept = TRUE_LINE
    np.testing.assert_allclose(ys, slope * xs + intercept, atol=1e-12)
    np.testing.assert_allclose(least_squares(xs, ys), TRUE_LINE, atol=1e-12)


@pytest.mark.parametrize("seed, noise", [(0, 1.0), (3, 1.5), (11, 4.0)])
def test_the_sse_minimum_is_numpys_least_squares_line(seed, noise):
    land = get_landscape(LINEAR_SSE, seed=seed, noise=noise)
    xs, ys = land.data
    np.testing.assert_allclose(land.minima[0], np.polyfit(xs, ys, 1), rtol=LEAST_SQUARES_RTOL)
    design = np.column_stack([xs, np.ones_like(xs)])
    np.testing.assert_allclose(land.minima[0], np.linalg.lstsq(design, ys, rcond=None)[0], rtol=LEAST_SQUARES_RTOL)
    assert land.variables == ("m", "c") and land.start == (0.0, 0.0)
    assert not xs.flags.writeable and not ys.flags.writeable  # a frozen landscape's data stay as they are


def test_the_sse_is_the_sum_of_squared_errors():
    xs, ys = linear_data(seed=3, noise=1.5)
    m, c = sympy.Symbol("m", real=True), sympy.Symbol("c", real=True)
    for slope, intercept in [(0.0, 0.0), (2.0, 1.0), (-1.5, 3.25)]:
        expected = float(np.sum((slope * xs + intercept - ys) ** 2))
        assert float(linear_model_sse(xs, ys).subs({m: slope, c: intercept})) == pytest.approx(expected, rel=1e-12)


def test_get_landscape_builds_the_sse_from_seed_and_noise():
    assert get_landscape(LINEAR_SSE, seed=3, noise=1.5) == linear_model_landscape(*linear_data(3, 1.5))
    assert get_landscape(LINEAR_SSE, seed=3, noise=1.5) != get_landscape(LINEAR_SSE, seed=4, noise=1.5)


def test_bad_requests_say_what_is_wrong():
    with pytest.raises(ValueError, match="unknown landscape 'everest'"):
        get_landscape("everest")
    with pytest.raises(ValueError, match="has no settings"):
        get_landscape("rosenbrock", seed=1)
    with pytest.raises(ValueError, match="not speed"):
        get_landscape(LINEAR_SSE, speed=1)
    with pytest.raises(ValueError, match="noise"):
        linear_data(0, -1.0)
    with pytest.raises(ValueError, match="all x are equal"):
        least_squares([1.0, 1.0, 1.0], [0.0, 1.0, 2.0])
