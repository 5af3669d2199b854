"""Hypothesis strategies for the functions students type, each with the sympy tree it means.

``expressions(variables)`` draws pairs ``(expr, text)``: ``expr`` is built directly with sympy
(the canonical tree), ``text`` prints the same tree the way a student might type it, in one of
several styles chosen per text: ``^`` or ``**`` or raised digits (x², x⁻¹), ``*`` or ``·`` or
``×`` or a plain space or nothing (2x, w1w2), ``-`` or the Unicode minus sign, ``/`` or ``÷``,
``abs(x)`` or ``|x|``, ``sqrt(x)`` or ``√x``, ``pi`` or ``π``, ``sin(x)`` or ``sin x``, ``sin(x)^2`` or
``sin²(x)``, and plain, non-breaking or full-width spaces around operators.

The grammar is the whole of core.expressions: integers, fractions, floats of any magnitude
(5e-324 to 1.8e308), pi, E, sqrt(k), every function in FUNCTIONS and MULTI_ARGUMENT_FUNCTIONS,
+ - * / ^, unary minus and nesting. The printer parenthesises by Python's operator precedence
(https://docs.python.org/3/reference/expressions.html#operator-precedence) so that parsing the
text performs exactly the operations that built ``expr``, in the same order; sympy's automatic
evaluation is then the same on both sides and the two trees are structurally equal.

``student_texts(variables)`` draws only the text, for tests that type functions into a page.
``Tree`` is the generated tree itself, for tests that want to walk it (core.numeric's error bound).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy
from hypothesis import strategies as st

from core.expressions import FUNCTIONS, MULTI_ARGUMENT_FUNCTIONS, POWER_NOTATION, _is_algebraic, symbol

__all__ = ["BadTree", "Style", "Tree", "canonical", "expressions", "render", "student_texts", "styles", "trees"]

# Precedence levels of the printed text (Python's, with juxtaposition as *).
ATOM, POWER, UNARY, PRODUCT, BARE_CALL, SUM = 100, 90, 80, 70, 61, 60
RAISED = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
MAX_EXACT_BITS = 2000  # well inside core.expressions.MAX_BITS: generated trees never hit the size budget


@dataclass(frozen=True)
class Tree:
    """One node of a generated expression: kind, children and, for leaves, the value."""

    kind: str  # var int rational float const sqrtk neg add sub mul div pow call callpow multi
    children: tuple = ()
    value: object = None


@dataclass(frozen=True)
class Style:
    power: str = "^"  # "^" or "**"
    raised: bool = False  # x² for small whole exponents
    minus: str = "-"  # or "−" (U+2212)
    times: str = "*"  # "*", "·", "×", " " (2 x), "" (2x, w1w2 where unambiguous)
    divide: str = "/"  # or "÷"
    space: str = ""  # around + - * /: "", " ", "\u00a0", "\u3000"
    bars: bool = False  # |x| for abs(x)
    radical: bool = False  # √ for sqrt
    greek: bool = False  # π for pi
    e: str = "E"  # or "e"
    bare_calls: bool = False  # sin x for sin(x) when x is a single name or number
    power_notation: bool = False  # sin^2(x), sin²(x) for sin(x)^2


_INVERSE_TRIG = frozenset({"asin", "acos", "atan", "arcsin", "arccos", "arctan"})


class _Skip(Exception):
    """A tree the strategies do not offer (see _build)."""


class BadTree(Exception):
    """The canonical tree cannot be built (1/0, sympy refuses): the parser must refuse the text."""


# --- the canonical sympy tree --------------------------------------------------------------


def canonical(tree: Tree) -> sympy.Expr:
    """The sympy expression of `tree`, each operation applied as core.expressions applies it.

    Raises BadTree where the parser refuses by design: a division by zero (zoo or nan appears
    in any intermediate result; sympy documents 1/0 as zoo, ComplexInfinity) or sympy itself
    raising on the operation.
    """
    try:
        value = _build(tree)
    except (ArithmeticError, ValueError, TypeError) as error:
        raise BadTree(str(error)) from None
    return value


def _checked(value: sympy.Expr) -> sympy.Expr:
    if value.has(sympy.zoo, sympy.nan):
        raise BadTree("zoo or nan")
    for number in value.atoms(sympy.Rational):
        if max(int(number.p).bit_length(), int(number.q).bit_length()) > MAX_EXACT_BITS:
            raise BadTree("too large")
    return value


def _build(tree: Tree) -> sympy.Expr:
    kind, kids = tree.kind, tree.children
    if kind == "var":
        return symbol(tree.value)
    if kind == "int":
        return sympy.Integer(tree.value)
    if kind == "rational":
        p, q = tree.value
        return _checked(sympy.Integer(p) / sympy.Integer(q))
    if kind == "float":
        return sympy.Float(tree.value)
    if kind == "const":
        return sympy.pi if tree.value == "pi" else sympy.E
    if kind == "sqrtk":
        return sympy.sqrt(sympy.Integer(tree.value))
    args = [_build(k) for k in kids]
    if kind == "neg":
        value = -args[0]
    elif kind == "add":
        value = args[0] + args[1]
    elif kind == "sub":
        value = args[0] - args[1]
    elif kind == "mul":
        value = args[0] * args[1]
    elif kind == "div":
        value = args[0] / args[1]
    elif kind == "pow":
        base, exponent = args
        if base.is_number and exponent.is_number and exponent.is_Rational and _is_algebraic(base):
            bits = abs(float(exponent)) * abs(float(sympy.log(abs(sympy.N(base, 15)) or 1, 2)))
            if bits > MAX_EXACT_BITS:
                raise BadTree("exact power too large")
        if exponent.is_number and exponent.is_Rational and abs(exponent) > 10**6:
            raise BadTree("exponent over a million")  # core.expressions refuses it by design
        value = sympy.Pow(base, exponent)
    elif kind == "call":
        if tree.value in _INVERSE_TRIG and args[0].is_number and not args[0].has(sympy.Float):
            # acos(2) is complex, and sympy 1.14 recurses without end on cosh(acos(2)**2) (RecursionError,
            # depending on its cache): such trees are left out rather than tested flakily.
            raise _Skip("inverse trig of an exact number")
        value = FUNCTIONS[tree.value](args[0])
    elif kind == "callpow":
        name, n = tree.value
        if name in _INVERSE_TRIG and args[0].is_number and not args[0].has(sympy.Float):
            raise _Skip("inverse trig of an exact number")
        value = sympy.Pow(FUNCTIONS[name](args[0]), sympy.Integer(n))
    elif kind == "multi":
        value = MULTI_ARGUMENT_FUNCTIONS[tree.value](*args)
    else:  # pragma: no cover - a new kind without a rule
        raise AssertionError(kind)
    return _checked(value)


# --- printing -----------------------------------------------------------------------------


def render(tree: Tree, style: Style) -> str:
    """The text a student might type for `tree` in `style` (parses to canonical(tree))."""
    return _print(tree, style)[0]


def _print(tree: Tree, s: Style) -> tuple[str, int]:
    kind, kids = tree.kind, tree.children
    sp = s.space
    if kind == "var":
        return tree.value, ATOM
    if kind == "int":
        return str(tree.value), ATOM
    if kind == "float":
        return repr(tree.value), ATOM
    if kind == "rational":
        p, q = tree.value
        return f"({p}{sp}{s.divide}{sp}{q})", ATOM
    if kind == "const":
        if tree.value == "pi":
            return ("π" if s.greek else "pi"), ATOM
        return s.e, ATOM
    if kind == "sqrtk":
        if s.radical:
            return f"√{tree.value}", BARE_CALL
        return f"sqrt({tree.value})", ATOM
    if kind == "neg":
        text, prec = _print(kids[0], s)
        return f"{s.minus}{_wrap(text, prec, UNARY)}", UNARY
    if kind in ("add", "sub"):
        (left, lp), (right, rp) = _print(kids[0], s), _print(kids[1], s)
        op = "+" if kind == "add" else s.minus
        return f"{_wrap(left, lp, SUM)}{sp}{op}{sp}{_wrap(right, rp, SUM + 0.5)}", SUM
    if kind == "div":
        (left, lp), (right, rp) = _print(kids[0], s), _print(kids[1], s)
        return f"{_wrap(left, lp, PRODUCT)}{sp}{s.divide}{sp}{_wrap(right, rp, PRODUCT + 0.5)}", PRODUCT
    if kind == "mul":
        return _print_product(tree, s), PRODUCT
    if kind == "pow":
        (base, bp), (exponent, ep) = _print(kids[0], s), _print(kids[1], s)
        base = _wrap(base, bp, POWER + 0.5)
        small = _small_int(kids[1])
        if s.raised and small is not None:
            return base + str(small).translate(RAISED), POWER
        return f"{base}{s.power}{_wrap(exponent, ep, UNARY)}", POWER
    if kind == "call":
        return _print_call(tree.value, kids[0], s)
    if kind == "callpow":
        name, n = tree.value
        inner, _ = _print(kids[0], s)
        if s.power_notation:
            marker = str(n).translate(RAISED) if s.raised else f"{s.power}{n}"
            return f"{name}{marker}({inner})", POWER
        return f"{name}({inner}){s.power}{n}", POWER
    if kind == "multi":
        inner = f",{sp}".join(_print(k, s)[0] for k in kids)
        return f"{tree.value}({inner})", ATOM
    raise AssertionError(kind)  # pragma: no cover


def _print_call(name: str, argument: Tree, s: Style) -> tuple[str, int]:
    inner, _prec = _print(argument, s)
    if name == "abs" and s.bars and "|" not in inner:
        return f"|{inner}|", ATOM
    shown = "√" if (name == "sqrt" and s.radical) else name
    bare = argument.kind in ("var", "int", "float", "const") and not inner.startswith("-")
    if s.bare_calls and bare:
        return f"{shown} {inner}" if shown != "√" else f"√{inner}", BARE_CALL
    return f"{shown}({inner})", ATOM


def _print_product(tree: Tree, s: Style) -> str:
    left_tree, right_tree = tree.children
    (left, lp), (right, rp) = _print(left_tree, s), _print(right_tree, s)
    left_w, right_w = _wrap(left, lp, PRODUCT), _wrap(right, rp, PRODUCT + 0.5)
    explicit = f"{left_w}{s.space}{s.times if s.times.strip() else '*'}{s.space}{right_w}"
    if s.times.strip():
        return explicit
    # Side by side, only where core.expressions reads it as this very product: not after a
    # division ('1/2 x'), never a number after a name or a power ('x 2', 'x² 3'), never next to
    # |bars|, never '^x (...)' (read as ^(x(...))), never a sign after the space.
    if left_tree.kind == "div" or "|" in left_w[-1:] + right_w[:1]:
        return explicit
    if right_w[:1].isdigit() or right_w[:1] in "-−+.":
        return explicit
    if left_tree.kind == "pow" and right_w.startswith("("):
        return explicit
    if left_tree.kind == "neg" and not left_w[-1:].isdigit():
        return explicit
    glue = (
        s.times == ""
        and right_tree.kind == "var"
        and (left_w[-1:].isdigit() and left_tree.kind in ("int",) or left_tree.kind == "var" and left[-1:].isdigit())
    )
    return f"{left_w}{'' if glue else ' '}{right_w}"


def _wrap(text: str, prec: float, needed: float) -> str:
    return text if prec >= needed else f"({text})"


def _small_int(tree: Tree) -> int | None:
    if tree.kind == "int" and tree.value <= 9:
        return tree.value
    if tree.kind == "neg" and tree.children[0].kind == "int" and tree.children[0].value <= 9:
        return -tree.children[0].value
    return None


# --- strategies --------------------------------------------------------------------------

MAGNITUDES = [
    5e-324,
    2.2250738585072014e-308,
    1e-300,
    1e-17,
    1e-8,
    0.1,
    0.5,
    1.0,
    2.0,
    1e8,
    1e17,
    1e300,
    1.7976931348623157e308,
]


def _leaves(variables: tuple[str, ...]):
    numbers = st.one_of(
        st.integers(min_value=0, max_value=12).map(lambda n: Tree("int", value=n)),
        st.integers(min_value=0, max_value=10**6).map(lambda n: Tree("int", value=n)),
        st.tuples(st.integers(0, 50), st.integers(1, 50)).map(lambda pq: Tree("rational", value=pq)),
        st.floats(min_value=0, allow_nan=False, allow_infinity=False).map(lambda f: Tree("float", value=f)),
        st.sampled_from(MAGNITUDES).map(lambda f: Tree("float", value=f)),
        st.sampled_from(["pi", "E"]).map(lambda c: Tree("const", value=c)),
        st.integers(min_value=2, max_value=1000).map(lambda k: Tree("sqrtk", value=k)),
    )
    names = st.sampled_from(variables).map(lambda v: Tree("var", value=v))
    return st.one_of(names, names, numbers) if variables else numbers


def _exponents(children):
    small = st.integers(min_value=0, max_value=4).map(lambda n: Tree("int", value=n))
    return st.one_of(small, small.map(lambda t: Tree("neg", (t,))), children)


def _extend(children):
    binary = st.tuples(st.sampled_from(["add", "sub", "mul", "div"]), children, children)
    return st.one_of(
        binary.map(lambda t: Tree(t[0], (t[1], t[2]))),
        children.map(lambda c: Tree("neg", (c,))),
        st.tuples(children, _exponents(children)).map(lambda t: Tree("pow", t)),
        st.tuples(st.sampled_from(sorted(FUNCTIONS)), children).map(lambda t: Tree("call", (t[1],), t[0])),
        st.tuples(st.sampled_from(sorted(POWER_NOTATION)), st.integers(2, 3), children).map(
            lambda t: Tree("callpow", (t[2],), (t[0], t[1]))
        ),
        st.tuples(st.sampled_from(sorted(MULTI_ARGUMENT_FUNCTIONS)), st.lists(children, min_size=2, max_size=3)).map(
            lambda t: Tree("multi", tuple(t[1]), t[0])
        ),
    )


def trees(variables=("x",), max_leaves: int = 10):
    """Generated expression trees over the whole grammar (see the module docstring)."""
    return st.recursive(_leaves(tuple(variables)), _extend, max_leaves=max_leaves)


def styles():
    return st.builds(
        Style,
        power=st.sampled_from(["^", "**"]),
        raised=st.booleans(),
        minus=st.sampled_from(["-", "−"]),
        times=st.sampled_from(["*", "·", "×", " ", ""]),
        divide=st.sampled_from(["/", "÷"]),
        space=st.sampled_from(["", " ", "\u00a0", "\u3000"]),
        bars=st.booleans(),
        radical=st.booleans(),
        greek=st.booleans(),
        e=st.sampled_from(["E", "e"]),
        bare_calls=st.booleans(),
        power_notation=st.booleans(),
    )


def _pair(tree_and_style):
    tree, style = tree_and_style
    try:
        return canonical(tree), render(tree, style)
    except (BadTree, _Skip):
        return None


def expressions(variables=("x",), max_leaves: int = 10, max_length: int = 500):
    """(canonical sympy expression, student text) pairs; the text parses to the expression."""
    return (
        st.tuples(trees(variables, max_leaves), styles())
        .map(_pair)
        .filter(lambda pair: pair is not None and len(pair[1]) <= max_length)
    )


def tree_expressions(variables=("x",), max_leaves: int = 10, max_length: int = 500):
    """(tree, canonical expression, text) triples, for tests that also walk the tree."""

    def triple(tree_and_style):
        pair = _pair(tree_and_style)
        return None if pair is None else (tree_and_style[0], *pair)

    return (
        st.tuples(trees(variables, max_leaves), styles())
        .map(triple)
        .filter(lambda t: t is not None and len(t[2]) <= max_length)
    )


def student_texts(variables=("x",), max_leaves: int = 10):
    """Only the text of expressions(variables): functions a page's function box must accept."""
    return expressions(variables, max_leaves).map(lambda pair: pair[1])
