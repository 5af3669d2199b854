"""The Chain rule lesson's widget keys, declared once: each is also its URL parameter.

A shared link stores every control under its key, so these strings are the lesson's public
address format: renaming one breaks old links. Tests and benchmarks import them from here.
"""

ACT = "c_act"
ACTS = "c_acts"
DEPTH = "c_depth"
F = "c_f"
GX = "c_gx"
GY = "c_gy"
INNER = "c_inner"
LAYERS = "c_layers"
OUTER = "c_outer"
Q1 = "c_q1"
SCALES = "c_scales"
SOURCE = "c_source"
STEP = "c_step"
TAB = "c_tab"
X = "c_x"

ALL = (
    ACT,
    ACTS,
    DEPTH,
    F,
    GX,
    GY,
    INNER,
    LAYERS,
    OUTER,
    Q1,
    SCALES,
    SOURCE,
    STEP,
    TAB,
    X,
)
