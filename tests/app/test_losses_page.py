"""AppTest of the Loss functions page.

Expected numbers come from the course text 002_16e3fd7667d98696.txt (its MSE and cross-entropy
examples) or are worked by hand in the comment beside each assertion.
"""

import math

import pytest

from core import losses
from tests.conftest import no_exception

PAGE = "lessons/losses/page.py"
MSE_LABEL = "Mean squared error (mean of 3 rows)"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def edit(at, key: str, edited: dict, added: list | None = None):
    """Type into the data editor: AppTest applies edits through the editor's session state."""
    at.session_state[key] = {"edited_rows": edited, "added_rows": added or [], "deleted_rows": []}
    return at.run()


def results(at):
    return at.dataframe[-1].value  # the read-only results table beside the editor


def warnings(at) -> str:
    return "\n".join(w.value for w in at.warning)


# --- the course's numbers ---------------------------------------------------------------


def test_course_mse_example(open_page):
    at = open_page(PAGE, query={"l_tab": "Your data"})
    no_exception(at)
    # course text 002_16e3fd7667d98696.txt: "Loss = ((2.5-3.0)² + (3.1-3.0)² + (4.8-5.0)²) / 3"
    # = ((−0.5)² + 0.1² + (−0.2)²) / 3 = (0.25 + 0.01 + 0.04) / 3 = 0.10.
    assert metrics(at)[MSE_LABEL] == "0.10"
    assert any("MSE = (0.25 + 0.01 + 0.04) / 3 = **0.10**" in m.value for m in at.markdown)
    table = results(at)
    assert list(table["ℓᵢ"]) == ["0.25", "0.01", "0.04"]
    # ∂ℓᵢ/∂ŷᵢ = 2(ŷᵢ − yᵢ) = −1, 0.2, −0.4; divided by N = 3 for the mean (PyTorch's pred.grad).
    assert list(table["∂ℓᵢ/∂ŷᵢ"]) == ["-1.00", "0.20", "-0.40"]
    assert list(table["pull ∂L/∂ŷᵢ"]) == ["-0.33", "0.06667", "-0.13"]
    assert set(table["status"]) == {"counted"}


def test_cat_example(open_page):
    at = open_page(PAGE, query={"l_tab": "Classification"})
    no_exception(at)
    # course text 002_16e3fd7667d98696.txt: "Loss = -log(0.8) = 0.22 (low loss, good prediction)"
    # and "Loss = -log(0.1) = 2.30 (high loss, bad prediction)".
    assert any("−log 0.8 = **0.22**" in m.value and "−log 0.1 = **2.30**" in m.value for m in at.markdown)
    assert metrics(at)["Loss −log P(cat)"] == "0.22"
    at.slider(key="l_pcat").set_value(0.1).run()
    assert metrics(at)["Loss −log P(cat)"] == "2.30"
    at.slider(key="l_pcat").set_value(0.0).run()
    no_exception(at)
    # torch.nn.BCELoss clamps log at −100: a certain mistake costs 100, and the page says why.
    assert metrics(at)["Loss −log P(cat)"] == "100"
    assert any("caps each log at −100" in m.value for m in at.markdown)


# --- your data: edits, bad cells ------------------------------------------------------------


def test_an_edited_cell_changes_the_total(open_page):
    at = open_page(PAGE, query={"l_tab": "Your data"})
    edit(at, "l_rows_regression", {0: {"prediction": "3.0"}})
    no_exception(at)
    # Row 1 now exact: (0 + 0.01 + 0.04) / 3 = 0.016667.
    assert metrics(at)[MSE_LABEL] == "0.01667"
    assert results(at)["ℓᵢ"].iloc[0] == "0"


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("abc", "row 1: prediction 'abc' is not a number"),
        ("", "row 1: prediction is empty"),
        (None, "row 1: prediction is empty"),
    ],
)
def test_a_bad_cell_is_flagged_and_the_other_rows_count(open_page, cell, message):
    at = open_page(PAGE, query={"l_tab": "Your data"})
    edit(at, "l_rows_regression", {0: {"prediction": cell}})
    no_exception(at)
    assert message in warnings(at)
    assert "The other 2 rows still count" in warnings(at)
    # Rows 2 and 3 still count: (0.01 + 0.04) / 2 = 0.025.
    assert metrics(at)["Mean squared error (mean of 2 rows)"] == "0.025"
    assert results(at)["ℓᵢ"].iloc[0] == "—"
    # The student's text stays in the editor to be fixed; nothing rebuilt it.
    assert at.session_state["l_rows_regression"]["edited_rows"] == {0: {"prediction": cell}}
    edit(at, "l_rows_regression", {0: {"prediction": "2.5"}})
    assert metrics(at)[MSE_LABEL] == "0.10" and not at.warning


