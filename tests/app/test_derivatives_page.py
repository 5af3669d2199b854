"""AppTest of the entry point and the Derivatives page."""

import pytest

from tests.conftest import no_exception

PAGE = "lessons/derivatives/page.py"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def param_row(chart) -> dict:
    """The chart's parameter values, as sent in its one-row dataset."""
    import io

    import pyarrow as pa

    from ui.render import PARAMS

    (dataset,) = [d for d in chart.datasets if d.name == PARAMS]
    return pa.ipc.open_stream(io.BytesIO(dataset.data.data)).read_all().to_pylist()[0]


def test_dashboard_home_renders(open_page):
    at = open_page()
    no_exception(at)
    assert at.title[0].value == "Calculus for ML"


def test_defaults_show_the_lesson_numbers(open_page):
    at = open_page(PAGE)
    no_exception(at)
    shown = metrics(at)
    # course text 000_99c4d5915fdf932d.txt: "With a step size of 0.01, we get a slope of roughly 6.01."
    # In IEEE 754 binary64 w**2 at w = 3, h = 0.01 gives 6.009999999999849; the exact slope is 6.
    assert shown["Exact slope (calculus)"] == "6.0"
    assert shown["float64 estimate"] == "6.009999999999849"
    assert "float32 estimate" in shown
    assert at.get("vega_lite_chart"), "the error-vs-h chart is missing"


def test_the_verdict_states_the_error_it_shows(open_page):
    at = open_page(PAGE)
    no_exception(at)
    # 6.009999999999849 - 6 = 0.00999999999985 (0.01 to 3 digits), 0.01 / 6 = 0.17 % of the slope.
    sentences = " ".join(s.value for s in at.success)
    assert "In float64 the estimate 6.009999999999849 is off by 0.01, 0.17 % of the true slope." in sentences


def test_the_exact_derivative_tab_shows_the_power_rule(open_page):
    at = open_page(PAGE, query={"d_tab": "The exact derivative"})
    no_exception(at)
    # d/dw w^2 = 2w by the power rule; 2w = 6 at w = 3.
    assert any("2 w" in latex.value for latex in at.latex), "the exact derivative 2w is missing"
    assert any("power rule" in m.value for m in at.markdown)


def test_tiny_h_cancels_to_exactly_zero_and_says_so(open_page):
    at = open_page(PAGE)
    at.select_slider(key="d_h").set_value(1e-17).run()
    no_exception(at)
    shown = metrics(at)
    # 3.0 + 1e-17 == 3.0 in float64, so the forward difference is exactly 0.
    assert shown["float64 estimate"] == "0.0"
    assert any("w + h == w in float64" in e.value and "flat" in e.value for e in at.error)


def test_every_method_says_the_cancellation_in_words(open_page):
    # Central difference at h = 1e-17: 3 + h and 3 - h both round to 3, so the estimate is exactly 0.
    at = open_page(PAGE, query={"d_method": "central", "d_h": "1e-17"})
    no_exception(at)
    assert metrics(at)["float64 estimate"] == "0.0"
    assert any("w ± h == w in float64" in e.value for e in at.error)
    # Its error model is second order: truncation h²|f‴|/6 (f‴ = 0 for w², so only round-off is drawn).
    assert any("h²·|f‴|/6" in c.value for c in at.caption)


def test_the_secant_tab_draws_the_curve_tangent_and_secant(open_page):
    at = open_page(PAGE, query={"d_tab": "Secant vs tangent", "d_h": "1"})
    no_exception(at)
    # h = 1 on w²: the secant through (3, 9) and (4, 16) has slope 7, the tangent 6.
    assert metrics(at)["float64 estimate"] == "7.0"
    assert len(at.get("vega_lite_chart")) == 1, "the secant chart is missing"


def test_changing_h_changes_the_numbers(open_page):
    at = open_page(PAGE)
    before = metrics(at)["float32 estimate"]
    at.select_slider(key="d_h").set_value(1e-6).run()
    after = metrics(at)["float32 estimate"]
    # IEEE 754 binary32 (spacing 2⁻²² near 3): h = 1e-6 already gives 5.72...
    assert before != after and after.startswith("5.72")


