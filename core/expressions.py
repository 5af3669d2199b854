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
import keyword
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "MAX_LENGTH",
    "MULTI_ARGUMENT_FUNCTIONS",
    "POWER_NOTATION",
    "ExpressionError",
    "parse_expression",
    "symbol",
]

MAX_LENGTH = 500  # characters; the longest lesson formula is under 150
MAX_NODES = 300  # syntax-tree nodes
MAX_DEPTH = 40  # nesting of operations and parentheses
MAX_DIGITS = 40  # in one number literal
MAX_BITS = 4096  # size of an exact integer or rational the parser will build
MAX_BARS = 40  # "|" characters; which bars open and close is found by a search this keeps small
MAX_ARGUMENTS = 4  # of max(...) and min(...)


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

#: Two-or-more-argument functions, with the bound on how many arguments they take.
MULTI_ARGUMENT_FUNCTIONS: dict[str, Callable[..., sympy.Expr]] = {"max": sympy.Max, "min": sympy.Min}

#: Functions whose textbook power notation sin^2(x) (or sin²(x)) means sin(x)^2. For others
#: (exp^2(x), sqrt^2(x), ...) the notation could also mean applying the function twice.
POWER_NOTATION = frozenset(
    {
        "sin",
        "cos",
        "tan",
        "asin",
        "acos",
        "atan",
        "arcsin",
        "arccos",
        "arctan",
        "sinh",
        "cosh",
        "tanh",
        "log",
        "ln",
        "log2",
        "log10",
    }
)

CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi, "E": sympy.E, "e": sympy.E}

# Python keywords and builtins someone might try, with the reason they fail.
_FORBIDDEN_HINT = "only numbers, variables, + - * / ^, parentheses and functions such as sin(x) are allowed"

# --- 1. characters -------------------------------------------------------------------

_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"
_SUPERSCRIPTS = str.maketrans(_SUPERSCRIPT_DIGITS, "0123456789-")
# Invisible characters pasted from web pages and word processors: dropped, so the text means what it shows.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
# Printed-formula symbols, after NFKC (which already maps full-width forms and odd spaces to ASCII).
_SYMBOLS = {"−": "-", "–": "-", "‒": "-", "×": "*", "·": "*", "⋅": "*", "∙": "*", "∗": "*", "÷": "/", "∣": "|"}


def _clean(text: str) -> str:
    """Unicode spellings to the ASCII ones (NFKC, the normalisation Python applies to names), keeping ² and π."""
    out = []
    for char in text:
        if char in _SUPERSCRIPT_DIGITS:
            out.append(char)
            continue
        if char in _INVISIBLE:
            continue
        normal = unicodedata.normalize("NFKC", char)
        if normal != char:
            name = unicodedata.name(char, "")
            if "SUPERSCRIPT" in name or name.startswith("MODIFIER LETTER SMALL"):
                raise ExpressionError(
                    f"the raised '{char}' cannot be read; write powers with ^, e.g. x^n or x^(n+1) "
                    "(only raised digits such as x² are understood)"
                )
        out.extend(_SYMBOLS.get(c, c) for c in normal)
    return "".join(out)


# --- 2. tokens --------------------------------------------------------------------

