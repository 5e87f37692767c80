"""The pure graders: every kind right and wrong, validation, feedback on common mistakes,
and a labelled corpus of learner answers with zero false accepts and zero false rejects."""

import json
from pathlib import Path

import pytest

from kernels.grading import AnswerInvalid, diagnose_formula, grade_answer, validate_answer
from kernels.typeset import formula_latex
from tests.kernels.grading_corpus import CORPUS, SILU, TANH

BUNDLE = Path(__file__).resolve().parents[2] / "learning/bundles/activation-functions.json"
QUESTIONS = {
    q["origin_uid"]: q
    for quiz in json.loads(BUNDLE.read_text())["quizzes"]
    for q in quiz["questions"]
}
CHOICES = {"choices": [{"id": 1, "is_correct": True}, {"id": 2, "is_correct": False}]}
MULTI = {
    "choices": [
        {"id": 1, "is_correct": True},
        {"id": 2, "is_correct": True},
        {"id": 3, "is_correct": True},
        {"id": 4, "is_correct": False},
    ]
}
NUMERIC = {"value": 0.5, "tolerance": "0.01"}
EXPRESSION = {"expression": "1 - tanh(z)**2", "variables": {"z": [-5, 5]}, "tolerance": "1e-6"}


def _question(uid):
    question = QUESTIONS[uid]
    return question["kind"], question["answer"]


def test_the_corpus_is_large_and_labelled_both_ways():
    labels = [label for _, _, label in CORPUS]
    assert len(CORPUS) >= 200
    assert {labels.count(x) > 30 for x in ("right", "wrong", "invalid")} == {True}


@pytest.mark.parametrize(
    ("uid", "answer", "label"), CORPUS, ids=[f"{i}-{c[2]}" for i, c in enumerate(CORPUS)]
)
def test_corpus_no_false_accept_no_false_reject(uid, answer, label):
    kind, key = _question(uid)
    given = {"expression": answer} if kind == "expression" else {"value": answer}
    if label == "invalid":
        with pytest.raises(AnswerInvalid) as refused:
            grade_answer(kind=kind, key=key, answer=given)
        assert refused.value.message and refused.value.field in ("expression", "value")
        return
    grade = grade_answer(kind=kind, key=key, answer=given)
    assert grade.correct is (label == "right"), grade.feedback
    assert grade.score == (1.0 if label == "right" else 0.0)
    assert grade.feedback  # never a verdict without a reason


# --- every kind, right and wrong -----------------------------------------------------------


@pytest.mark.parametrize("kind", ["single", "true_false"])
def test_one_choice_right_and_wrong(kind):
    right = grade_answer(kind=kind, key=CHOICES, answer={"choices": [1]})
    wrong = grade_answer(kind=kind, key=CHOICES, answer={"choices": [2]})
    assert (right.correct, right.score, right.expected) == (True, 1.0, {"choices": [1]})
    assert (wrong.correct, wrong.score) == (False, 0.0)


def test_multiple_choice_exact_set_and_partial_credit():
    assert grade_answer(kind="multiple", key=MULTI, answer={"choices": [3, 1, 2]}).score == 1.0
    two = grade_answer(kind="multiple", key=MULTI, answer={"choices": [1, 2]})
    assert (two.correct, two.score) == (False, pytest.approx(2 / 3))
    cancelled = grade_answer(kind="multiple", key=MULTI, answer={"choices": [1, 2, 4]})
    assert cancelled.score == pytest.approx(1 / 3) and "wrong" in cancelled.feedback
    assert grade_answer(kind="multiple", key=MULTI, answer={"choices": [4]}).score == 0.0
    assert grade_answer(kind="multiple", key=MULTI, answer={"choices": []}).score == 0.0


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"choices": [9]}, "not one of this question's choices"),
        ({"choices": [1, 2]}, "exactly one"),
        ({"choices": [1, 1]}, "once"),
        ({"choices": "1"}, "list of choice ids"),
        ({"choices": [True]}, "list of choice ids"),
        ({"value": 1}, "list of choice ids"),
    ],
)
def test_unreadable_choices_are_refused(answer, message):
    with pytest.raises(AnswerInvalid, match=message):
        validate_answer(kind="single", key=CHOICES, answer=answer)


def test_numeric_absolute_and_relative_tolerance():
    assert grade_answer(kind="numeric", key=NUMERIC, answer={"value": 0.509}).correct
    assert not grade_answer(kind="numeric", key=NUMERIC, answer={"value": 0.52}).correct
    relative = {"value": 200, "tolerance": "1%"}
    assert grade_answer(kind="numeric", key=relative, answer={"value": "201.9"}).correct
    assert not grade_answer(kind="numeric", key=relative, answer={"value": 202.1}).correct


