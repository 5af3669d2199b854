"""Safe parsing of the functions students type.

The hosted app takes text from anyone on the internet, and SymPy documents that
``sympify``, ``parse_expr`` and friends run arbitrary code. So text never goes
near them. Instead:

1. bounded text: a length limit, then a few spelling conveniences (``^`` for
   power, ``3x`` for ``3*x``, ``w²``, the Unicode minus sign);
2. ``ast.parse(text, mode="eval")`` turns the text into a Python syntax tree
   without running anything;
3. a walk over that tree against an allow-list (numbers, the lesson's
   variables, ``pi``, ``E``, ``+ - * / **``, unary signs, calls of known
   functions with one argument) builds sympy objects directly, with a node,
   depth, digit and bit budget so that no input can make the work explode.

Every rejection is an ``ExpressionError`` whose message tells a student what to
fix.
"""

from __future__ import annotations

import ast
import difflib
import math
import re
from collections.abc import Callable, Sequence

import sympy

__all__ = [
    "ExpressionError",
    "parse_expression",
    "symbol",
    "FUNCTIONS",
    "CONSTANTS",
    "MAX_LENGTH",
]

MAX_LENGTH = 500  # characters; the longest lesson formula is under 150
MAX_NODES = 300  # syntax-tree nodes
MAX_DEPTH = 40  # nesting of operations and parentheses
MAX_DIGITS = 40  # in one number literal
MAX_BITS = 4096  # size of an exact integer or rational the parser will build


class ExpressionError(ValueError):
    """The text is not a function this app will evaluate; the message says why."""


def symbol(name: str) -> sympy.Symbol:
    """The sympy symbol for a variable: every variable in the app is real."""
    return sympy.Symbol(name, real=True)


def _sigmoid(z):
    return 1 / (1 + sympy.exp(-z))


def _relu(z):
    return sympy.Max(0, z)


def _softplus(z):
    return sympy.log(1 + sympy.exp(z))


def _log_base(base: int) -> Callable[[sympy.Expr], sympy.Expr]:
    return lambda z: sympy.log(z) / sympy.log(base)


#: Function names a student may call, each with exactly one argument.
FUNCTIONS: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "asin": sympy.asin,
    "acos": sympy.acos,
    "atan": sympy.atan,
    "arcsin": sympy.asin,
    "arccos": sympy.acos,
    "arctan": sympy.atan,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "exp": sympy.exp,
    "log": sympy.log,
    "ln": sympy.log,
    "log2": _log_base(2),
    "log10": _log_base(10),
    "sqrt": sympy.sqrt,
    "abs": sympy.Abs,
    "sign": sympy.sign,
    "sigmoid": _sigmoid,
    "relu": _relu,
    "softplus": _softplus,
}

CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi, "E": sympy.E, "e": sympy.E}

# Python keywords and builtins someone might try, with the reason they fail.
_FORBIDDEN_HINT = (
    "only numbers, variables, + - * / ^, parentheses and functions such as "
    "sin(x) are allowed"
)

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SUPERSCRIPT_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")
# A number with optional decimals and exponent, not part of a name ("log2").
_NUMBER = re.compile(r"(?<![A-Za-z_0-9.])(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_CLOSE_THEN_OPEN = re.compile(r"\)\s*(?=[A-Za-z_0-9(.])")


def _normalise(text: str) -> str:
    """Spelling conveniences, applied to text before it is parsed."""
    text = (
        text.replace("−", "-")  # Unicode minus sign, as in printed formulas
        .replace("×", "*")
        .replace("·", "*")
        .replace("÷", "/")
        .replace("^", "**")
    )
    text = _SUPERSCRIPT_RUN.sub(lambda m: "**(" + m.group().translate(_SUPERSCRIPTS) + ")", text)
    text = _insert_implicit_products(text)
    return _CLOSE_THEN_OPEN.sub(")*", text)


def _insert_implicit_products(text: str) -> str:
    """'3x' -> '3*x' and '2(x+1)' -> '2*(x+1)', leaving '1e-17' and 'log2' alone.

    Each number is matched whole (greedy, without backtracking into its
    exponent), and only then is the next character looked at.
    """
    pieces, last = [], 0
    for match in _NUMBER.finditer(text):
        rest = text[match.end():].lstrip()
        pieces.append(text[last:match.end()])
        if rest[:1].isalpha() or rest[:1] in ("_", "("):
            pieces.append("*")
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces)


