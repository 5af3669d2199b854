"""Symbolic work runs in a worker that is killed when it overruns."""

import time

import pytest

from core import chain_rule, derivatives
from core.expressions import ExpressionError, parse_expression
from core.limits import SymbolicTimeout, loaded, run_bounded, wait


def test_a_result_comes_back():
    analysis = run_bounded(derivatives.analyse, parse_expression("x^3"), ("x",), timeout=30)
    assert str(analysis.derivatives[0]) == "3*x**2"


def test_errors_are_raised_in_the_caller():
    with pytest.raises(ValueError, match="unknown method"):
        run_bounded(derivatives.finite_difference, parse_expression("x"), 1.0, 0.1, method="sideways", timeout=30)


def test_a_students_text_is_parsed_in_the_worker_and_its_error_comes_back():
    assert run_bounded(derivatives.parse_and_analyse, "w^2", ("w",), timeout=30).derivative_latex == ("2 w",)
    with pytest.raises(ExpressionError, match="did you mean sin"):
        run_bounded(derivatives.parse_and_analyse, "sine(w)", ("w",), timeout=30)


def test_overrunning_work_is_stopped_and_the_worker_replaced():
    run_bounded(derivatives.analyse, parse_expression("x"), ("x",), timeout=30)  # warm worker
    start = time.perf_counter()
    with pytest.raises(SymbolicTimeout):
        run_bounded(wait, 5, timeout=0.5)
    assert time.perf_counter() - start < 1.5
    # The next call gets a fresh worker and works.
    assert run_bounded(derivatives.exact_slope, parse_expression("x^2"), 3.0, timeout=30) == 6.0


def test_memory_is_capped():
    # 2**28 step sizes (2 GiB) exceed the worker's 1 GiB address-space limit: MemoryError there,
    # reported here, and the server process is untouched.
    with pytest.raises((SymbolicTimeout, MemoryError)):
        run_bounded(derivatives.sweep_h, 2**28, timeout=30)


def test_only_core_functions_travel():
    with pytest.raises(ValueError, match="core package"):
        run_bounded(print, "hi")


def test_the_worker_stays_small():
    # Everything the app sends to the worker, then: no pandas (with pyarrow, ~100 MB of the
    # 400 MB benchmark budget of tests/browser/test_memory.py) was imported there.
    expr = parse_expression("x^3")
    run_bounded(derivatives.analyse, expr, ("x",), timeout=30)
    run_bounded(derivatives.derivation, expr, "x", timeout=30)
    run_bounded(derivatives.error_models, expr, 1.0, dtypes=("float64",), methods=("forward",), timeout=30)
    run_bounded(derivatives.exact_slope, expr, 1.0, timeout=30)
    rule = run_bounded(chain_rule.chain_rule, parse_expression("u^2", ("u",)), parse_expression("2x + 3"), timeout=30)
    run_bounded(chain_rule.ChainRule.latex_steps, rule, timeout=30)
    assert not run_bounded(loaded, "pandas", timeout=30)
    assert run_bounded(loaded, "sympy", timeout=30)