def test_numeric_key_is_the_catalog_value_when_it_says_how_to_compute_it():
    key = {"value": 0.3, "tolerance": "1e-9", "compute": "sigmoid.derivative(0)"}
    grade = grade_answer(kind="numeric", key=key, answer={"value": 0.25})
    assert grade.correct and grade.expected == {"value": 0.25, "tolerance": "1e-09"}


@pytest.mark.parametrize(
    ("value", "feedback"),
    [(-0.5, "sign"), (5.0, "power of ten"), (0.005, "power of ten"), (0.7, "too high")],
)
def test_numeric_feedback_on_common_mistakes(value, feedback):
    grade = grade_answer(kind="numeric", key=NUMERIC, answer={"value": value})
    assert not grade.correct and feedback in grade.feedback


def test_expression_right_in_any_form_and_wrong():
    for text in ("1/cosh(z)**2", "tanh.derivative(z)", "(1 - tanh(z))*(1 + tanh(z))"):
        assert grade_answer(kind="expression", key=EXPRESSION, answer={"expression": text}).correct
    wrong = grade_answer(kind="expression", key=EXPRESSION, answer={"expression": "exp(-z**2)"})
    assert not wrong.correct and "differs at z =" in wrong.feedback
    assert wrong.expected == {"expression": "1 - tanh(z)**2"}


# --- validation points at the problem --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("1 - tanh(z**2", "syntax error"),
        ("1 - tanh(z))", "at column 11"),
        ("1 - tanh(x)**2", "unknown name 'x' at column 9: this formula is in z; allowed: z,"),
        ("foo(z)", "unknown function 'foo'"),
        ("z" * 501, "longer than 500 characters"),
        ("1+" * 150 + "1", "too complex"),
        ("z.real", "only a catalog function's .derivative may be used"),
    ],
)
def test_validation_says_what_is_wrong(text, says):
    with pytest.raises(AnswerInvalid) as refused:
        validate_answer(kind="expression", key=EXPRESSION, answer={"expression": text})
    assert says in refused.value.message


def test_validation_never_evaluates(monkeypatch):
    import numpy as np

    def boom(*args, **kwargs):
        raise AssertionError("evaluated")

    monkeypatch.setattr(np, "tanh", boom)
    assert validate_answer(kind="expression", key=EXPRESSION, answer={"expression": "tanh(z)"})


def test_an_answer_that_fails_to_evaluate_says_why():
    grade = grade_answer(kind="expression", key=EXPRESSION, answer={"expression": "prelu(z, z)"})
    assert not grade.correct and "cannot be evaluated" in grade.feedback


# --- feedback for common mistakes --------------------------------------------------------------


@pytest.mark.parametrize(
    ("uid", "text", "says"),
    [
        (TANH, "1 - tanh(z)**2 + 3", "additive constant"),
        (TANH, "3 - tanh(z)**2", "additive constant"),
        (TANH, "2/cosh(z)**2", "constant factor: yours is 2 times"),
        (TANH, "0.5*(1 - tanh(z)**2)", "constant factor: yours is 0.5 times"),
        (TANH, "tanh(z)**2 - 1", "sign is wrong"),
        (TANH, "tanh(z)", "differentiate it once more"),
        (TANH, "tanh(z) + 7", "differentiate it once more"),
        (TANH, "-2*tanh(z)/cosh(z)**2", "differentiated once too often"),
        (SILU, "z*sigmoid(z)", "differentiate it once more"),
        (SILU, "swish(z)", "differentiate it once more"),
        (SILU, "swish.derivative(z) - 0.25", "additive constant"),
    ],
)
def test_feedback_names_the_mistake(uid, text, says):
    kind, key = _question(uid)
    grade = grade_answer(kind=kind, key=key, answer={"expression": text})
    assert not grade.correct and says in grade.feedback


def test_no_mistake_is_invented_for_an_unrelated_formula():
    assert diagnose_formula("1 - tanh(z)**2", "sin(z)", {"z": (-5, 5)}) is None


# --- the formula preview -----------------------------------------------------------------------


def test_formula_latex_keeps_structure():
    latex = formula_latex("sigmoid(z)*(1 - sigmoid(z))/2 + sqrt(abs(z))**2", ["z"])
    assert r"\frac{" in latex and r"\left(1 - \operatorname{sigmoid}\left(z\right)\right)" in latex
    assert r"\sqrt{\left|z\right|}" in latex
    assert formula_latex("tanh.derivative(z)", ["z"]) == r"\operatorname{tanh}'\left(z\right)"
