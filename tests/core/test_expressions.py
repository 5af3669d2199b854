"""The safe parser: what students type is accepted, everything else is refused in words.

Expected expressions are checked with sympy's structural equality against
expressions built by hand, so a wrong parse cannot pass.
"""

import json
import time
from pathlib import Path

import pytest
import sympy

from core.expressions import MAX_DEPTH, MAX_DIGITS, MAX_LENGTH, ExpressionError, parse_expression, symbol

x, y, w = symbol("x"), symbol("y"), symbol("w")
HOSTILE = json.loads((Path(__file__).parent / "data" / "hostile_inputs.json").read_text())
ANSWER_WITHIN = 1.0  # seconds, the lesson's budget: a hostile or bomb input is answered with an error in under 1 s

ACCEPTED = [
    ("x^2", x**2),
    ("x**2 + sin(x)", x**2 + sympy.sin(x)),
    ("exp(-x^2)", sympy.exp(-(x**2))),
    ("log(1 + exp(x))", sympy.log(1 + sympy.exp(x))),
    ("tanh(x)", sympy.tanh(x)),
    ("sqrt(abs(x))", sympy.sqrt(sympy.Abs(x))),
    ("pi*x", sympy.pi * x),
    ("E^x", sympy.exp(x)),
    ("3x^2", 3 * x**2),
    ("2(x+1)", 2 * (x + 1)),
    ("x(x+1)", x * (x + 1)),
    ("(x+1)(x-1)", (x + 1) * (x - 1)),
    ("sin(x)cos(x)", sympy.sin(x) * sympy.cos(x)),
    ("1e-17*x", sympy.Float(1e-17) * x),  # scientific notation is not an implicit product
    ("2e-3x", sympy.Float(0.002) * x),
    ("x⁻¹", 1 / x),
    ("−x", -x),  # the Unicode minus sign of printed formulas
    ("relu(x)", sympy.Max(0, x)),
    ("sigmoid(x)", 1 / (1 + sympy.exp(-x))),
    ("ln(x)", sympy.log(x)),
    ("-x^2", -(x**2)),  # power binds tighter than the sign, as on paper
    ("2^3^2", sympy.Integer(512)),  # right-associative: 2^(3^2)
    # Notation from textbooks and printed formulas: each must build the very tree of the canonical spelling.
    ("sin x", sympy.sin(x)),
    ("ln x + 1", sympy.log(x) + 1),
    ("x sin(x)", x * sympy.sin(x)),
    ("x sin x", x * sympy.sin(x)),
    ("2 sin x cos x", 2 * sympy.sin(x) * sympy.cos(x)),
    ("|x|", sympy.Abs(x)),
    ("|x - |x||", sympy.Abs(x - sympy.Abs(x))),
    ("||x| - 1|", sympy.Abs(sympy.Abs(x) - 1)),
    ("|x|^2 + 2|x|", sympy.Abs(x) ** 2 + 2 * sympy.Abs(x)),
    ("sin|x|", sympy.sin(sympy.Abs(x))),
    ("√x", sympy.sqrt(x)),
    ("√(x+1)", sympy.sqrt(x + 1)),
    ("2√x", 2 * sympy.sqrt(x)),
    ("sin^2(x)", sympy.sin(x) ** 2),  # the textbook convention: sin²x = (sin x)²
    ("sin²(x) + cos²x", sympy.sin(x) ** 2 + sympy.cos(x) ** 2),
    ("ln^2(x)", sympy.log(x) ** 2),
    ("max(x, 0)", sympy.Max(x, 0)),
    ("min(x, 0)", sympy.Min(x, 0)),
    ("max(x, 0, 1 - x)", sympy.Max(x, 0, 1 - x)),
    ("2 x", 2 * x),
    ("(x+1)(x-1)", (x + 1) * (x - 1)),
    ("2pi", 2 * sympy.pi),
    ("πx", sympy.pi * x),
    ("π", sympy.pi),
    ("x − 1", x - 1),  # U+2212 MINUS SIGN
    ("2×x ÷ 3", 2 * x / 3),
    ("2·x", 2 * x),
    ("x³ + x⁻¹", x**3 + 1 / x),
    ("ｘ＋１", x + 1),  # full-width forms (NFKC, as Python itself normalises names)
    ("x\u00a0+\u30001", x + 1),  # non-breaking and ideographic spaces
    ("x\u200b^2", x**2),  # a zero-width space pasted from a web page
    ("e^x", sympy.exp(x)),
    ("log2(x)", sympy.log(x) / sympy.log(2)),  # a name with a digit stays one name
    ("1e-17", sympy.Float(1e-17)),  # scientific notation, not 1·e - 17
    ("2e", 2 * sympy.E),
    ("x² e^x", x**2 * sympy.exp(x)),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED, ids=[t for t, _ in ACCEPTED])
def test_accepts_what_students_type(text, expected):
    assert parse_expression(text) == expected


def test_variables_are_the_lessons():
    assert parse_expression("3x^2 + 2y", ("x", "y")) == 3 * x**2 + 2 * y
    assert parse_expression("w²", ("w",)) == w**2
    with pytest.raises(ExpressionError, match="unknown name 'y'"):
        parse_expression("x + y", ("x",))