def test_probability_outside_0_1_is_flagged_for_cross_entropy(open_page):
    at = open_page(PAGE, query={"l_tab": "Your data", "l_data_loss": "BCE", "l_example": "Cat example (probabilities)"})
    no_exception(at)
    label = "Binary cross-entropy (mean of 3 rows)"
    # P(cat) 0.8 and 0.1 for cats, 0.3 for a non-cat: (0.2231 + 2.3026 + 0.3567) / 3 = 0.9608.
    assert metrics(at)[label] == "0.96"
    edit(at, "l_rows_cats", {0: {"prediction": "1.5"}})
    no_exception(at)
    assert "row 1: prediction 1.5 is not a probability (it must be between 0 and 1)" in warnings(at)
    # −log 0.1 and −log 0.7 still count: (2.3026 + 0.3567) / 2 = 1.3296.
    assert metrics(at)["Binary cross-entropy (mean of 2 rows)"] == "1.33"


def test_an_added_row_with_a_missing_target_is_flagged(open_page):
    at = open_page(PAGE, query={"l_tab": "Your data"})
    edit(at, "l_rows_regression", {}, added=[{"prediction": "7"}])
    no_exception(at)
    assert "row 4: target is empty" in warnings(at)
    assert metrics(at)[MSE_LABEL] == "0.10"


def test_a_loss_that_does_not_fit_the_table_says_so_and_offers_its_example(open_page):
    at = open_page(PAGE, query={"l_tab": "Your data", "l_data_loss": "Hinge"})
    no_exception(at)
    assert "row 1: target 3 is not -1 or +1" in warnings(at)
    assert "No row can be scored yet" in warnings(at)
    at.button(key="l_fit_example").click().run()
    no_exception(at)
    # Scores 2.0, 0.5, −1.5 with labels +1, −1, −1: max(0, 1 − y ŷ) = 0, 1.5, 0 → mean 0.5.
    assert metrics(at)["Hinge loss (mean of 3 rows)"] == "0.50"


def test_editing_a_cell_does_no_symbolic_work(open_page, monkeypatch):
    at = open_page(PAGE, query={"l_tab": "Gallery"})  # gallery open: its exact forms are on screen
    calls = []
    original = losses.symbolic_loss
    monkeypatch.setattr(losses, "symbolic_loss", lambda *a, **k: calls.append(a) or original(*a, **k))
    for cell in ("2.0", "abc", "4.0"):
        edit(at, "l_rows_regression", {0: {"prediction": cell}})
        no_exception(at)
    assert calls == [], f"symbolic_loss ran on a cell edit: {calls}"


def test_show_code_has_the_pytorch_lines(open_page):
    at = open_page(PAGE, query={"l_tab": "Your data"})
    code = "\n".join(c.value for c in at.code)
    assert "loss = torch.nn.MSELoss()(pred, target)" in code
    assert "loss.backward()" in code
    assert "def _mse" in code  # the rule that produced the numbers
    assert "def evaluate_rows" in code


# --- predict, then reveal ----------------------------------------------------------------


def test_predict_cat_question_reveals_the_answer(open_page):
    at = open_page(PAGE)
    assert at.button(key="l_q1__reveal").disabled
    at.radio(key="l_q1__guess").set_value(0).run()  # "low"
    at.button(key="l_q1__reveal").click().run()
    no_exception(at)
    assert any("the answer is **High, about 2.30**" in w.value for w in at.warning)
    assert any("−log(0.1) = **2.30**" in m.value for m in at.markdown)


def test_predict_outlier_question(open_page):
    at = open_page(PAGE, query={"l_tab": "Outliers"})
    at.radio(key="l_q2__guess").set_value(0).run()  # MSE
    at.button(key="l_q2__reveal").click().run()
    no_exception(at)
    assert any(s.value.startswith("Right: **MSE**") for s in at.success)
    # One miss of 10 among 4 samples: MSE's pull 2·10/4 = 5; MAE's 1/4; Huber's δ/4 = 0.25.
    assert any("**MSE** pulls on it with 5.00" in m.value and "**MAE** with 0.25" in m.value for m in at.markdown)


# --- outliers, classification, precision ---------------------------------------------------


