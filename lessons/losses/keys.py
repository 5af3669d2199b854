"""The Loss functions lesson's widget keys, declared once: each is also its URL parameter.

A shared link stores every control under its key, so these strings are the lesson's public
address format: renaming one breaks old links. Tests and benchmarks import them from here.
"""

DATA_LOSS = "l_data_loss"
DELTA = "l_delta"
DTYPE = "l_dtype"
EXAMPLE = "l_example"
FIT_EXAMPLE = "l_fit_example"
GALLERY = "l_gallery"
MISS = "l_miss"
OUTLIER = "l_outlier"
PCAT = "l_pcat"
Q1 = "l_q1"
Q2 = "l_q2"
SIDE = "l_side"
TAB = "l_tab"
TARGET = "l_target"
TRUTH = "l_truth"
Z = "l_z"

ALL = (
    DATA_LOSS,
    DELTA,
    DTYPE,
    EXAMPLE,
    FIT_EXAMPLE,
    GALLERY,
    MISS,
    OUTLIER,
    PCAT,
    Q1,
    Q2,
    SIDE,
    TAB,
    TARGET,
    TRUTH,
    Z,
)