_NAME_CHAR = r"(?![π⁰¹²³⁴⁵⁶⁷⁸⁹])\w"
_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<name>(?![0-9]){_NAME_CHAR}(?:{_NAME_CHAR})*)
  | (?P<sup>[{_SUPERSCRIPT_DIGITS}]+)
  | (?P<op>\*\*|//|==|!=|<=|>=|:=|<<|>>|[-+*/^(),|√π])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass
class _Token:
    kind: str  # num, name, keyword, sup, op, other, bar_open, bar_close
    text: str
    pos: int = 0
    space: bool = False  # whitespace right before it
    radical: bool = False  # a name written as √

    def __str__(self) -> str:
        return "√" if self.radical else self.text


@dataclass
class _Group:
    kind: str  # paren, bar (|...|), call (func(...))
    items: list
    func: str = ""
    radical: bool = False

    def __str__(self) -> str:
        inner = _show(self.items)
        if self.kind == "bar":
            return f"|{inner}|"
        if self.kind == "call":
            return f"{'√' if self.radical else self.func}({inner})"
        return f"({inner})"


def _show(items) -> str:
    """Items as a student would read them (for messages)."""
    text = ""
    for item in items:
        piece = str(item)
        if text and (getattr(item, "space", False) or (text[-1].isalnum() and piece[:1].isalnum())):
            text += " "
        text += piece
    return text


def _is(item, *texts: str) -> bool:
    return isinstance(item, _Token) and item.kind == "op" and item.text in texts


def _split_glued(name: str, variables) -> list[str] | None:
    """'w1w2' -> ['w1', 'w2'] when both are variables: a subscript digit ends a name, so the split is visible.

    Letters glued to letters ('xy', 'xx') are not split: no boundary shows where one name ends.
    """
    pieces, start = [], 0
    for i in range(1, len(name)):
        if name[i - 1].isdigit() and not name[i].isdigit():
            pieces.append(name[start:i])
            start = i
    pieces.append(name[start:])
    return pieces if len(pieces) > 1 and all(p in variables for p in pieces) else None


class _Reader:
    """Turns a student's text into Python expression syntax; the allow-list walk then judges that."""

    def __init__(self, variables: Sequence[str]):
        self.variables = set(variables)
        self.callables = set(FUNCTIONS) | set(MULTI_ARGUMENT_FUNCTIONS)

    # tokens ----------------------------------------------------------------------
    def tokens(self, text: str) -> list[_Token]:
        tokens: list[_Token] = []
        space = False
        for match in _TOKEN.finditer(text):
            kind, value = match.lastgroup, match.group()
            if kind == "space":
                space = True
                continue
            if kind == "other" and value in "'\"":
                raise ExpressionError("text in quotes is not allowed; " + _FORBIDDEN_HINT)
            radical = False
            if value == "π":
                kind, value = "name", "pi"
            elif value == "√":
                kind, value, radical = "name", "sqrt", True
            elif kind == "name" and keyword.iskeyword(value):
                kind = "keyword"
            if kind == "name" and value not in self.variables:
                previous = tokens[-1] if tokens else None
                if value in ("j", "J") and previous is not None and previous.kind == "num" and not space:
                    raise ExpressionError("imaginary numbers (like 2j) are not part of this lesson")
                pieces = None if value in self.callables or value in CONSTANTS else _split_glued(value, self.variables)
                if pieces:
                    offset = match.start()
                    for n, piece in enumerate(pieces):
                        tokens.append(_Token("name", piece, offset, space and n == 0))
                        offset += len(piece)
                    space = False
                    continue
            tokens.append(_Token(kind, value, match.start(), space, radical))
            space = False
        return tokens

    def _ends_operand(self, token: _Token) -> bool:
        return (
            token.kind in ("num", "sup")
            or (token.kind == "name" and token.text not in self.callables)
            or (token.text == ")" and token.kind == "op")
        )

    @staticmethod
    def _starts_operand(token: _Token) -> bool:
        return token.kind in ("num", "name") or (token.kind == "op" and token.text in ("(", "-", "+", "|"))

    # |x| ---------------------------------------------------------------------------
    def resolve_bars(self, tokens: list[_Token], text: str) -> None:
        """Decide which '|' opens an absolute value and which closes one; refuse if that is not unique.

        A bar can open where an operand may start and close right after an operand. All readings
        that pair up (and nest with the parentheses) are searched for; exactly one must remain:
        |x - |x|| has one, |2|x| - 1| has two (|2|·x·|-1| or |2|x| - 1|), so it is refused.
        """
        bars = [i for i, t in enumerate(tokens) if t.kind == "op" and t.text == "|"]
        if not bars:
            return
        if len(bars) > MAX_BARS:
            raise ExpressionError(f"too many | bars (at most {MAX_BARS}); write abs(...) for absolute values")
        if len(bars) % 2:
            raise ExpressionError(
                "the bars | do not pair up: every |, which opens an absolute value like |x - 1|, needs one that "
                "closes it; '|' means nothing else here (write abs(...) if that is clearer)"
            )
        states: dict[tuple, list[tuple]] = {((), False): [()]}
        for i, token in enumerate(tokens):
            following = tokens[i + 1] if i + 1 < len(tokens) else None
            new: dict[tuple, list[tuple]] = {}

            def add(key, reading, new=new):
                kept = new.setdefault(key, [])
                if len(kept) < 2:
                    kept.append(reading)

            for (stack, after_operand), readings in states.items():
                if i in bars:
                    if following is not None and self._starts_operand(following):
                        for reading in readings:
                            add((stack + ("|",), False), reading + ("open",))
                    if after_operand and stack and stack[-1] == "|":
                        for reading in readings:
                            add((stack[:-1], True), reading + ("close",))
                    continue
                if token.kind == "op" and token.text == "(":
                    stack = stack + ("(",)
                elif token.kind == "op" and token.text == ")":
                    if stack and stack[-1] == "|":
                        continue  # |x) cannot pair up
                    stack = stack[:-1]
                for reading in readings:
                    add((stack, self._ends_operand(token)), reading)
            states = new
            if len(states) > 4 * MAX_BARS * MAX_BARS:
                raise ExpressionError("the | bars are too tangled to read; write abs(...) for absolute values")
        readings = [r for (stack, _), rs in states.items() if "|" not in stack for r in rs]
        if not readings:
            raise ExpressionError(
                "the bars | do not pair up into absolute values like |x - 1|; check them, or write abs(...)"
            )
        if len(readings) > 1:
            one, other = (_with_abs(text, tokens, bars, r) for r in readings[:2])
            raise ExpressionError(
                f"the bars | can be read in more than one way: as {one} or as {other}; "
                "write abs(...) for the one you mean"
            )
        for index, role in zip(bars, readings[0]):
            tokens[index].kind = "bar_" + role

    # (...) -------------------------------------------------------------------------
    @staticmethod
    def group(tokens: list[_Token]) -> list:
        opened = sum(1 for t in tokens if t.kind == "op" and t.text == "(")
        closed = sum(1 for t in tokens if t.kind == "op" and t.text == ")")
        mismatch = ExpressionError(f"the parentheses do not match: {opened} opened and {closed} closed")
        stack: list[tuple[str, list, _Token | None]] = [("top", [], None)]
        for token in tokens:
            if token.kind == "bar_open" or (token.kind == "op" and token.text == "("):
                stack.append(("bar" if token.kind == "bar_open" else "paren", [], token))
                if len(stack) - 1 > MAX_DEPTH:
                    raise ExpressionError(f"too many nested parentheses; use at most {MAX_DEPTH} levels")
            elif token.kind == "bar_close" or (token.kind == "op" and token.text == ")"):
                kind = "bar" if token.kind == "bar_close" else "paren"
                if stack[-1][0] != kind:
                    raise mismatch
                kind, items, first = stack.pop()
                group = _Group(kind, items)
                group.space = first.space
                stack[-1][1].append(group)
            else:
                stack[-1][1].append(token)
        if len(stack) != 1:
            raise mismatch
        return stack[0][1]

    # sin x, sin^2(x), √x, implicit products ------------------------------------------
    def arrange(self, items: list) -> list:
        items = [_copy_group(item, self.arrange(item.items)) if isinstance(item, _Group) else item for item in items]
        applied: list = []
        i = 0
        while i < len(items):
            item = items[i]
            if isinstance(item, _Token) and item.kind == "name" and item.text in self.callables:
                result, i = self._apply(items, i)
                applied.append(result)
            else:
                applied.append(item)
                i += 1
        return self._juxtapose(applied)

    def _is_atom(self, item) -> bool:
        if isinstance(item, _Group):
            return item.kind == "bar"
        return item.kind == "num" or (item.kind == "name" and item.text not in self.callables)

    def _apply(self, items: list, i: int):
        """A function name and what follows it: a call, a power of a call, or an argument without parentheses."""
        func: _Token = items[i]
        shown = str(func)
        following = items[i + 1] if i + 1 < len(items) else None
        if isinstance(following, _Group) and following.kind == "paren":
            return _Group("call", following.items, func.text, func.radical), i + 2
        if func.text in MULTI_ARGUMENT_FUNCTIONS:
            raise ExpressionError(f"{func.text} needs parentheses around its arguments, like {func.text}(x, 0)")
        if following is not None and (_is(following, "^", "**") or following.kind == "sup"):
            return self._power_of_call(items, i)
        if following is not None and self._is_atom(following):
            self._check_after_argument(shown, following, items, i + 2)
            return _Group("call", [following], func.text, func.radical), i + 2
        if _is(following, "-", "+"):
            raise ExpressionError(f"write {shown}({following.text}x) with parentheses around the argument")
        if isinstance(following, _Token) and following.kind == "name":
            raise ExpressionError(f"write {shown}({following}(x)) with parentheses around each argument")
        if func.radical:
            raise ExpressionError("√ needs something to take the root of, like √x or √(x + 1)")
        return func, i + 1  # the walk says "'sin' is a function: write it with parentheses"

    def _check_after_argument(self, shown: str, argument, items: list, j: int) -> None:
        """sin x may be followed by + - , or another function; anything else makes it ambiguous."""
        if j >= len(items):
            return
        after = items[j]
        if _is(after, "+", "-", ",") or (isinstance(after, _Token) and after.kind == "other"):
            return
        if isinstance(after, _Token) and after.kind == "name" and after.text in self.callables:
            return
        a = str(argument)
        if _is(after, "^", "**") or (isinstance(after, _Token) and after.kind == "sup"):
            rest = (after.text if after.kind == "sup" else "^") + (
                str(items[j + 1]) if after.kind != "sup" and j + 1 < len(items) else ""
            )
            one, other = f"{shown}({a}{rest})", f"{shown}({a}){rest}"
        elif _is(after, "*", "/"):
            rest = after.text + (str(items[j + 1]) if j + 1 < len(items) else "")
            one, other = f"{shown}({a}{rest})", f"{shown}({a}){rest}"
        else:
            b = str(after)
            one, other = f"{shown}({a} {b})", f"{shown}({a})·{b}"
        raise ExpressionError(
            f"without parentheses it is unclear how far {shown} reaches: write {one} or {other}, whichever you mean"
        )

    def _power_of_call(self, items: list, i: int):
        """sin^2(x) and sin²(x): the textbook convention sin(x)^2 (and sin^-1 is refused: it means arcsin)."""
        func: _Token = items[i]
        shown = str(func)
        marker = items[i + 1]
        if marker.kind == "sup":
            exponent, j = marker.text.translate(_SUPERSCRIPTS), i + 2
        else:
            exponent, j = None, i + 2
            nxt = items[j] if j < len(items) else None
            if isinstance(nxt, _Token) and nxt.kind == "num":
                exponent, j = nxt.text, j + 1
            elif isinstance(nxt, _Group) and nxt.kind == "paren" and len(nxt.items) == 1:
                exponent, j = str(nxt.items[0]), j + 1
            elif _is(nxt, "-") and j + 1 < len(items) and str(items[j + 1]) == "1":
                exponent, j = "-1", j + 2
        if exponent in ("-1", "-01"):
            raise ExpressionError(
                f"{shown}^-1(x) usually means the inverse function: write a{func.text}(x) for that, "
                f"or 1/{shown}(x) or {shown}(x)^-1 for the reciprocal"
                if func.text in ("sin", "cos", "tan", "sinh", "cosh", "tanh")
                else f"write 1/{shown}(x) or {shown}(x)^-1 for the reciprocal"
            )
        if exponent is None or not exponent.isdigit() or int(exponent) < 1:
            raise ExpressionError(
                f"only a whole-number power can go between {shown} and its argument (as in {shown}^2(x)); "
                f"write {shown}(x)^(...) for any other power"
            )
        if func.text not in POWER_NOTATION or func.radical:
            raise ExpressionError(
                f"{shown}^{exponent}(x) could mean {shown}(x)^{exponent} or {shown} applied {exponent} times; "
                f"write {shown}(x)^{exponent} for the power"
            )
        argument = items[j] if j < len(items) else None
        if isinstance(argument, _Group) and argument.kind == "paren":
            call = _Group("call", argument.items, func.text)
        elif argument is not None and self._is_atom(argument):
            self._check_after_argument(f"{shown}^{exponent}", argument, items, j + 1)
            call = _Group("call", [argument], func.text)
        else:
            raise ExpressionError(f"{shown}^{exponent} needs its argument in parentheses, like {shown}^{exponent}(x)")
        after = items[j + 1] if j + 1 < len(items) else None
        if _is(after, "^", "**") or (isinstance(after, _Token) and after.kind == "sup"):
            raise ExpressionError(
                f"a second power after {shown}^{exponent}(...) is unclear; write ({shown}(x)^{exponent})^... instead"
            )
        power = [call, _Token("op", "**"), _Token("num", exponent)]
        return _Group("paren", power), j + 1

    def _ends(self, item) -> bool:
        if isinstance(item, _Group):
            return True
        return item.kind in ("num", "sup") or (item.kind == "name" and item.text not in self.callables)

    @staticmethod
    def _starts(item) -> bool:
        return isinstance(item, _Group) or item.kind in ("num", "name")

    def _juxtapose(self, items: list) -> list:
        """'2x', 'x y', '(x+1)(x-1)', 'x sin(x)', '2pi': side by side means a product, as on paper."""
        out: list = []
        for item in items:
            if isinstance(item, _Token) and item.kind == "sup" and not (out and self._ends(out[-1])):
                raise ExpressionError("a raised number like ² must come right after what it raises, as in x²")
            if out and self._ends(out[-1]) and self._starts(item):
                left = out[-1]
                if isinstance(item, _Token) and item.kind == "num" and isinstance(left, _Token):
                    if left.kind == "num" and item.text.startswith(".") and not item.space:
                        raise ExpressionError(f"'{left}{item}' has two decimal points; a number has at most one")
                    if left.kind == "num":
                        raise ExpressionError(
                            f"two numbers side by side ('{left} {item}'): write {left}*{item} for a product "
                            f"or {left}{item} for one number"
                        )
                    where = "a raised power" if left.kind == "sup" else f"'{left}'"
                    raise ExpressionError(
                        f"a number after {where} is unclear: put the number first ({item}{_show(out[-2:] if left.kind == 'sup' else [left])}) "
                        "or write * between them"
                    )
                if (
                    isinstance(left, _Token)
                    and left.kind == "name"
                    and isinstance(item, _Group)
                    and item.kind == "paren"
                    and len(out) >= 2
                    and (
                        _is(out[-2], "^", "**")
                        or (_is(out[-2], "-", "+") and len(out) >= 3 and _is(out[-3], "^", "**"))
                    )
                ):
                    raise ExpressionError(
                        f"'^{left}{item}' is unclear: write ^({left}{item}) to raise to that product, "
                        f"or put the power in parentheses, (...^{left}){item}, to multiply by {item}"
                    )
                unknown = isinstance(left, _Token) and left.kind == "name" and left.text not in self.variables
                if not (unknown and left.text not in CONSTANTS and isinstance(item, _Group) and item.kind == "paren"):
                    self._check_not_after_division(out, item)
                    out.append(_Token("op", "*"))
            out.append(item)
        return out

    @staticmethod
    def _check_not_after_division(out: list, right) -> None:
        """'1/2x' is 1/(2x) on many calculators and (1/2)x in Python: refuse it rather than guess."""
        j = len(out) - 1
        while True:
            if isinstance(out[j], _Token) and out[j].kind == "sup" and j > 0:
                j -= 1
                continue
            k = j - 1
            if k >= 1 and _is(out[k], "-", "+") and _is(out[k - 1], "^", "**"):
                k -= 1
            if k >= 1 and _is(out[k], "^", "**"):
                j = k - 1
                continue
            break
        k = j - 1
        while k >= 1 and _is(out[k], "-", "+") and isinstance(out[k - 1], _Token) and out[k - 1].kind == "op":
            k -= 1
        if k >= 0 and _is(out[k], "/"):
            start = k - 1
            left, right_text = _show(out[start:k]), _show(out[k + 1 :])
            factor = f"{right_text}{'' if right_text[-1:] in ')|' or str(right)[:1] in '(|' else ' '}{right}"
            raise ExpressionError(
                f"'{left}/{factor}' is unclear: write ({left}/{right_text}){right} or {left}/({factor}), "
                "whichever you mean"
            )


def _copy_group(group: _Group, items: list) -> _Group:
    copy = _Group(group.kind, items, group.func, group.radical)
    copy.space = getattr(group, "space", False)
    return copy


def _with_abs(text: str, tokens: list[_Token], bars: list[int], reading: tuple) -> str:
    """The text with each bar replaced by abs( or ), for a message."""
    chars = list(text)
    for index, role in zip(bars, reading):
        chars[tokens[index].pos] = "abs(" if role == "open" else ")"
    return "".join(chars).strip()


def _python(items: list) -> str:
    """Python expression syntax for arranged items (tokens separated by spaces, so nothing glues)."""
    parts = []
    for item in items:
        if isinstance(item, _Group):
            prefix = {"bar": "abs", "call": item.func}.get(item.kind, "")
            parts.append(f"{prefix}({_python(item.items)})")
        elif item.kind == "sup":
            exponent = item.text.translate(_SUPERSCRIPTS)
            if not re.fullmatch(r"-?[0-9]+", exponent):
                raise ExpressionError(f"the raised '{item.text}' is not a number; write x^(...) instead")
            parts.append(f"**({exponent})")
        elif item.kind == "op" and item.text == "^":
            parts.append("**")
        else:
            parts.append(item.text)
    return " ".join(parts)


def _depth(items: list) -> int:
    return max((1 + _depth(i.items) for i in items if isinstance(i, _Group)), default=0)


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
        raise ExpressionError(f"that is {len(stripped):,} characters; keep the function under {MAX_LENGTH} characters")
    if _max_paren_depth(stripped) > MAX_DEPTH:
        raise ExpressionError(f"too many nested parentheses; use at most {MAX_DEPTH} levels")
    cleaned = _clean(stripped).strip()
    if not cleaned:
        raise ExpressionError("the function is empty: type one, for example x^2")
    if len(cleaned) > MAX_LENGTH:
        raise ExpressionError(f"that is {len(cleaned):,} characters once spelled out; keep it under {MAX_LENGTH}")
    reader = _Reader(variables)
    tokens = reader.tokens(cleaned)
    if tokens and tokens[-1].kind == "op" and tokens[-1].text == "=" or cleaned.endswith("="):
        raise ExpressionError("remove the '=' at the end: type only the function, e.g. x^2 + 1")
    reader.resolve_bars(tokens, cleaned)
    arranged = reader.arrange(reader.group(tokens))
    if _depth(arranged) > MAX_DEPTH:
        raise ExpressionError(f"the function nests too deeply; use at most {MAX_DEPTH} levels")
    source = _python(arranged)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise ExpressionError(_syntax_message(cleaned, error)) from None
    except (ValueError, MemoryError, RecursionError):
        raise ExpressionError("the function could not be read; " + _FORBIDDEN_HINT) from None
    return _Builder(variables).build(tree)


def _syntax_message(text: str, error: SyntaxError) -> str:
    if text.count("(") != text.count(")"):
        opened, closed = text.count("("), text.count(")")
        return f"the parentheses do not match: {opened} opened and {closed} closed"
    if re.search(r"(?<![=<>!:])=(?!=)", text):
        right = text.rsplit("=", 1)[1].strip() or "x^2 + 1"
        return f"type only the right-hand side, without '=': for example {right}"
    if ":=" in text:
        return "':=' is not allowed; type only the function, e.g. x^2 + 1"
    if re.search(r"!(?!=)", text):
        return "'!' (factorial) is not part of this lesson; write the product out, for example x*(x - 1)*(x - 2)"
    if re.search(r"[=<>!]", text):
        return "comparisons (<, >, ==) are not allowed; type only the function, e.g. x^2 + 1"
    if re.search(r"[+\-*/^]\s*$", text):
        return "the function ends with an operator; something is missing after it"
    if "," in text:
        return "a comma is not allowed here; use a dot for decimals (0.5), and commas only in max(x, 0) or min(x, 0)"
    return "this is not a formula the app can read; check for a missing operator or parenthesis"


def _same_level(inner: ast.operator, outer: ast.operator) -> bool:
    sums, products = (ast.Add, ast.Sub), (ast.Mult, ast.Div)
    return (isinstance(inner, sums) and isinstance(outer, sums)) or (
        isinstance(inner, products) and isinstance(outer, products)
    )


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
        allowed = list(self.variables) + list(FUNCTIONS) + list(MULTI_ARGUMENT_FUNCTIONS) + ["pi", "E"]
        guess = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = f" — did you mean {guess[0]}?" if guess else ""
        # "sinx" or "xy": a function or variables glued together.
        for func in FUNCTIONS:
            rest = name[len(func) :]
            if name.startswith(func) and rest in self.variables:
                hint = f" — write {func}({rest}) with parentheses"
        if not guess and len(name) > 1 and all(c in self.variables for c in name):
            hint = " — write " + "*".join(name) + " (or " + " ".join(name) + ") for a product"
        stem = name.rstrip("0123456789")
        if stem != name and stem and (stem in self.variables or stem in CONSTANTS):
            digits = name[len(stem) :]
            hint = f" — write {stem}^{digits} for a power or {digits}{stem} for a product"
        for func in FUNCTIONS:
            if name.endswith(func) and name[: -len(func)] in self.variables:
                hint = f" — write {name[: -len(func)]}*{func}(...) with parentheses"
        names = ", ".join(self.variables) or "no variables"
        stop = "" if hint.endswith("?") else "."
        return (
            f"unknown name '{name}'{hint}{stop} This function may use {names}, pi, E and functions like sin, exp, log"
        )

    def _visit_UnaryOp(self, node: ast.UnaryOp, depth: int) -> sympy.Expr:
        operand = self._visit(node.operand, depth)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise ExpressionError(_describe_forbidden(node))

    def _visit_BinOp(self, node: ast.BinOp, depth: int) -> sympy.Expr:
        # a + b + c + … is one flat sum on paper, however long: a chain of the same kind of operation
        # does not count as nesting (the node budget bounds its length).
        chained = isinstance(node.left, ast.BinOp) and _same_level(node.left.op, node.op)
        left = self._visit(node.left, depth - 1 if chained else depth)
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
        symbol_of = {
            ast.FloorDiv: "//",
            ast.Mod: "%",
            ast.MatMult: "@",
            ast.LShift: "<<",
            ast.RShift: ">>",
            ast.BitOr: "|",
            ast.BitAnd: "&",
        }
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
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise ExpressionError(_describe_forbidden(ast.Starred()))
        if name in MULTI_ARGUMENT_FUNCTIONS:
            if not 2 <= len(node.args) <= MAX_ARGUMENTS:
                raise ExpressionError(
                    f"{name}(...) takes 2 to {MAX_ARGUMENTS} arguments separated by commas, like "
                    f"{name}({self._example}, 0)"
                )
            return MULTI_ARGUMENT_FUNCTIONS[name](*(self._visit(arg, depth) for arg in node.args))
        if name not in FUNCTIONS:
            raise ExpressionError(self._unknown_name_message(name))
        if len(node.args) != 1:
            if name in ("log", "ln") and len(node.args) == 2:
                raise ExpressionError(
                    f"{name}(...) takes one argument: {name}(x) is the natural logarithm; for another base "
                    "write log2(x), log10(x) or log(x)/log(b)"
                )
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
        exact = exponent.is_Rational and _is_algebraic(base)
        if exact or (base == sympy.E and exponent.has(sympy.log)):
            _check_exact_power(base, exponent)
    if exponent.is_number and exponent.is_Rational and abs(exponent) > 10**6:
        raise ExpressionError("the exponent is too large; keep exponents under a million")
    return sympy.Pow(base, exponent)


def _is_algebraic(value: sympy.Expr) -> bool:
    """sympy's is_algebraic, treating a failed query as "no": cosh(acos(2)**2).is_algebraic recurses
    without end in sympy 1.14 (RecursionError), and such a number is never an exact power to refuse."""
    try:
        return value.is_algebraic is True
    except (RecursionError, TypeError, ValueError, AttributeError):
        return False


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
