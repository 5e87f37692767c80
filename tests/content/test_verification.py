"""content.verification: every status for every kind of statement, and planted errors caught.

Bundles here are plain dicts, as ``path_export`` returns them; the schema tests at the end
prove the format extensions (expression ``compute``, choice ``check``, formula and
property claims) are validated like the rest of a bundle.
"""

import copy
import uuid

import pytest
from rest_framework.exceptions import ValidationError

from content.verification import stated_numbers, verify_bundle
from learning.bundle_schema import BundleSchema
from learning.services.bundles import bundle_validate

SECTION = str(uuid.uuid4())
CARD = str(uuid.uuid4())
QUESTION = str(uuid.uuid4())

BODY = (
    "The sigmoid's slope peaks at $1/4$, so $\\sigma'(0) = 0.25$. Its formula is "
    "$\\sigma(z) = \\frac{1}{1 + e^{-z}}$ and its range $(0, 1)$.\n\n"
    "1. Listed first (a list marker, not a number).\n\n"
    "Glorot and Bengio (2010) studied it; `x = 3` is code; ReLU6 and int8 are names; "
    "$e^{-z^2}$ has an exponent and $W_2$ an index."
)
CLAIMS = [
    {"text": "$1/4$", "compute": "sigmoid.derivative(0)", "value": 0.25},
    {"text": "\\sigma'(0) = 0.25$", "compute": "sigmoid.derivative(0)", "value": 0.25},
    {
        "text": "\\frac{1}{1 + e^{-z}}",
        "expression": "1/(1+exp(-z))",
        "variables": {"z": [-8, 8]},
        "compute": "sigmoid(z)",
    },
    {"text": "$(0, 1)$", "kernel": "sigmoid", "property": "range_text", "value": "(0, 1)"},
]


def bundle(**changes) -> dict:
    """A small path that states one thing of every kind, all of it true."""
    data = {
        "format": "studytree.path",
        "format_version": 1,
        "path": {"slug": "v", "title": "V"},
        "sections": [
            {
                "origin_uid": SECTION,
                "title": "Sigmoid",
                "body": BODY,
                "claims": copy.deepcopy(CLAIMS),
                "children": [],
            }
        ],
        "flashcards": [
            {
                "origin_uid": CARD,
                "front": "Peak slope of the sigmoid?",
                "back": "A quarter, at the origin.",
                "claim": {"compute": "sigmoid.derivative(0)", "value": 0.25},
            },
            {
                "origin_uid": str(uuid.uuid4()),
                "front": "Is tanh zero-centered?",
                "back": "Yes.",
                "claim": {"kernel": "tanh", "property": "zero_centered", "value": True},
            },
        ],
        "quizzes": [
            {
                "origin_uid": str(uuid.uuid4()),
                "title": "Q",
                "questions": [
                    {
                        "origin_uid": QUESTION,
                        "kind": "numeric",
                        "prompt": "Slope of tanh at the origin divided by the sigmoid's?",
                        "answer": {
                            "value": 4,
                            "compute": "tanh.derivative(0)/sigmoid.derivative(0)",
                        },
                    },
                    {
                        "origin_uid": str(uuid.uuid4()),
                        "kind": "expression",
                        "prompt": "Write the sigmoid's derivative through itself.",
                        "answer": {
                            "expression": "sigmoid(z)*(1-sigmoid(z))",
                            "variables": {"z": [-6, 6]},
                            "compute": "sigmoid.derivative(z)",
                        },
                    },
                    {
                        "origin_uid": str(uuid.uuid4()),
                        "kind": "single",
                        "prompt": "Which is zero-centered?",
                        "choices": [
                            {
                                "text": "tanh",
                                "is_correct": True,
                                "check": {
                                    "kernel": "tanh",
                                    "property": "zero_centered",
                                    "value": True,
                                },
                            },
                            {
                                "text": "sigmoid",
                                "is_correct": False,
                                "check": {
                                    "kernel": "sigmoid",
                                    "property": "zero_centered",
                                    "value": True,
                                },
                            },
                        ],
                    },
                    {
                        "origin_uid": str(uuid.uuid4()),
                        "kind": "true_false",
                        "prompt": "Rumelhart, Hinton and Williams popularised backpropagation.",
                        "choices": [
                            {"text": "True", "is_correct": True},
                            {"text": "False", "is_correct": False},
                        ],
                    },
                ],
            }
        ],
        "resources": [{"title": "Understanding…", "authors": "Glorot, Bengio", "year": 2010}],
    }
    for name, value in changes.items():
        data[name] = value
    return data


