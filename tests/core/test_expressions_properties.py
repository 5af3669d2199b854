"""Property-based tests of the parser (hypothesis): any text, any syntax tree.

The contract: parse_expression returns a sympy expression or raises
ExpressionError, quickly — nothing else, whatever the input.
"""

import time

import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.expressions import FUNCTIONS, ExpressionError, parse_expression

ANSWER_WITHIN = 1.0  # seconds (the lesson's budget)
VARIABLES = ("x", "y")
PROPERTY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ATOMS = st.one_of(
    st.sampled_from(["x", "y", "pi", "E", "e", "w", "z", "__import__", "os", "sine", "x.real", "'s'", "[1]"]),
    st.integers(min_value=-(10**60), max_value=10**60).map(str),
    st.floats(allow_nan=False).map(repr),
    st.sampled_from(["1e308", "1e-400", "9", "0", "0.0", "2j"]),
)


def _combine(children):
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "^", "**", "//", "%", "@", " ", ""]), children)
    unary = st.tuples(st.sampled_from(["-", "+", "~", "not "]), children)
    call = st.tuples(st.sampled_from([*FUNCTIONS, "factorial", "eval", "x", "lambda"]), children)
    return st.one_of(
        binary.map(lambda t: f"{t[0]}{t[1]}{t[2]}"),
        unary.map(lambda t: f"{t[0]}{t[1]}"),
        call.map(lambda t: f"{t[0]}({t[1]})"),
        children.map(lambda c: f"({c})"),
    )


SYNTAX_TREES = st.recursive(ATOMS, _combine, max_leaves=40)
RANDOM_TEXT = st.text(
    alphabet=st.sampled_from(list("xy0123456789.+-*/^()eE pisnclogqrtab,_[]'\"=<>!@%&|~:;{}\\λ²−")), max_size=120
)


def _holds_the_contract(text: str) -> None:
    start = time.perf_counter()
    try:
        result = parse_expression(text, VARIABLES)
    except ExpressionError as error:
        assert str(error)
    else:
        assert isinstance(result, sympy.Expr)
        assert {s.name for s in result.free_symbols} <= set(VARIABLES)
    assert time.perf_counter() - start < ANSWER_WITHIN, f"{text!r} took too long"


@PROPERTY
@given(RANDOM_TEXT)
def test_random_text(text):
    _holds_the_contract(text)


@PROPERTY
@given(SYNTAX_TREES)
def test_random_syntax_trees(text):
    _holds_the_contract(text)


@PROPERTY
@given(st.text(max_size=300))
def test_random_unicode(text):
    _holds_the_contract(text)
