"""What the test suites share besides fixtures: bundles, clients, item edits, query counts.

Test modules and conftest files import from here, never from each other.
"""

import copy
import json
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.db import connection
from django.forms import FileField
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from learning.models import DeletedItem, Question
from learning.services.paths import path_content_changed

T = TypeVar("T")

# --- bundles ------------------------------------------------------------------------------


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


# A section stating a number (its claims), and cards naming their section.
CLAIM = {"text": "0.25", "compute": "sigmoid.derivative(0)", "value": 0.25, "tolerance": "1e-9"}


def bundle_with_claims(small_bundle_data: dict) -> dict:
    bundle = copy.deepcopy(small_bundle_data)
    bundle["sections"][0]["body"] += " Its slope at 0 is 0.25."
    bundle["sections"][0]["claims"] = [dict(CLAIM)]
    return bundle


def bundle_with_sections(**path_fields) -> dict:
    bundle = small_bundle(**path_fields)
    bundle["flashcards"][0]["section"] = uid("s1")  # top-level
    bundle["flashcards"][1]["section"] = uid("s1a")  # a subsection
    return bundle


# --- clients ------------------------------------------------------------------------------


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def client_as(who: str, *, api, owner, staff, make_user):
    """The client of one role of the permission matrix, for a path ``owner`` owns."""
    if who == "anonymous":
        return api
    return client_for({"other": make_user(), "owner": owner, "staff": staff}[who])


# --- items of a path, as an editor changes them -----------------------------------------------


def item(model, path, label):
    return model.objects.get(path=path, origin_uid=uid(label))


def edit(model, path, label, **fields):
    """Change one item of ``path`` and bump the path's version, as an editor would.

    Through the ORM (``save()`` refreshes the hash), announced with
    ``path_content_changed`` as the item services do."""
    obj = item(model, path, label)
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.save()
    path_content_changed(path)
    return obj


def new_question(**fields) -> Question:
    question = Question(**fields)
    question.save()  # a new question is hashed without choices
    return question


def tombstones(path) -> dict[str, str]:
    """origin_uid → kind of the path's tombstones."""
    return {str(t.origin_uid): t.kind for t in DeletedItem.objects.filter(path=path)}


# --- updates and sync through the API -------------------------------------------------------


def listed(answer: dict, key: str) -> list[str]:
    return [entry["origin_uid"] for entry in answer[key]]


def updates(api, clone) -> dict:
    answer = api.get(f"/api/v1/paths/{clone.slug}/updates/")
    assert answer.status_code == 200, answer.json()
    return answer.json()


def sync(api, clone, **body) -> dict:
    answer = api.post(f"/api/v1/paths/{clone.slug}/sync/", body)
    assert answer.status_code == 200, answer.json()
    return answer.json()


# --- the admin ------------------------------------------------------------------------------


def form_data(page) -> dict:
    """The POST data of an admin change form as it was rendered (main form and inlines)."""
    data = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data |= {
            management.add_prefix(name): management[name].value() for name in management.fields
        }
        forms.extend(formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            if isinstance(field, FileField):
                continue
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, list | dict) and name in (
                "key_points",
                "claim",
                "transcript",
                "answer",
            ):
                value = json.dumps(value)
            elif isinstance(value, list):
                value = [str(v) for v in value]
            data[form.add_prefix(name)] = field.prepare_value(value) if name == "id" else value
    return data


# --- query counts ---------------------------------------------------------------------------


def queries_made(call: Callable[..., T], /, *args, **kwargs) -> tuple[int, T]:
    """How many SQL queries ``call(*args, **kwargs)`` makes on the default database, and
    what it returns.

    For the tests that measure one operation at two sizes: they assert the two counts are
    equal (it does not grow with the path) and pin the count itself (one more query fails).
    A single measurement uses pytest-django's ``django_assert_num_queries`` instead.
    """
    with CaptureQueriesContext(connection) as queries:
        result = call(*args, **kwargs)
    return len(queries), result
