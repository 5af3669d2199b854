"""Presenter mode, shareable state and tampered URLs, through AppTest."""

import json

from tests.conftest import no_exception

PAGE = "pages/derivatives.py"


def page_css(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def chart_config(at) -> dict:
    return json.loads(at.get("vega_lite_chart")[0].proto.spec)["config"]


def test_presenter_mode_from_the_url_enlarges_text_and_charts(open_page):
    normal = open_page(PAGE)
    presenting = open_page(PAGE, query={"present": "1"})
    no_exception(presenting)
    assert "html { font-size: 16px; }" in page_css(normal)
    # Issue 7: body text at least 25 % larger (16 px -> 21 px), axis labels likewise.
    assert "html { font-size: 21px; }" in page_css(presenting)
    assert chart_config(presenting)["axis"]["labelFontSize"] >= 1.25 * chart_config(normal)["axis"]["labelFontSize"]
    assert "stMainMenu" in page_css(presenting) and "stMainMenu" not in page_css(normal)


def test_presenter_toggle_does_the_same(open_page):
    at = open_page(PAGE)
    at.toggle(key="present").set_value(True).run()
    no_exception(at)
    assert "html { font-size: 21px; }" in page_css(at)


def test_widget_state_comes_from_the_url(open_page):
    at = open_page(PAGE, query={"d_f": "(w-4)^2", "d_w": "6", "d_h": "1e-8", "d_method": "central"})
    no_exception(at)
    assert at.text_input(key="d_f").value == "(w-4)^2"
    assert at.number_input(key="d_w").value == 6.0
    assert at.select_slider(key="d_h").value == 1e-8
    assert at.button_group(key="d_method").value == "central"
    assert {m.label: m.value for m in at.metric}["Exact slope (calculus)"] == "4.0"


def test_tampered_values_fall_back_to_defaults_and_the_page_renders(open_page):
    at = open_page(PAGE, query={"d_w": "nan", "d_h": "0.37", "d_method": "sideways", "present": "maybe", "d_tab": "Nope"})
    no_exception(at)
    assert at.select_slider(key="d_h").value == 0.01  # not one of the offered steps: ignored
    assert at.button_group(key="d_method").value == "forward"
    assert at.metric


def test_hostile_function_in_the_url_is_refused_in_words(open_page):
    at = open_page(PAGE, query={"d_f": "__import__('os').system('touch pwned')"})
    no_exception(at)
    assert any("not allowed" in e.value for e in at.error)
    assert {m.label: m.value for m in at.metric}["Exact slope (calculus)"] == "6.0"  # falls back to w**2
