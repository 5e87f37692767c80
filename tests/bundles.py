"""Bundles for tests: a small valid one, and one of any size."""

import copy
import uuid


def uid(label: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"studytree-test:{label}"))


SMALL = {
    "format": "studytree.path",
    "format_version": 1,
    "path": {
        "slug": "tiny",
        "title": "A tiny path",
        "summary": "Two sections, two cards, one quiz.",
        "key_points": ["one", "two"],
        "visibility": "public",
    },
    "sections": [
        {
            "origin_uid": uid("s1"),
            "title": "Intro",
            "body": "The sigmoid is $\\sigma(z) = 1/(1+e^{-z})$.",
            "children": [{"origin_uid": uid("s1a"), "title": "Detail", "body": "More.", "children": []}],
        },
        {"origin_uid": uid("s2"), "title": "Second", "body": "Body **two**.", "children": []},
    ],
    "flashcards": [
        {"origin_uid": uid("f1"), "front": "sigmoid'(0)?", "back": "0.25",
         "claim": {"compute": "sigmoid.derivative(0)", "value": 0.25, "tolerance": "1e-9"}},
        {"origin_uid": uid("f2"), "front": "Is tanh zero-centered?", "back": "Yes",
         "claim": {"kernel": "tanh", "property": "zero_centered", "value": True}},
    ],
    "quizzes": [
        {
            "origin_uid": uid("q"),
            "title": "Check",
            "questions": [
                {"origin_uid": uid("q1"), "kind": "single", "prompt": "Range of sigmoid?",
                 "explanation": "It is a probability.",
                 "choices": [{"text": "(0, 1)", "is_correct": True}, {"text": "(-1, 1)", "is_correct": False}]},
                {"origin_uid": uid("q2"), "kind": "true_false", "prompt": "ReLU is smooth.",
                 "explanation": "It has a kink at 0.",
                 "choices": [{"text": "True", "is_correct": False}, {"text": "False", "is_correct": True}]},
                {"origin_uid": uid("q3"), "kind": "numeric", "prompt": "tanh'(0)?", "explanation": "",
                 "answer": {"value": 1.0, "tolerance": "1%", "compute": "tanh.derivative(0)"}},
                {"origin_uid": uid("q4"), "kind": "expression", "prompt": "sigmoid'(z)?", "explanation": "",
                 "answer": {"expression": "sigmoid(z)*(1-sigmoid(z))", "variables": {"z": [-5, 5]}}},
            ],
        }
    ],
    "podcast": {
        "origin_uid": uid("p"),
        "title": "Episode",
        "duration_seconds": 120,
        "transcript": [
            {"start": 0, "end": 30, "speaker": "Maya", "text": "Hello."},
            {"start": 30, "end": 65, "speaker": "Ravi", "text": "Hi."},
            {"start": 65, "end": 120, "speaker": "Maya", "text": "Bye."},
        ],
    },
    "resources": [
        {"origin_uid": uid("r1"), "title": "A paper", "authors": "A. Author", "year": 2010,
         "kind": "paper", "url": "https://example.org/paper"}
    ],
}  # fmt: skip


def small_bundle(**path_fields) -> dict:
    bundle = copy.deepcopy(SMALL)
    bundle["path"].update(path_fields)
    return bundle


def sized_bundle(items: int, slug: str = "big") -> dict:
    """A valid bundle with about ``items`` items spread over every kind."""
    share = max(items // 5, 1)
    bundle = small_bundle(slug=slug, title=f"{items} items")
    bundle["sections"] = [
        {"origin_uid": uid(f"{slug}-s{i}"), "title": f"Section {i}", "body": f"Body {i}",
         "children": [{"origin_uid": uid(f"{slug}-s{i}c"), "title": f"Child {i}", "body": "", "children": []}]}
        for i in range(share // 2)
    ]  # fmt: skip
    bundle["flashcards"] = [
        {
            "origin_uid": uid(f"{slug}-f{i}"),
            "front": f"Front {i}",
            "back": f"Back {i}",
            "claim": None,
        }
        for i in range(share)
    ]
    bundle["quizzes"] = [
        {"origin_uid": uid(f"{slug}-q"), "title": "Quiz", "questions": [
            {"origin_uid": uid(f"{slug}-q{i}"), "kind": "single", "prompt": f"Q{i}", "explanation": "",
             "choices": [{"text": "yes", "is_correct": True}, {"text": "no", "is_correct": False}]}
            for i in range(share)
        ]}
    ]  # fmt: skip
    bundle["resources"] = [
        {"origin_uid": uid(f"{slug}-r{i}"), "title": f"R{i}", "authors": "", "year": 2000,
         "kind": "paper", "url": ""}
        for i in range(items - len(bundle["sections"]) * 2 - 2 * share - 1)
    ]  # fmt: skip
    return bundle
