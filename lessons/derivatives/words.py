"""Sentences and aligned text that explain the numbers on the Derivatives page."""

from __future__ import annotations

import math

from core.derivatives import ORDER, Microscope, direction
from core.numeric import COMPLEX_DTYPES, exact_decimal, finfo, to_bits
from ui.numbers import DIGITS, error, number, percent


def error_model_terms(method: str) -> tuple[str, str]:
    """(truncation, round-off) of core.derivatives.ErrorModel for `method`, as the chart's caption states them."""
    truncation = "h·|f″|/2" if ORDER[method] == 1 else "h²·|f‴|/6"
    roundoff = "none (nothing is subtracted, nothing cancels)" if method == "complex-step" else "ε·|f|/h"
    return truncation, roundoff


#: What each method subtracts: the two values whose leading digits cancel.
_DIFFERENCE = {
    "forward": "f({w} + h) and f({w})",
    "backward": "f({w}) and f({w} − h)",
    "central": "f({w} + h) and f({w} − h)",
    "complex-step": "f({w} + ih) and f({w})",
}


def verdict(
    m: Microscope, exact: float, variable: str = "w", method: str = "forward", estimate: float | None = None
) -> tuple[str, str]:
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
            return "error", (
                f"In {name} f({variable}) is larger than the largest {name} ({float(finfo(name).max):.4g}), "
                "so it is stored as inf, and inf − inf is NaN (not a number)."
            )
        if math.isnan(m.f_x) or math.isnan(m.f_x_plus_h):
            return "error", f"In {name} the function itself gives NaN at these points, so the estimate is NaN too."
        return "error", f"In {name} the estimate is NaN (not a number): the formula divided 0 by 0 or inf by inf."
    if math.isinf(estimate):
        if not (math.isfinite(m.f_x) and math.isfinite(m.f_x_plus_h)):
            return "error", (
                f"In {name} f({variable}) or f({variable} + h) is infinite: the function is larger than the largest "
                f"{name} ({float(finfo(name).max):.4g}) there, or divides by zero, so the estimate is {number(estimate)}."
            )
        return "error", (
            f"In {name} the rise divided by h overflowed to {number(estimate)}: the quotient is larger "
            f"than the largest {name} ({float(finfo(name).max):.4g})."
        )
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
            return (
                "warning",
                f"In {name} the estimate {number(estimate, name)} is off by {relative:.0%}: h is far from its best value.",
            )
        if off == 0:
            return "success", f"In {name} the estimate {number(estimate, name)} is exactly the true slope."
        return "success", (
            f"In {name} the estimate {number(estimate, name)} is off by {error(off)}, "
            f"{percent(relative)} of the true slope."
        )
    return "info", f"In {name} the estimate is {number(estimate, name)}; the true slope here is 0."


def verdicts(
    scopes, exact: float, variable: str = "w", method: str = "forward", estimates: dict[str, float] | None = None
) -> dict[str, list[str]]:
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
        return (
            f"The slope is positive ({number(slope)}): uphill is to the right, so **decrease {variable}** (step left)."
        )
    if step > 0:
        return (
            f"The slope is negative ({number(slope)}): uphill is to the left, so **increase {variable}** (step right)."
        )
    return f"The slope is {number(slope)}: no direction is downhill here — a flat spot (a minimum, maximum or saddle), or a broken estimate."


# --- when a precision cannot run the method --------------------------------------------


def unavailable(method: str, *, analytic: bool) -> str:
    """Why some precisions show no estimate (only the complex step can be unavailable)."""
    if not analytic:
        return (
            "The complex step needs a function that extends smoothly to complex numbers; abs, sign, relu, max "
            "and min do not (the modulus of a complex number has no imaginary part), so it cannot estimate this slope."
        )
    return (
        f"The complex step needs a complex number type; only {' and '.join(COMPLEX_DTYPES)} have one, "
        "so float16 and bfloat16 show as unavailable."
    )