def test_outlier_totals(open_page):
    at = open_page(PAGE, query={"l_tab": "Outliers"})
    no_exception(at)
    shown = metrics(at)
    # With a miss of 10: MSE (0.25 + 0.01 + 0.04 + 100) / 4 = 25.075; MAE (0.5 + 0.1 + 0.2 + 10) / 4 = 2.7;
    # Huber ½r² inside δ = 1: (0.125 + 0.005 + 0.02 + (10 − 0.5)) / 4 = 2.4125.
    assert math.isclose(float(shown["MSE"]), 25.075, abs_tol=0.006)
    assert shown["MAE"] == "2.70"
    assert math.isclose(float(shown["Huber"]), 2.4125, abs_tol=0.006)
    assert at.get("vega_lite_chart"), "the pull chart is missing"
    at.toggle(key="l_outlier").set_value(False).run()
    no_exception(at)
    assert metrics(at)["MSE"] == "0.10"


def test_softmax_and_its_gradient(open_page):
    at = open_page(PAGE, query={"l_tab": "Classification"})
    # softmax(2, 1, 0.1) = (0.659, 0.242, 0.099); −log 0.659 = 0.417; p − y = (−0.341, 0.242, 0.099).
    assert metrics(at)["Cross-entropy −log p(true class)"] == "0.42"
    table = at.dataframe[-1].value  # after the "Your data" tables, which always render
    assert list(table["softmax p"]) == ["0.659", "0.242", "0.099"]
    assert list(table["gradient p − y"]) == ["-0.341", "+0.242", "+0.099"]


def test_squared_error_gradient_vanishes_when_confidently_wrong(open_page):
    at = open_page(PAGE, query={"l_tab": "Classification"})
    shown = metrics(at)
    # z = −6: p = sigmoid(−6) = 0.0024726; p − y = −0.99753; 2(p − y)p(1 − p) = −0.0049205.
    assert shown["P(cat) = sigmoid(z)"] == "0.0025"
    assert shown["cross-entropy gradient p − y"] == "-0.9975"
    assert shown["squared-error gradient 2(p − y)·p(1 − p)"] == "-0.0049"
    assert any("vanished" in e.value for e in at.error)
    at.slider(key="l_z").set_value(2.0).run()
    assert not any("vanished" in e.value for e in at.error)


def test_precision_says_inf_and_nan_in_words(open_page):
    at = open_page(PAGE, query={"l_tab": "Precision"})
    no_exception(at)
    errors = "\n".join(e.value for e in at.error)
    assert "naive: NaN (not a number)" in errors and "naive: inf (infinity)" in errors
    # Honest: p = 1e-8 is representable in float32, and naive BCE gives −log 1e-8 = 18.42.
    assert any("p = 1e-8, label 1" in s.value and "the naive form is right" in s.value for s in at.success)
    at.button_group(key="l_dtype").set_value("float16").run()
    no_exception(at)
    assert any("p = 1e-8, label 1" in e.value and "rounds to 0 in float16" in e.value for e in at.error)


# --- the gallery, and robustness -------------------------------------------------------------


@pytest.mark.parametrize(
    ("chosen", "charts"),
    [
        (["Mean squared error"], 2),
        (["Huber loss", "Binary cross-entropy"], 4),  # different x axes: side by side, loss and derivative each
        (["Cross-entropy (softmax)", "Hinge loss"], 2),  # both against a score: overlaid
        ([], 0),
    ],
)
@pytest.mark.parametrize("side", ["positive", "negative"])
def test_gallery_draws_every_loss(open_page, chosen, charts, side):
    at = open_page(PAGE, query={"l_gallery": chosen, "l_side": side} if chosen else {"l_side": side})
    if chosen:
        assert at.multiselect(key="l_gallery").value  # the URL's choice was understood
    else:
        at.multiselect(key="l_gallery").set_value([]).run()
        assert any("Pick one or two losses" in i.value for i in at.info)
    no_exception(at)
    assert len(at.get("vega_lite_chart")) == charts


def test_gallery_shows_the_exact_derivative(open_page):
    at = open_page(PAGE)
    latex = [item.value for item in at.latex]
    # d/dŷ (ŷ − 3)² = 2ŷ − 6, from sympy, for the default target 3.
    assert any(r"2 \hat y - 6" in item for item in latex), latex


def test_tampered_url_still_renders(open_page):
    at = open_page(
        PAGE,
        query={
            "l_tab": "banana",
            "l_gallery": "rm -rf",
            "l_target": "1e999",
            "l_miss": "x",
            "l_data_loss": "eval",
            "l_example": "../../etc",
            "l_pcat": "7",
        },
    )
    no_exception(at)
    assert at.title[0].value.startswith("Loss functions")
