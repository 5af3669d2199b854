"""The Partials and gradients lesson's widget keys, declared once: each is also its URL parameter.

A shared link stores every control under its key, so these strings are the lesson's public
address format: renaming one breaks old links. Tests and benchmarks import them from here.
"""

C = "g_c"
F = "g_f"
H = "g_h"
LAND = "g_land"
M = "g_m"
MANY = "g_many"
NOISE = "g_noise"
Q1 = "g_q1"
R = "g_r"
SEED = "g_seed"
TAB = "g_tab"
X0 = "g_x0"
Y0 = "g_y0"

ALL = (
    C,
    F,
    H,
    LAND,
    M,
    MANY,
    NOISE,
    Q1,
    R,
    SEED,
    TAB,
    X0,
    Y0,
)