def statuses(checks, kind=None) -> list[str]:
    return [c.status for c in checks if kind is None or c.kind == kind]


def only(checks, status):
    return [c for c in checks if c.status == status]


def questions(data):
    return data["quizzes"][0]["questions"]


def test_a_true_bundle_verifies_entirely():
    checks = verify_bundle(bundle())
    assert statuses(checks) == ["verified"] * len(checks)
    assert {c.kind for c in checks} == {"section", "flashcard", "question", "choice"}
    assert len(checks) == 4 + 2 + 2 + 2  # the true/false question states no number: no row
    numeric = next(c for c in checks if c.origin_uid == QUESTION)
    assert numeric.expected == 4 and numeric.computed == pytest.approx(4.0)


def test_the_bundle_is_valid_with_every_extension():
    validated = bundle_validate(bundle())
    assert validated["quizzes"][0]["questions"][2]["choices"][0]["check"]["property"] == (
        "zero_centered"
    )
    assert "check" not in validated["quizzes"][0]["questions"][3]["choices"][0]
    assert statuses(verify_bundle(validated)) == ["verified"] * 10


def test_a_wrong_numeric_key_is_caught_with_the_computed_value():
    data = bundle()
    questions(data)[0]["answer"]["value"] = 5
    [failed] = only(verify_bundle(data), "failed")
    assert (failed.kind, failed.origin_uid, failed.expected) == ("question", QUESTION, 5)
    assert failed.computed == pytest.approx(4.0)


def test_keys_without_compute_are_uncheckable():
    data = bundle()
    del questions(data)[0]["answer"]["compute"]
    del questions(data)[1]["answer"]["compute"]
    found = only(verify_bundle(data), "uncheckable")
    assert [(c.kind, c.expected) for c in found] == [("question", 4), ("question", None)]


def test_a_wrong_expression_key_is_caught():
    data = bundle()
    questions(data)[1]["answer"]["expression"] = "sigmoid(z)*(1+sigmoid(z))"
    [failed] = only(verify_bundle(data), "failed")
    assert failed.kind == "question" and "differs" in failed.message


def test_is_correct_must_agree_with_the_property_check():
    data = bundle()
    choices = questions(data)[2]["choices"]
    choices[0]["is_correct"], choices[1]["is_correct"] = False, True  # the planted error
    failed = only(verify_bundle(data), "failed")
    assert [(c.kind, c.expected, c.computed) for c in failed] == [
        ("choice", False, True),
        ("choice", True, False),
    ]
    assert "marked wrong, but tanh.zero_centered is True" in failed[0].message


def test_a_check_the_catalog_cannot_answer_fails():
    data = bundle()
    questions(data)[2]["choices"][0]["check"]["property"] = "sums_to_one"
    [failed] = only(verify_bundle(data), "failed")
    assert failed.kind == "choice" and "declares no" in failed.message


def test_a_choice_question_stating_numbers_without_checks_is_uncheckable():
    data = bundle()
    questions(data)[3]["prompt"] = "The sigmoid's slope never exceeds 0.3."
    [found] = only(verify_bundle(data), "uncheckable")
    assert (found.kind, found.expected) == ("question", "0.3")
    assert "no choice carries a check" in found.message


def test_wrong_flashcard_claims_are_caught():
    data = bundle()
    data["flashcards"][0]["claim"]["value"] = 0.5
    data["flashcards"][1]["claim"] = {
        "kernel": "sigmoid",
        "property": "zero_centered",
        "value": True,
    }
    failed = only(verify_bundle(data), "failed")
    assert [(c.kind, c.expected) for c in failed] == [("flashcard", 0.5), ("flashcard", True)]
    assert failed[0].computed == 0.25
    assert failed[1].message == "sigmoid.zero_centered is False"


