"""The Derivatives lesson's widget keys, declared once: each is also its URL parameter.

A shared link stores every control under its key, so these strings are the lesson's public
address format: renaming one breaks old links. Tests and benchmarks import them from here.
"""

DTYPES = "d_dtypes"
F = "d_f"
H = "d_h"
METHOD = "d_method"
Q1 = "d_q1"
Q1_SHOW = "d_q1_show"
TAB = "d_tab"
TRY_SECOND = "d_try_second"
W = "d_w"

ALL = (
    DTYPES,
    F,
    H,
    METHOD,
    Q1,
    Q1_SHOW,
    TAB,
    TRY_SECOND,
    W,
)
