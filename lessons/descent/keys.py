"""The Gradient descent lesson's widget keys, declared once: each is also its URL parameter.

A shared link stores every control under its key, so these strings are the lesson's public
address format: renaming one breaks old links. Tests and benchmarks import them from here.
"""

BATCH = "gd_batch"
BSEED = "gd_bseed"
DTYPES = "gd_dtypes"
EPOCHS = "gd_epochs"
F = "gd_f"
H = "gd_h"
LAND = "gd_land"
LINE_STEPS = "gd_line_steps"
LINE_UPTO = "gd_line_upto"
LR1 = "gd_lr1"
LR_LINE = "gd_lr_line"
NOISE = "gd_noise"
OPTS = "gd_opts"
P16 = "gd_p16"
P32 = "gd_p32"
P64 = "gd_p64"
PLAY = "gd_play"
Q1 = "gd_q1"
Q1_SHOW = "gd_q1_show"
R = "gd_r"
SEED = "gd_seed"
STEPS = "gd_steps"
SX = "gd_sx"
SY = "gd_sy"
TAB = "gd_tab"
UPTO = "gd_upto"
X0_1 = "gd_x0_1"

ALL = (
    BATCH,
    BSEED,
    DTYPES,
    EPOCHS,
    F,
    H,
    LAND,
    LINE_STEPS,
    LINE_UPTO,
    LR1,
    LR_LINE,
    NOISE,
    OPTS,
    P16,
    P32,
    P64,
    PLAY,
    Q1,
    Q1_SHOW,
    R,
    SEED,
    STEPS,
    SX,
    SY,
    TAB,
    UPTO,
    X0_1,
)