def test_a_flashcard_stating_a_number_without_a_claim_is_uncheckable():
    data = bundle()
    data["flashcards"][0]["claim"] = None
    data["flashcards"][1]["claim"] = None
    # "A quarter" is words, not digits: a card stating no number gives no row at all
    assert statuses(verify_bundle(data), "flashcard") == []
    data["flashcards"][0]["back"] = "0.25, at the origin."
    [found] = only(verify_bundle(data), "uncheckable")
    assert (found.kind, found.origin_uid, found.expected) == ("flashcard", CARD, "0.25")


def test_a_prose_claim_whose_text_is_not_in_the_body_fails():
    data = bundle()
    data["sections"][0]["claims"][0]["text"] = "$1/5$"
    found = verify_bundle(data)
    [failed] = only(found, "failed")
    assert "not in the section body" in failed.message
    # and the number it was meant to cover is left uncovered
    assert [c.expected for c in only(found, "uncheckable")] == ["1", "4"]


def test_a_wrong_prose_value_formula_or_property_fails():
    data = bundle()
    claims = data["sections"][0]["claims"]
    claims[1]["compute"] = "tanh.derivative(0)"
    claims[2]["expression"] = "1/(1+exp(z))"
    claims[3]["value"] = "[0, 1]"
    failed = only(verify_bundle(data), "failed")
    assert len(failed) == 3 and {c.kind for c in failed} == {"section"}
    assert failed[0].computed == 1.0


def test_a_stray_number_in_prose_is_uncheckable_with_its_context():
    data = bundle()
    data["sections"][0]["body"] += " Ten layers shrink it below 0.001 at best."
    [found] = only(verify_bundle(data), "uncheckable")
    assert (found.kind, found.origin_uid, found.expected) == ("section", SECTION, "0.001")
    assert "shrink it below 0.001 at best" in found.message


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("a slope of 0.25 and 4 layers", ["0.25", "4"]),
        ("1. first\n2) second\n  3. third", []),  # list markers
        ("ReLU6, int8, float16, MobileNetV3, the 1990s", []),  # names, decades
        ("Glorot (2010) and AlexNet (2012)", ["2012"]),  # 2010 is a resource's year
        ("`F.gelu(x, 0.5)` and\n```\nz = 3\n```", []),  # code
        ("see [here](https://e.org/1.2) or https://e.org/7", []),  # link targets, URLs
        ("$W_2 x^{10} + \\tanh^2 z$", []),  # exponents and indices
        ("$4^{10} \\approx 1.05\\times10^{6}$", ["4", "1.05", "10"]),
        ("$\\tfrac12 + 2z$", ["12", "2"]),
        ("$$q = 2\\,\\sigma$$ and $x = 0.5$", ["2", "0.5"]),
    ],
)
def test_which_digits_are_stated_numbers(text, numbers):
    assert [text[a:b] for a, b in stated_numbers(text, {2010})] == numbers


@pytest.mark.parametrize(
    ("where", "bad"),
    [
        ("choice check", {"kernel": "tanh", "property": "no_such", "value": True}),
        ("choice check", {"kernel": "nope", "property": "smooth", "value": True}),
        ("expression compute", "sigmoid.derivative(x)"),
        ("claim", {"text": "1", "compute": "1", "value": 1, "kernel": "tanh"}),
        ("claim", {"text": "1", "expression": "z", "compute": "z", "variables": {"z": [1, 0]}}),
        ("claim", {"text": "1", "kernel": "tanh", "property": "nope", "value": 1}),
    ],
)
def test_the_format_extensions_are_validated(where, bad):
    data = bundle()
    if where == "choice check":
        questions(data)[2]["choices"][0]["check"] = bad
    elif where == "expression compute":
        questions(data)[1]["answer"]["compute"] = bad
    else:
        data["sections"][0]["claims"].append(bad)
    with pytest.raises(ValidationError):
        BundleSchema(data=data).is_valid(raise_exception=True)
