"""Words for a derivative that does not exist at a point (core.derivatives.Slope), shared by the lessons."""

from __future__ import annotations

from core.derivatives import Slope
from ui.numbers import number


def _side(value: float | None) -> str:
    return "undefined" if value is None else number(value)


def no_slope(s: Slope, function: str, variable: str, x: float) -> str:
    """Why there is no exact slope of `function` at `variable` = `x`, in words a class can read."""
    at = f"{variable} = {x:g}"
    f = f"**{function}**"
    pytorch = "" if s.pytorch is None else f"; PyTorch's backward() returns {number(s.pytorch)} there"
    sentences = {
        "outside": f"{f} is not a real number at {at}: the point is outside the function's domain, so there is no "
        f"slope to estimate. Move {variable} to where the function is defined.",
        "pole": f"{f} is infinite at {at} (like 1/0 or log 0), so it has no slope at this point.",
        "undefined": f"{f} has no value at {at} (0/0 or a limit that does not exist), so it has no slope there.",
        "infinite": f"{f} has a vertical tangent at {at}: the slope is infinite, not a number a step can follow.",
        "jump": f"{f} jumps at {at}, so it has no derivative there{pytorch}.",
        "kink": f"{f} has no derivative at {at}: the slope is {_side(s.left)} on the left and {_side(s.right)} on the "
        f"right{pytorch}.",
        "edge": f"{f} is defined only on the {'right' if s.left is None else 'left'} of {at}, where its slope is "
        f"{_side(s.right if s.left is None else s.left)}; a two-sided derivative does not exist{pytorch}.",
        "unknown": f"Deciding whether {f} has a derivative at {at} took too long and was stopped; "
        "the numbers below are float64 evaluations of sympy's formula, not checked.",
    }
    return sentences[s.kind]


def slope_label(s: Slope) -> str:
    """The exact slope as a metric shows it: its digits, or what it is instead of a number."""
    if s.kind == "fine":
        return f"{s.magnitude} (beyond float64)" if s.overflow else number(s.value)
    return {
        "outside": "undefined",
        "pole": "none (pole)",
        "undefined": "undefined",
        "infinite": "±inf (vertical)",
        "jump": "none (jump)",
        "kink": "none (kink)",
        "edge": "one-sided only",
        "unknown": "not decided",
    }[s.kind]


def estimates_what(s: Slope, method: str) -> str | None:
    """At a kink, what a difference quotient estimates instead: one side, or their average."""
    if s.kind != "kink" or s.left is None or s.right is None:
        return None
    target = {
        "forward": ("the slope on the right", s.right),
        "backward": ("the slope on the left", s.left),
        "central": ("the average of the two sides", (s.left + s.right) / 2),
    }.get(method)
    if target is None:
        return None
    return f"The {method} difference estimates {target[0]}, {number(target[1])}, not a derivative."
