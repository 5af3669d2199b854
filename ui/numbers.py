"""Numbers as a student reads them: the shortest digits that identify a value in its own format."""

from __future__ import annotations

import math

from core.numeric import DTYPES

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


def percent(fraction: float) -> str:
    """A relative error as a percentage a class can read: 0.17 %, 3.3e-08 %."""
    value = 100 * fraction
    return f"{value:.2g} %" if value >= 0.01 else f"{value:.1e} %"