def _max_paren_depth(text: str) -> int:
    depth = deepest = 0
    for char in text:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    return deepest


def parse_expression(text: str, variables: Sequence[str] = ("x",)) -> sympy.Expr:
    """Parse a student's function of `variables` into a sympy expression.

    >>> parse_expression("3x^2 + 2y", ("x", "y"))
    3*x**2 + 2*y

    Raises ExpressionError, with a message fit to show a student, for anything
    that is not such a function.
    """
    if not isinstance(text, str):
        raise ExpressionError("type a function as text, for example x^2")
    stripped = text.strip()
    if not stripped:
        raise ExpressionError("the function is empty: type one, for example x^2")
    if len(stripped) > MAX_LENGTH:
        raise ExpressionError(
            f"that is {len(stripped):,} characters; keep the function under "
            f"{MAX_LENGTH} characters"
        )
    if _max_paren_depth(stripped) > MAX_DEPTH:
        raise ExpressionError(
            f"too many nested parentheses; use at most {MAX_DEPTH} levels"
        )
    source = _normalise(stripped)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise ExpressionError(_syntax_message(stripped, error)) from None
    except (ValueError, MemoryError, RecursionError):
        raise ExpressionError("the function could not be read; " + _FORBIDDEN_HINT) from None
    return _Builder(variables).build(tree)


def _syntax_message(text: str, error: SyntaxError) -> str:
    if text.count("(") != text.count(")"):
        opened, closed = text.count("("), text.count(")")
        return (
            f"the parentheses do not match: {opened} opened and {closed} closed"
        )
    if re.search(r"[=<>!]", text):
        return "type only the right-hand side, without '=' or comparisons: e.g. x^2 + 1"
    if re.search(r"[+\-*/^]\s*$", text):
        return "the function ends with an operator; something is missing after it"
    if '"' in text or "'" in text:
        return "text in quotes is not allowed; " + _FORBIDDEN_HINT
    if "," in text:
        return "a comma is not allowed here; use a dot for decimals (0.5) and one argument per function"
    where = f" near position {error.offset}" if error.offset else ""
    return f"this is not a formula the app can read{where}; check for a missing operator or parenthesis"


