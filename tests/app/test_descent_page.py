"""AppTest of the Gradient descent page.

Expected numbers come from the course text 003_60e70961f102b1f1.txt ("x = 10  # Start somewhere",
"learning_rate = 0.1", "for i in range(20):"): the loop on x² from 10 at
learning rate 0.1 ends at 10·0.8²⁰ ≈ 0.1153; on w² the update is w ← (1 − 2η)w.
"""

import io
import json

from tests.conftest import no_exception
from ui import landscape as cg

PAGE = "lessons/descent/page.py"
TWO = "Two weights: optimizers"


def texts(elements) -> str:
    return "\n".join(e.value for e in elements)


def chart_rows(at) -> list[int]:
    import pyarrow as pa

    rows = []
    for chart in at.get("vega_lite_chart"):
        proto = chart.proto
        total = sum(pa.ipc.open_stream(io.BytesIO(d.data.data)).read_all().num_rows for d in proto.datasets)
        total += sum(len(v) for v in json.loads(proto.spec).get("datasets", {}).values() if isinstance(v, list))
        rows.append(total)
    return rows


def test_course_loop_prints_twenty_epochs(open_page):
    at = open_page(PAGE)
    no_exception(at)
    printed = at.dataframe[0].value["printed"].tolist()
    assert printed[0] == "Epoch 1: x = 8.0000, f(x) = 64.0000"
    assert printed[-1] == "Epoch 20: x = 0.1153, f(x) = 0.0133"  # 10·0.8²⁰ = 0.11529…
    assert "1 − 2·0.1 = 0.8" in texts(at.success)
    assert len(at.get("vega_lite_chart")) == 2  # the curve with its steps, and the learning-rate regimes


def test_learning_rate_regimes_and_divergence_in_words(open_page):
    at = open_page(PAGE)
    at.select_slider(key="gd_lr1").set_value(0.75).run()
    no_exception(at)
    assert "oscillates and converges" in texts(at.warning)
    at.select_slider(key="gd_lr1").set_value(1.1).run()
    no_exception(at)
    words = texts(at.error)
    assert "|x| grows 1.2× every step — it diverges" in words
    assert "Diverged." in words and "overflowed to inf" in words and "NaN" in words
    assert at.dataframe[0].value["printed"].tolist()[0] == "Epoch 1: x = -12.0000, f(x) = 144.0000"


def test_the_loop_that_dies(open_page):
    at = open_page(PAGE, query={"gd_tab": "The loop that dies"})
    no_exception(at)
    assert at.select_slider(key="gd_h").value == 1e-17
    errors = texts(at.error)
    for dtype in ("float64", "float32"):
        assert f"**forward difference, {dtype}** — Stalled at step 1: estimated slope 0, true slope 6." in errors
    at.button(key="gd_p32").click().run()  # h = 1e-8: fine in float64, dead in float32
    no_exception(at)
    assert at.select_slider(key="gd_h").value == 1e-8
    assert "float64** — Stalled" not in texts(at.error) and "float32** — Stalled at step 1" in texts(at.error)
    at.button(key="gd_p16").click().run()
    assert "rounds to 0 in float16, so the estimate is 0/0 = NaN" in texts(at.error)


def test_changed_optimizer_and_learning_rate(open_page):
    at = open_page(PAGE, query={"gd_tab": TWO})
    no_exception(at)
    assert "Adam (lr 0.1)" in texts(at.success) + texts(at.info)
    at.button_group(key="gd_opts").set_value(["rmsprop", "nesterov"]).run()
    no_exception(at)
    at.select_slider(key="gd_lr_rmsprop").set_value(0.05).run()
    no_exception(at)
    shown = texts(at.success) + texts(at.info) + texts(at.error)
    assert "RMSprop (lr 0.05)" in shown and "Nesterov momentum (lr 0.005)" in shown and "Adam" not in shown
    assert at.select_slider(key="gd_rmsprop_alpha").value == 0.99  # torch's default
    at.select_slider(key="gd_lr_nesterov").set_value(2.0).run()  # far too large on the ravine
    no_exception(at)
    assert "Nesterov momentum (lr 2)** — At step" in texts(at.error)
    assert all(rows <= 2000 for rows in chart_rows(at))


def test_himmelblau_and_the_step_slider(open_page):
    at = open_page(PAGE, query={"gd_tab": TWO})
    at.selectbox(key="gd_land").set_value("himmelblau").run()
    no_exception(at)
    assert (at.number_input(key="gd_sx").value, at.number_input(key="gd_sy").value) == (0.0, 0.0)
    at.slider(key="gd_upto").set_value(10).run()
    no_exception(at)
    assert any("step 10 of" in p.proto.text for p in at.get("progress"))


def test_typed_function_and_a_bad_one(open_page):
    at = open_page(
        PAGE, query={"gd_tab": TWO, "gd_land": cg.choice_title(cg.TYPED)}
    )  # a selectbox keeps its label in the URL
    at.text_input(key="gd_f").input("(x - 1)^2 + (y + 2)^2").run()
    no_exception(at)
    assert "Converged" in texts(at.success)
    at.text_input(key="gd_f").input("sine(x)").run()
    no_exception(at)
    assert "did you mean sin" in texts(at.error)


def test_linear_regression_full_and_mini_batch(open_page):
    at = open_page(PAGE, query={"gd_tab": "Linear regression learning"})
    no_exception(at)
    shown = texts(at.info) + texts(at.success)
    assert "full batch (12 points)" in shown and "mini-batch of 3" in shown
    at.select_slider(key="gd_batch").set_value(12).run()
    no_exception(at)
    assert "mini-batch" not in texts(at.info) + texts(at.success)
    assert all(rows <= 2000 for rows in chart_rows(at))


def test_predict_then_reveal(open_page):
    at = open_page(PAGE)
    at.radio(key="gd_q1__guess").set_value(1).run()  # "oscillates but gets there"
    at.button(key="gd_q1__reveal").click().run()
    no_exception(at)
    assert any("the answer is **It overshoots further every step" in w.value for w in at.warning)
    assert any("1 − 2·1.1 = **−1.2**" in m.value and "NaN" in m.value for m in at.markdown)


def test_show_code_has_descend_and_torch(open_page):
    at = open_page(PAGE)
    code = "\n".join(c.value for c in at.code)
    assert "def descend(" in code and "def adam(" in code and "torch.optim.Adam([w], lr=0.01" in code


def test_step_slider_from_the_address_and_fewer_steps(open_page):
    at = open_page(PAGE, query={"gd_tab": TWO, "gd_upto": "7"})
    no_exception(at)
    assert at.slider(key="gd_upto").value == 7
    at.slider(key="gd_upto").set_value(400).run()
    at.select_slider(key="gd_steps").set_value(100).run()  # the shown step is clamped to the shorter run
    no_exception(at)
    assert at.slider(key="gd_upto").value == 100
