"""Presenter mode, shareable state and tampered URLs, through AppTest."""

import json
import re

import pytest

from tests.conftest import no_exception

PAGE = "lessons/derivatives/page.py"


def page_css(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def chart_config(at) -> dict:
    return json.loads(at.get("vega_lite_chart")[0].proto.spec)["config"]


def test_presenter_mode_from_the_url_enlarges_text_and_charts(open_page):
    normal = open_page(PAGE)
    presenting = open_page(PAGE, query={"present": "1"})
    no_exception(presenting)
    assert "html { font-size: 16px; }" in page_css(normal)
    # presenter mode, for a projector: body text at least 25 % larger (16 px -> 21 px), axis labels likewise.
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
    at = open_page(
        PAGE, query={"d_w": "nan", "d_h": "0.37", "d_method": "sideways", "present": "maybe", "d_tab": "Nope"}
    )
    no_exception(at)
    assert at.select_slider(key="d_h").value == 0.01  # not one of the offered steps: ignored
    assert at.button_group(key="d_method").value == "forward"
    assert at.metric


def test_hostile_function_in_the_url_is_refused_in_words(open_page):
    at = open_page(PAGE, query={"d_f": "__import__('os').system('touch pwned')"})
    no_exception(at)
    assert any("not allowed" in e.value for e in at.error)
    assert {m.label: m.value for m in at.metric}["Exact slope (calculus)"] == "6.0"  # falls back to w**2


LESSON_PAGES = [lesson.path for lesson in __import__("ui.lessons", fromlist=["LESSONS"]).LESSONS]


@pytest.mark.parametrize("path", LESSON_PAGES)
def test_every_lesson_asks_before_it_tells(open_page, path):
    # the lesson's requirement: on each lesson page, at least one question asked before the answer is shown.
    at = open_page(path)
    no_exception(at)
    guesses = [r for r in at.radio if r.key and r.key.endswith("__guess")]
    assert guesses, f"{path} has no predict-then-reveal question"
    assert all(r.value is None for r in guesses), "nothing may be pre-selected"


@pytest.mark.parametrize("path", LESSON_PAGES)
def test_every_chart_can_be_downloaded(open_page, path):
    at = open_page(path)
    charts = at.get("vega_lite_chart")
    downloads = [b for b in at.get("download_button") if "CSV" in b.proto.label]
    assert len(downloads) >= len(charts)


@pytest.mark.parametrize("path", LESSON_PAGES)
def test_every_page_shows_its_code(open_page, path):
    at = open_page(path)
    assert any("the code that ran" in m.value for m in at.markdown), f"{path} has no 'Show the code'"


@pytest.mark.parametrize(
    ("path", "key", "wrong", "right_answer", "computed"),
    [
        # course text 000_99c4d5915fdf932d.txt: "It rounds the position back to exactly 3.0."
        # (3.0 + 1e-17 == 3.0), so the estimate is exactly 0.
        ("lessons/derivatives/page.py", "d_q1", 1, "Exactly 0", "**0.0**"),
        # course text 003_60e70961f102b1f1.txt:
        #   "For $f(x, y) = 3x^2 + 2y$: \(\nabla f = \begin{bmatrix} 6x \\ 2 \end{bmatrix}\)"
        # so [6, 2] at (1, 1), atan2(2, 6) = 18.4 degrees.
        ("lessons/gradients/page.py", "g_q1", 0, "Between them, about 18° above +x", "**[6, 2]**"),
        # course text 003_60e70961f102b1f1.txt: "$\frac{d}{dx}(2x + 3)^2 = 2(2x + 3) \cdot 2 = 4(2x + 3)$"
        # = 20 at x = 1.
        ("lessons/chain_rule/page.py", "c_q1", 0, "4(2x + 3) = 20", "**20**"),
    ],
)
def test_the_reveal_runs_the_computation(open_page, path, key, wrong, right_answer, computed):
    at = open_page(path)
    at.radio(key=f"{key}__guess").set_value(wrong).run()
    at.button(key=f"{key}__reveal").click().run()
    no_exception(at)
    assert any(f"the answer is **{right_answer}**" in w.value for w in at.warning)
    assert any(computed in m.value for m in at.markdown)


@pytest.mark.parametrize("path", LESSON_PAGES)
def test_every_chart_has_alternative_text(open_page, path):
    # WCAG 2.2 success criterion 1.1.1 (Non-text Content): screen readers get a sentence for every chart.
    at = open_page(path)
    for chart in at.get("vega_lite_chart"):
        assert len(chart.proto.alt) > 20, f"{path}: a chart without alt text"
    for picture in (m.value for m in at.markdown if m.value.startswith("<svg")):  # the backprop graph
        label = re.search(r'aria-label="([^"]*)"', picture)
        assert label and len(label.group(1)) > 20, f"{path}: a picture without alt text"