class _Builder:
    """Walks a Python syntax tree and builds the sympy expression it describes."""

    def __init__(self, variables: Sequence[str]):
        self.variables = {name: symbol(name) for name in variables}
        self.nodes = 0

    def build(self, tree: ast.Expression) -> sympy.Expr:
        return self._visit(tree.body, depth=0)

    def _visit(self, node: ast.AST, depth: int) -> sympy.Expr:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ExpressionError(
                f"the function is too long for this lesson (more than {MAX_NODES} parts); simplify it"
            )
        if depth > MAX_DEPTH:
            raise ExpressionError(f"the function nests too deeply; use at most {MAX_DEPTH} levels")
        method = getattr(self, "_visit_" + type(node).__name__, None)
        if method is None:
            raise ExpressionError(_describe_forbidden(node))
        try:
            result = method(node, depth + 1)
        except ExpressionError:
            raise
        except ZeroDivisionError:
            raise ExpressionError("the function divides by zero (for example 1/0); change that part") from None
        except (ArithmeticError, ValueError, TypeError, RecursionError, MemoryError):
            raise ExpressionError("this cannot be computed as written; " + _FORBIDDEN_HINT) from None
        if result.has(sympy.zoo, sympy.nan):
            raise ExpressionError("the function divides by zero (for example 1/0); change that part")
        _check_size(result)
        return result

    def _visit_Constant(self, node: ast.Constant, depth: int) -> sympy.Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            if isinstance(value, complex):
                raise ExpressionError("imaginary numbers (like 2j) are not part of this lesson")
            raise ExpressionError("text in quotes and other values are not allowed; " + _FORBIDDEN_HINT)
        if isinstance(value, int):
            if value.bit_length() > MAX_DIGITS * 3.33:
                raise ExpressionError(
                    f"that number has {len(str(value)) if value.bit_length() < 20000 else 'thousands of'} digits; "
                    f"use at most {MAX_DIGITS} digits (or scientific notation like 1e20)"
                )
            return sympy.Integer(value)
        if not math.isfinite(value):
            raise ExpressionError("that number is too large for a float; use at most about 1e308")
        return sympy.Float(value)

    def _visit_Name(self, node: ast.Name, depth: int) -> sympy.Expr:
        name = node.id
        if name in self.variables:
            return self.variables[name]
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            raise ExpressionError(f"'{name}' is a function: write it with parentheses, like {name}({self._example})")
        raise ExpressionError(self._unknown_name_message(name))

    @property
    def _example(self) -> str:
        return next(iter(self.variables), "x")

    def _unknown_name_message(self, name: str) -> str:
        allowed = list(self.variables) + list(FUNCTIONS) + ["pi", "E"]
        guess = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = f" — did you mean {guess[0]}?" if guess else ""
        # "sinx" or "xy": a function or variables glued together.
        for func in FUNCTIONS:
            rest = name[len(func):]
            if name.startswith(func) and rest in self.variables:
                hint = f" — write {func}({rest}) with parentheses"
        if not guess and len(name) > 1 and all(c in self.variables for c in name):
            hint = " — write " + "*".join(name) + " for a product"
        names = ", ".join(self.variables) or "no variables"
        stop = "" if hint.endswith("?") else "."
        return (
            f"unknown name '{name}'{hint}{stop} This function may use {names}, "
            "pi, E and functions like sin, exp, log"
        )

    def _visit_UnaryOp(self, node: ast.UnaryOp, depth: int) -> sympy.Expr:
        operand = self._visit(node.operand, depth)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise ExpressionError(_describe_forbidden(node))

    def _visit_BinOp(self, node: ast.BinOp, depth: int) -> sympy.Expr:
        left = self._visit(node.left, depth)
        right = self._visit(node.right, depth)
        op = node.op
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Mult):
            return left * right
        if isinstance(op, ast.Div):
            return left / right
        if isinstance(op, (ast.Pow, ast.BitXor)):
            return _power(left, right)
        symbol_of = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<",
                     ast.RShift: ">>", ast.BitOr: "|", ast.BitAnd: "&"}
        used = symbol_of.get(type(op), "this operator")
        raise ExpressionError(f"'{used}' is not allowed; use + - * / and ^ for powers")

    def _visit_Call(self, node: ast.Call, depth: int) -> sympy.Expr:
        func = node.func
        if not isinstance(func, ast.Name):
            raise ExpressionError(_describe_forbidden(func))
        name = func.id
        if node.keywords:
            raise ExpressionError(f"{name}(...) takes one plain argument, without name=value")
        if name in self.variables or name in CONSTANTS:
            # "x(x+1)" or "pi(x)" is a product, as on paper.
            if len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
                raise ExpressionError(f"'{name}(...)' needs exactly one expression inside the parentheses")
            return self._visit_Name(func, depth) * self._visit(node.args[0], depth)
        if name not in FUNCTIONS:
            raise ExpressionError(self._unknown_name_message(name))
        if len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise ExpressionError(f"{name}(...) takes exactly one argument, like {name}({self._example})")
        argument = self._visit(node.args[0], depth)
        if name in _EXPONENTIALS and argument.is_number and argument.has(sympy.log):
            # sympy builds exp(n·log(k)) as the exact integer k**n, before any size check could run.
            _check_exact_power(sympy.E, argument)
        return FUNCTIONS[name](argument)


#: Functions that build exp(argument), which sympy may turn into an exact power.
_EXPONENTIALS = frozenset({"exp", "sigmoid", "softplus"})