def test_subscripted_variables_side_by_side():
    w1, w2 = symbol("w1"), symbol("w2")
    assert parse_expression("w1w2", ("w1", "w2")) == w1 * w2  # a digit ends a subscripted name
    assert parse_expression("w₁w₂ + w1 w2", ("w1", "w2")) == 2 * w1 * w2
    assert parse_expression("x y", ("x", "y")) == x * y
    # A name with a digit is never read as a product: w1 is not w*1 when the variable is w.
    with pytest.raises(ExpressionError, match="unknown name 'w1'"):
        parse_expression("w1", ("w",))
    with pytest.raises(ExpressionError, match="unknown name 'xy'"):
        parse_expression("xy", ("x", "y"))  # letters glued to letters show no boundary


def test_every_variable_is_real():
    # Real symbols make d|x|/dx = sign(x) rather than an expression in re/im.
    assert all(s.is_real for s in parse_expression("x*y", ("x", "y")).free_symbols)


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        ("sine(x)", "did you mean sin?"),
        ("sinx", "write sin(x) with parentheses"),
        ("x +", "ends with an operator"),
        ("(x", "parentheses do not match"),
        ("x = 2", "without '='"),
        ("9**9**9", "digits"),
        ("x" * (MAX_LENGTH + 1), f"under {MAX_LENGTH} characters"),
        ("1" * 5000, "characters"),
        ("x.real", "a dot after a name"),
        ("lambda x: x", "lambda is not allowed"),
        ("x[0]", "square brackets"),
        ("'x'", "quotes"),
        ("sin(x, 2)", "exactly one argument"),
        ("1e999", "too large"),
        ("1.0/0.0", "divides by zero"),  # found by hypothesis: sympy raised ZeroDivisionError
        ("x + 1/0", "divides by zero"),
        ("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), "nested parentheses"),
        ("1" * (MAX_DIGITS + 1), f"at most {MAX_DIGITS} digits"),
        # sympy would build exp(n·log 3) as the exact integer 3**n: 3**(10**40) has 4.8e39 digits.
        ("exp(10^40*log(3))", "4.8e+39 digits"),
        ("sqrt(2)^999999*x", "150,514 digits"),  # 2**499999.5: 499999.5 · log10(2) = 150,514.9
        # Ambiguous notation: refused with the readings spelled out.
        ("|2|x| - 1|", "abs(2abs(x) - 1)"),
        ("|x|y|", "do not pair up"),
        ("x | 1", "do not pair up"),
        ("sin x^2", "sin(x^2) or sin(x)^2"),
        ("sin 2x", "sin(2 x) or sin(2)·x"),
        ("sin x/2", "sin(x/2) or sin(x)/2"),
        ("√x²", "√(x²) or √(x)²"),
        ("1/2x", "(1/2)x or 1/(2 x)"),  # Python reads (1/2)·x, many calculators 1/(2x)
        ("1/x(x+1)", "(1/x)(x+1) or 1/(x(x+1))"),
        ("2^x(x+1)", "^(x(x+1))"),
        ("sin^-1(x)", "asin(x)"),
        ("sin⁻¹(x)", "asin(x)"),
        ("exp^2(x)", "exp(x)^2"),
        ("sin^2(x)^3", "(sin(x)^2)^"),
        ("2 3", "2*3 for a product or 23"),
        ("x 2", "put the number first (2x)"),
        ("sin -x", "sin(-x)"),
        ("sin cos x", "sin(cos(x))"),
        ("log(x, 2)", "log2(x)"),
        ("max(x)", "2 to 4 arguments"),
        ("max(x, 1, 2, 3, 4)", "2 to 4 arguments"),
        ("max x", "max(x, 0)"),
        ("x^2 =", "remove the '='"),
        ("f(x) = x^2", "right-hand side, without '=': for example x^2"),
        ("xⁿ", "write powers with ^"),
        ("²x", "right after what it raises"),
        ("2.5.3", "two decimal points"),
        ("x2", "x^2 for a power or 2x for a product"),
        ("1j*x", "imaginary"),
        ("|" * 41 + "x" + "|" * 41, "at most 40"),
    ],
)
def test_rejections_say_what_to_fix(text, advice):
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    assert advice in str(caught.value)


@pytest.mark.parametrize("text", [t for group in HOSTILE.values() for t in group], ids=lambda t: repr(t[:30]))
def test_hostile_corpus_is_refused_quickly(text):
    start = time.perf_counter()
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    assert time.perf_counter() - start < ANSWER_WITHIN
    assert str(caught.value), "an empty message helps nobody"


def test_never_evaluates_text(monkeypatch):
    # If anything handed the text to eval/sympify, these would be called.
    import builtins

    def refuse(*args, **kwargs):
        raise AssertionError("user text reached an evaluator")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(sympy, "sympify", refuse)
    assert parse_expression("x^2 + sin(x)") == x**2 + sympy.sin(x)


def test_non_text_is_refused():
    with pytest.raises(ExpressionError):
        parse_expression(None)  # type: ignore[arg-type]


def test_a_long_flat_sum_is_not_nesting():
    # w + w + … + w (45 terms) is one sum on paper; only the node budget limits its length.
    assert parse_expression("+".join(["w"] * 45), ("w",)) == 45 * symbol("w")
    assert parse_expression("*".join(["w"] * 45), ("w",)) == symbol("w") ** 45


def test_a_factorial_says_what_to_do_instead():
    with pytest.raises(ExpressionError, match="factorial"):
        parse_expression("w!", ("w",))