def test_every_precision_and_method(open_page):
    at = open_page(PAGE)
    at.button_group(key="d_dtypes").set_value(["float64", "float32", "float16", "bfloat16"]).run()
    for method in ["forward", "backward", "central", "complex-step"]:
        at.button_group(key="d_method").set_value(method).run()
        no_exception(at)
    shown = metrics(at)
    assert shown["float16 estimate"] == "unavailable"  # no complex float16 type exists


def test_bad_function_gives_a_message_and_keeps_the_last_good_one(open_page):
    at = open_page(PAGE)
    at.text_input(key="d_f").input("sine(w)").run()
    no_exception(at)
    assert any("did you mean sin" in e.value for e in at.error)
    assert metrics(at)["Exact slope (calculus)"] == "6.0"  # still w**2
    assert at.text_input(key="d_f").value == "sine(w)"  # the student's text is kept to fix


@pytest.mark.parametrize(
    "hostile",
    [
        "__import__('os').system('id')",
        "9**9**9",
        "(" * 300 + "w" + ")" * 300,
        "exp(10^40*log(3))*w",  # sympy would build 3**(10**40) while parsing
        "sqrt(2)^999999*w",  # 2**499999·√2: past the parser's size limit inside a product
    ],
)
def test_hostile_text_is_rejected_in_words(open_page, hostile):
    at = open_page(PAGE)
    at.text_input(key="d_f").input(hostile[:500]).run()
    no_exception(at)
    assert at.error, "no message for hostile input"
    assert metrics(at)["Exact slope (calculus)"] == "6.0"  # the last good function, w**2, still stands


def test_second_example_preset(open_page):
    at = open_page(PAGE, query={"d_tab": "Which way is downhill?"})
    at.button(key="d_try_second").click().run()
    no_exception(at)
    # course text 001_17881fd077a1d289.txt: "Therefore, we need to decrease w to reduce the loss."
    # Loss = (w - 4)^2 at w = 6 has slope 2(w - 4) = 4: positive, so decrease w.
    assert metrics(at)["Exact slope (calculus)"] == "4.0"
    assert any("decrease w" in m.value for m in at.markdown)


def test_tampered_url_still_renders(open_page):
    at = open_page(PAGE, query={"d_h": "banana", "d_w": "1e999", "d_dtypes": "float128", "d_f": "open('x')"})
    no_exception(at)
    assert at.metric, "the page did not render its numbers"


def test_predict_then_reveal(open_page):
    at = open_page(PAGE)
    assert at.button(key="d_q1__reveal").disabled  # no guess yet, nothing to reveal
    at.radio(key="d_q1__guess").set_value(1).run()  # "almost exactly 6"
    at.button(key="d_q1__reveal").click().run()
    no_exception(at)
    assert any("the answer is **Exactly 0**" in w.value for w in at.warning)
    # The reveal runs the computation: the forward difference at h = 1e-17 is 0.0.
    assert any("The computer's answer: **0.0**" in m.value for m in at.markdown)
    at.button(key="d_q1_show").click().run()
    assert at.select_slider(key="d_h").value == 1e-17


def test_moving_h_changes_a_parameter_row_not_the_chart(open_page):
    # Streamlit rebuilds a chart's whole Vega view when its spec changes and only swaps data
    # when a dataset changes: the current h must travel as data, with the spec left alone.
    at = open_page(PAGE)
    before = at.get("vega_lite_chart")[0].proto
    assert param_row(before) == {"current_h": 0.01}
    at.select_slider(key="d_h").set_value(1e-17).run()
    no_exception(at)
    after = at.get("vega_lite_chart")[0].proto
    assert after.spec == before.spec
    assert param_row(after) == {"current_h": 1e-17}


def test_a_parameter_that_cannot_be_drawn_is_sent_as_null():
    # JSON, and so Vega, has no NaN or inf: a NaN estimate must reach the chart as null (nothing drawn).
    import io

    import pyarrow as pa

    from ui.render import _param_row

    row = pa.ipc.open_stream(io.BytesIO(_param_row({"a": float("nan"), "b": float("inf"), "c": 2}))).read_all()
    assert row.to_pylist() == [{"a": None, "b": None, "c": 2.0}]