def _power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    """base**exponent, refusing exact numbers that would be too large to build."""
    if base.is_number and exponent.is_number:
        # sympy multiplies out powers of exact algebraic numbers (9**50, sqrt(2)**999) and turns
        # E**(n·log(k)) into k**n; powers of pi or of exp(100) it leaves as they are.
        exact = exponent.is_Rational and base.is_algebraic is True
        if exact or (base == sympy.E and exponent.has(sympy.log)):
            _check_exact_power(base, exponent)
    if exponent.is_number and exponent.is_Rational and abs(exponent) > 10**6:
        raise ExpressionError("the exponent is too large; keep exponents under a million")
    return sympy.Pow(base, exponent)


def _check_exact_power(base: sympy.Expr, exponent: sympy.Expr) -> None:
    """Refuse base**exponent of exact numbers (no variable, no decimal point) that needs over MAX_BITS bits.

    sympy evaluates such powers exactly as they are built: 9**(9**9), sqrt(2)**999999
    (2**499999·√2) and E**(10**40·log(3)) (3**(10**40)) would take hours and all memory.
    The size is estimated from 15-digit approximations, never from the exact value.
    """
    if base.has(sympy.Float) or exponent.has(sympy.Float):
        return  # a decimal point makes it a float, which sympy rounds instead of growing
    try:
        magnitude = abs(complex(sympy.N(base, 15)))
        power = abs(complex(sympy.N(exponent, 15)).real)
        bits = power * math.log2(magnitude) if magnitude > 0 else 0.0
    except (ArithmeticError, ValueError, TypeError):
        bits = math.inf
    if abs(bits) > MAX_BITS:
        digits = abs(bits) * math.log10(2)
        raise ExpressionError(
            f"that power is a number with about {_round_digits(digits)} digits; "
            "keep numbers to a sensible size (use a decimal point, e.g. 9.0^50, for a float)"
        )


def _round_digits(digits: float) -> str:
    if digits < 1e6:
        return f"{int(digits):,}"
    return f"{digits:.1e}"


def _check_size(value: sympy.Expr) -> None:
    """Refuse any exact number anywhere in `value` that needs more than MAX_BITS bits."""
    for number in value.atoms(sympy.Rational):
        if max(int(number.p).bit_length(), int(number.q).bit_length()) > MAX_BITS:
            raise ExpressionError("a number in the function grows too large to work with exactly; use smaller numbers")


def _describe_forbidden(node: ast.AST) -> str:
    kind = type(node).__name__
    messages = {
        "Attribute": "a dot after a name (like x.real or os.system) is not allowed",
        "Subscript": "square brackets (indexing) are not allowed",
        "Lambda": "lambda is not allowed; type the function body itself, e.g. x^2",
        "ListComp": "comprehensions are not allowed",
        "SetComp": "comprehensions are not allowed",
        "DictComp": "comprehensions are not allowed",
        "GeneratorExp": "comprehensions are not allowed",
        "List": "lists in square brackets are not allowed",
        "Tuple": "a comma is not allowed here; use a dot for decimals (0.5)",
        "Set": "curly braces are not allowed; use parentheses",
        "Dict": "curly braces are not allowed; use parentheses",
        "Compare": "comparisons (<, >, ==) are not allowed; type only the function, e.g. x^2 + 1",
        "BoolOp": "'and' and 'or' are not allowed",
        "IfExp": "'if ... else' is not allowed; try abs(x) or relu(x) for a function with a kink",
        "NamedExpr": "':=' is not allowed",
        "JoinedStr": "text in quotes is not allowed",
        "Await": "'await' is not allowed",
        "Yield": "'yield' is not allowed",
        "YieldFrom": "'yield' is not allowed",
        "Starred": "'*' before an argument is not allowed",
        "UnaryOp": "'not' and '~' are not allowed; use - for a negative sign",
    }
    return messages.get(kind, "that is not allowed") + "; " + _FORBIDDEN_HINT
