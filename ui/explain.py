"""Sentences and aligned text that explain the numbers on the Derivatives page."""

from __future__ import annotations

import math

from core.derivatives import ORDER, Microscope, Slope, direction
from core.numeric import COMPLEX_DTYPES, DTYPES, exact_decimal, finfo, to_bits

# Significant decimal digits that identify a value of each format (max_digits10).
DIGITS = {"float64": 17, "float32": 9, "float16": 5, "bfloat16": 4}


def number(value: float, dtype: str = "float64") -> str:
    """The shortest digits that identify `value` in its format (as numpy prints it)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "−inf"
    return str(DTYPES[dtype].type(value))


def error(value: float) -> str:
    """An error to three significant digits; exact zero stays 0."""
    if value == 0:
        return "0"
    return number(value) if not math.isfinite(value) else f"{value:.3g}"


def error_model_terms(method: str) -> tuple[str, str]:
    """(truncation, round-off) of core.derivatives.ErrorModel for `method`, as the chart's caption states them."""
    truncation = "h·|f″|/2" if ORDER[method] == 1 else "h²·|f‴|/6"
    roundoff = "none (nothing is subtracted, nothing cancels)" if method == "complex-step" else "ε·|f|/h"
    return truncation, roundoff


def percent(fraction: float) -> str:
    """A relative error as a percentage a class can read: 0.17 %, 3.3e-08 %."""
    value = 100 * fraction
    return f"{value:.2g} %" if value >= 0.01 else f"{value:.1e} %"


#: What each method subtracts: the two values whose leading digits cancel.
_DIFFERENCE = {
    "forward": "f({w} + h) and f({w})",
    "backward": "f({w}) and f({w} − h)",
    "central": "f({w} + h) and f({w} − h)",
    "complex-step": "f({w} + ih) and f({w})",
}


def verdict(m: Microscope, exact: float, variable: str = "w", method: str = "forward",
            estimate: float | None = None) -> tuple[str, str]:
    """(severity, sentence) for one precision's estimate.

    `m` is the forward-difference microscope at the same point, h and dtype
    (it knows whether h rounded to 0 and whether w + h == w); `estimate` is
    the `method`'s own estimate (the microscope's for the forward difference).
    """
    name = m.dtype
    estimate = m.estimate if estimate is None else estimate
    if m.h_underflowed:
        return "error", (
            f"In {name}, h itself rounds to 0: the smallest positive {name} is larger than this h. "
            f"The estimate is 0/0 = NaN — not a number at all."
        )
    if math.isnan(estimate):
        if math.isinf(m.f_x) or math.isinf(m.f_x_plus_h):
            return "error", (f"In {name} f({variable}) is larger than the largest {name} ({float(finfo(name).max):.4g}), "
                             "so it is stored as inf, and inf − inf is NaN (not a number).")
        if math.isnan(m.f_x) or math.isnan(m.f_x_plus_h):
            return "error", f"In {name} the function itself gives NaN at these points, so the estimate is NaN too."
        return "error", f"In {name} the estimate is NaN (not a number): the formula divided 0 by 0 or inf by inf."
    if math.isinf(estimate):
        if not (math.isfinite(m.f_x) and math.isfinite(m.f_x_plus_h)):
            return "error", (
                f"In {name} f({variable}) or f({variable} + h) is infinite: the function is larger than the largest "
                f"{name} ({float(finfo(name).max):.4g}) there, or divides by zero, so the estimate is {number(estimate)}."
            )
        return "error", (f"In {name} the rise divided by h overflowed to {number(estimate)}: the quotient is larger "
                         f"than the largest {name} ({float(finfo(name).max):.4g}).")
    if estimate == 0 and exact != 0:
        if m.step_vanished:
            sign = {"backward": "−", "central": "±"}.get(method, "+")
            return "error", (
                f"{variable} {sign} h == {variable} in {name}: the rise is exactly 0, so the machine thinks the ground "
                f"is flat (the true slope is {number(exact)}). h is under half the gap between neighbouring "
                f"{name} numbers at {variable} = {number(m.x, name)}."
            )
        if m.f_x == 0 and m.f_x_plus_h == 0:
            tiny = float(finfo(name).smallest_subnormal)
            return "error", (
                f"In {name} f({variable}) and f({variable} + h) are both exactly 0: the function's values here are "
                f"too small for {name} (under its smallest number, {tiny:.3g}) or are truly 0, so the rise is 0 and the "
                f"estimate 0. The true slope is {number(exact)}."
            )
        pair = _DIFFERENCE[method].format(w=variable)
        return "error", (
            f"In {name} {pair} round to the same number: the rise cancels to exactly 0 "
            f"and the machine thinks the ground is flat. The true slope is {number(exact)}."
        )
    if exact != 0:
        off = abs(estimate - exact)
        relative = off / abs(exact)
        if relative > 0.1:
            return "warning", f"In {name} the estimate {number(estimate, name)} is off by {relative:.0%}: h is far from its best value."
        if off == 0:
            return "success", f"In {name} the estimate {number(estimate, name)} is exactly the true slope."
        return "success", (f"In {name} the estimate {number(estimate, name)} is off by {error(off)}, "
                           f"{percent(relative)} of the true slope.")
    return "info", f"In {name} the estimate is {number(estimate, name)}; the true slope here is 0."


def verdicts(scopes, exact: float, variable: str = "w", method: str = "forward",
             estimates: dict[str, float] | None = None) -> dict[str, list[str]]:
    """The verdict sentences grouped by severity, worst first, for one box each.

    `estimates` (by dtype) are the `method`'s estimates; without them, the
    microscopes' forward differences. Precisions missing from `estimates`
    (the complex step in float16) get no sentence.
    """
    grouped: dict[str, list[str]] = {}
    for scope in scopes:
        if estimates is not None and scope.dtype not in estimates:
            continue
        estimate = None if estimates is None else estimates[scope.dtype]
        severity, sentence = verdict(scope, exact, variable, method, estimate)
        grouped.setdefault(severity, []).append(sentence)
    order = ["error", "warning", "info", "success"]
    return {k: grouped[k] for k in order if k in grouped}


def _aligned(values: list[float], dtype: str) -> list[str]:
    """Fixed-point strings with a common number of decimals, so digits line up."""
    finite = [abs(v) for v in values if math.isfinite(v) and v != 0]
    top = max(finite, default=1.0)
    decimals = max(DIGITS[dtype] - 1 - math.floor(math.log10(top)), 0)
    decimals = min(decimals, 40)
    return [f"{v:+.{decimals}f}" if math.isfinite(v) else number(v) for v in values]


def _shared_prefix(a: str, b: str) -> int:
    count = 0
    for ca, cb in zip(a, b):
        if ca != cb:
            break
        count += 1
    return count


def microscope_text(m: Microscope, variable: str = "w") -> str:
    """The forward difference as stored in one precision, digit by digit."""
    w, wh = variable, f"{variable} + h"
    sign, exponent, mantissa = to_bits(m.x, m.dtype)
    sign2, exponent2, mantissa2 = to_bits(m.x_plus_h, m.dtype)
    hs, he, hm = to_bits(m.h, m.dtype)
    width = len(exponent) + 1
    lines = [
        f"{m.dtype}: every number below is the value actually stored",
        "",
        f"{'':10}{'sign':<6}{'exponent':<{width}}mantissa",
        f"{w:<10}{sign:<6}{exponent:<{width}}{mantissa}",
        f"{'h':<10}{hs:<6}{he:<{width}}{hm}",
        f"{wh:<10}{sign2:<6}{exponent2:<{width}}{mantissa2}",
        *([f"{'':10}↑ {wh} is bit for bit {w}: h vanished"] if m.step_vanished else []),
        "",
        f"{w:<10}= {_trim(exact_decimal(m.x))}",
        f"{'h':<10}= {_trim(exact_decimal(m.h))}",
        f"{wh:<10}= {_trim(exact_decimal(m.x_plus_h))}",
        "",
    ]
    above, below, rise = _aligned([m.f_x_plus_h, m.f_x, m.rise], m.dtype)
    shared = _shared_prefix(above, below)
    significant_shared = len(above[:shared].lstrip("+-0.").replace(".", ""))
    lines += [
        f"{'f(' + wh + ')':<12}= {above}",
        f"{'f(' + w + ')':<12}= {below}",
    ]
    if shared > 1:
        lines.append(f"{'':14}{'^' * (shared - 1)}  {significant_shared} leading digits are the same and cancel")
    lines += [
        f"{'rise':<12}= {rise}",
        f"{'rise / h':<12}= {number(m.estimate, m.dtype)}",
    ]
    return "\n".join(lines)


def _trim(digits: str, keep: int = 40) -> str:
    return digits if len(digits) <= keep else digits[:keep] + "…"


def direction_sentence(slope: float, variable: str = "w") -> str:
    step = direction(slope)
    if step < 0:
        return f"The slope is positive ({number(slope)}): uphill is to the right, so **decrease {variable}** (step left)."
    if step > 0:
        return f"The slope is negative ({number(slope)}): uphill is to the left, so **increase {variable}** (step right)."
    return f"The slope is {number(slope)}: no direction is downhill here — a flat spot (a minimum, maximum or saddle), or a broken estimate."


# --- when the exact derivative does not exist -------------------------------------------


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
    return {"outside": "undefined", "pole": "none (pole)", "undefined": "undefined", "infinite": "±inf (vertical)",
            "jump": "none (jump)", "kink": "none (kink)", "edge": "one-sided only", "unknown": "not decided"}[s.kind]


def estimates_what(s: Slope, method: str) -> str | None:
    """At a kink, what a difference quotient estimates instead: one side, or their average."""
    if s.kind != "kink" or s.left is None or s.right is None:
        return None
    target = {"forward": ("the slope on the right", s.right), "backward": ("the slope on the left", s.left),
              "central": ("the average of the two sides", (s.left + s.right) / 2)}.get(method)
    if target is None:
        return None
    return f"The {method} difference estimates {target[0]}, {number(target[1])}, not a derivative."


def unavailable(method: str, *, analytic: bool) -> str:
    """Why some precisions show no estimate (only the complex step can be unavailable)."""
    if not analytic:
        return ("The complex step needs a function that extends smoothly to complex numbers; abs, sign, relu, max "
                "and min do not (the modulus of a complex number has no imaginary part), so it cannot estimate this slope.")
    return (f"The complex step needs a complex number type; only {' and '.join(COMPLEX_DTYPES)} have one, "
            "so float16 and bfloat16 show as unavailable.")
