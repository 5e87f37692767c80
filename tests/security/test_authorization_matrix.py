"""Who may do what, for every route of the API: generated from the URL conf, so a new
endpoint (or a new method on one) without a row below fails the test.

One world: a public platform path, the learner's private clone of it with its quiz,
question, flashcard, section, resource, an attempt, a review and a generation job. Each
(route, method) is asked by four roles — anonymous, the learner who owns the objects,
another learner, staff — each request inside a savepoint that is rolled back, so a DELETE
does not take the world away from the next role. Private things are 404 to others.
"""

import re
import uuid

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from content.models import GenerationJob
from learning.models import Flashcard, Question, Quiz, Resource, Section
from learning.services.attempts import attempt_start
from learning.services.bundles import path_import
from learning.services.clone_path import path_clone
from learning.services.reviews import reviews_submit
from tests.helpers import client_for, small_bundle

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "owner", "other", "staff")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def api_patterns() -> dict[str, tuple[str, type]]:
    """route name -> (its pattern, like ``api/v1/paths/<slug:slug>/``, its view class)."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern

    return {
        pattern.name: (route, pattern.callback.cls)
        for route, pattern in walk(get_resolver().url_patterns)
        if route.startswith("api/v1/")
    }


def api_routes() -> list[tuple[str, str]]:
    """(route name, method) for every route under ``/api/v1/`` and every method its view has."""
    return sorted(
        (name, method)
        for name, (_, view) in api_patterns().items()
        for method in METHODS
        if hasattr(view, method.lower())
    )


def url_of(name: str, kwargs: dict) -> str:
    route, _ = api_patterns()[name]
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)


# (route name, method): statuses for (anonymous, owner, other learner, staff).
# The path is the owner's private clone unless KWARGS says otherwise.
EXPECTED: dict[tuple[str, str], tuple[int, int, int, int]] = {
    ("attempt", "GET"): (401, 200, 404, 404),
    ("attempt-submit", "POST"): (401, 202, 404, 404),
    ("check-result", "GET"): (401, 202, 202, 202),
    ("flashcards-detail", "DELETE"): (401, 204, 404, 204),
    ("flashcards-detail", "GET"): (404, 200, 404, 200),
    ("flashcards-detail", "PATCH"): (401, 200, 404, 200),
    ("job", "GET"): (401, 200, 404, 200),
    ("path", "DELETE"): (401, 204, 404, 204),
    ("path", "GET"): (404, 200, 404, 200),
    ("path", "PATCH"): (401, 200, 404, 200),
    ("path-clone", "POST"): (401, 201, 201, 201),
    ("path-export", "GET"): (401, 200, 404, 200),
    ("path-export-apkg", "GET"): (404, 200, 404, 200),
    ("path-figures", "GET"): (404, 200, 404, 200),
    ("path-flashcards", "GET"): (404, 200, 404, 200),
    ("path-flashcards", "POST"): (401, 201, 404, 201),
    ("path-generate", "POST"): (401, 202, 404, 202),
    ("path-import", "POST"): (401, 201, 201, 201),
    ("path-questions", "GET"): (404, 200, 404, 200),
    ("path-questions", "POST"): (401, 201, 404, 201),
    ("path-quizzes", "GET"): (404, 200, 404, 200),
    ("path-quizzes", "POST"): (401, 201, 404, 201),
    ("path-resources", "GET"): (404, 200, 404, 200),
    ("path-resources", "POST"): (401, 201, 404, 201),
    ("path-sections", "GET"): (404, 200, 404, 200),
    ("path-sections", "POST"): (401, 201, 404, 201),
    ("path-sync", "POST"): (401, 200, 404, 200),
    ("path-updates", "GET"): (401, 200, 404, 200),
    ("path-verification", "GET"): (404, 200, 404, 200),
    ("paths", "GET"): (200, 200, 200, 200),
    ("question-check", "POST"): (401, 202, 404, 202),
    ("question-preview", "POST"): (401, 200, 404, 200),
    ("questions-detail", "DELETE"): (401, 204, 404, 204),
    ("questions-detail", "GET"): (404, 200, 404, 200),
    ("questions-detail", "PATCH"): (401, 200, 404, 200),
    ("quiz-attempt-stats", "GET"): (401, 200, 404, 200),
    ("quiz-attempts", "GET"): (401, 200, 404, 200),
    ("quiz-attempts", "POST"): (401, 201, 404, 201),
    ("quiz-regrade", "POST"): (401, 200, 404, 200),
    ("quizzes-detail", "DELETE"): (401, 204, 404, 204),
    ("quizzes-detail", "GET"): (404, 200, 404, 200),
    ("quizzes-detail", "PATCH"): (401, 200, 404, 200),
    ("register", "POST"): (201, 201, 201, 201),
    ("resources-detail", "DELETE"): (401, 204, 404, 204),
    ("resources-detail", "GET"): (404, 200, 404, 200),
    ("resources-detail", "PATCH"): (401, 200, 404, 200),
    ("reviews", "POST"): (401, 201, 404, 201),
    ("reviews-batch", "POST"): (401, 200, 200, 200),
    ("reviews-due", "GET"): (401, 200, 200, 200),
    ("reviews-optimize", "POST"): (401, 202, 202, 202),
    ("reviews-settings", "GET"): (401, 200, 200, 200),
    ("reviews-settings", "PATCH"): (401, 200, 200, 200),
    ("reviews-stats", "GET"): (401, 200, 200, 200),
    ("reviews-suspend", "POST"): (401, 200, 404, 200),
    ("reviews-undo", "POST"): (401, 200, 404, 404),
    ("reviews-unsuspend", "POST"): (401, 200, 404, 200),
    ("root", "GET"): (200, 200, 200, 200),
    ("sections-detail", "DELETE"): (401, 204, 404, 204),
    ("sections-detail", "GET"): (404, 200, 404, 200),
    ("sections-detail", "PATCH"): (401, 200, 404, 200),
    ("token", "POST"): (200, 200, 200, 200),
}  # fmt: skip


@pytest.fixture
def world(make_user):
    owner, other, staff = make_user("ada"), make_user("bob"), make_user("grace", staff=True)
    source = path_import(data=small_bundle(), visibility="public")
    clone = path_clone(path=source, user=owner)
    objects = items_of(clone) | {"source": source, "public": items_of(source) | {"clone": source}}
    reviews_submit(
        user=owner,
        reviews=[{"flashcard": objects["flashcard"].pk, "rating": 3, "client_id": uuid.uuid4()}],
    )
    objects["attempt"] = attempt_start(user=owner, quiz=objects["quiz"])
    objects["job"] = GenerationJob.objects.create(path=clone, requested_by=owner)
    clients = {"anonymous": APIClient(), "owner": client_for(owner)}
    clients |= {"other": client_for(other), "staff": client_for(staff)}
    return objects, clients


def items_of(path) -> dict:
    """The first item of each kind, as the preview orders them: the first top-level
    section (a subsection shares its position, and the preview never shows one whole)."""
    quiz = Quiz.objects.get(path=path)
    return {
        "clone": path,
        "quiz": quiz,
        "question": Question.objects.filter(quiz=quiz).order_by("position", "id").first(),
        "expression": Question.objects.get(quiz=quiz, kind="expression"),
        "flashcard": Flashcard.objects.filter(path=path).order_by("position", "id").first(),
        "section": Section.objects.filter(path=path, parent=None)
        .order_by("position", "id")
        .first(),
        "resource": Resource.objects.filter(path=path).order_by("position", "id").first(),
    }


def kwargs_for(name: str, objects) -> dict:
    pk_of = {
        "sections-detail": "section", "flashcards-detail": "flashcard",
        "quizzes-detail": "quiz", "questions-detail": "question",
        "resources-detail": "resource", "quiz-attempts": "quiz",
        "quiz-attempt-stats": "quiz", "quiz-regrade": "quiz", "attempt": "attempt",
        "attempt-submit": "attempt", "question-check": "question",
        "question-preview": "expression", "job": "job",
    }  # fmt: skip
    if name in pk_of:
        return {"pk": objects[pk_of[name]].pk}
    if name == "path-clone":
        return {"slug": objects["source"].slug}
    if name.startswith("path-") and name != "path-import" or name == "path":
        return {"slug": objects["clone"].slug}
    if name.startswith("reviews-") and name.endswith("suspend"):
        return {"flashcard": objects["flashcard"].pk}
    if name == "check-result":
        return {"task_id": uuid.uuid4()}
    return {}


def body_for(name: str, method: str, objects) -> dict:
    """A minimal valid body, where the operation takes one."""
    if method == "PATCH":
        return {
            "path": {"title": "Renamed"}, "sections-detail": {"title": "Renamed"},
            "flashcards-detail": {"front": "Renamed"}, "quizzes-detail": {"title": "Renamed"},
            "questions-detail": {"prompt": "Renamed?"}, "resources-detail": {"title": "Renamed"},
            "reviews-settings": {"new_per_day": 10},
        }.get(name, {})  # fmt: skip
    if method != "POST":
        return {}
    return {
        "register": {"username": "newcomer", "password": "correct horse battery staple"},
        "token": {"username": "ada", "password": "correct horse battery staple"},
        "path-import": small_bundle(slug="imported"),
        "path-sections": {"title": "New"},
        "path-flashcards": {"front": "F", "back": "B"},
        "path-quizzes": {"title": "New"},
        "path-questions": {
            "kind": "true_false", "prompt": "Yes?", "quiz": objects["quiz"].pk,
            "choices": [{"text": "True", "is_correct": True}, {"text": "False", "is_correct": False}],
        },
        "path-resources": {"title": "New"},
        "path-sync": {},
        "attempt-submit": {"answers": []},
        "question-check": {"choices": [objects["question"].choices.first().pk]},
        "question-preview": {"expression": "x+1"},
        "quiz-regrade": {"dry_run": True},
        "reviews": {"flashcard": objects["flashcard"].pk, "rating": 3, "client_id": str(uuid.uuid4())},
        "reviews-batch": {"reviews": []},
    }.get(name, {})  # fmt: skip


def answers(world, name: str, method: str, public: bool = False) -> tuple[int, ...]:
    objects, clients = world
    if public:
        objects = objects | objects["public"]
    url = url_of(name, kwargs_for(name, objects))
    statuses = []
    for role in ROLES:
        sid = transaction.savepoint()
        answer = getattr(clients[role], method.lower())(
            url, body_for(name, method, objects) or None, format="json"
        )
        transaction.savepoint_rollback(sid)
        statuses.append(answer.status_code)
        if answer.status_code >= 400:
            assert answer.json()["code"], (role, answer.content[:200])
    return tuple(statuses)


@pytest.mark.parametrize(("name", "method"), api_routes())
def test_each_role_gets_what_it_deserves(world, name, method):
    if (name, method) not in EXPECTED:
        pytest.fail(
            f"new endpoint without a row: {method} {name} -> {answers(world, name, method)}"
        )
    expected = dict(zip(ROLES, EXPECTED[(name, method)], strict=True))
    got = dict(zip(ROLES, answers(world, name, method), strict=True))
    assert got == expected


def test_every_row_is_a_route():
    assert set(EXPECTED) | set(PUBLIC) <= set(api_routes()), "rows for routes that are gone"


# The same, on the public platform path and its items: visible to every learner, editable
# by staff only (403 to a learner, who may read it, "owner" being no owner of it here).
PUBLIC: dict[tuple[str, str], tuple[int, int, int, int]] = {
    ("flashcards-detail", "DELETE"): (401, 403, 403, 204),
    ("flashcards-detail", "PATCH"): (401, 403, 403, 200),
    ("path", "DELETE"): (401, 403, 403, 204),
    ("path", "PATCH"): (401, 403, 403, 200),
    ("questions-detail", "DELETE"): (401, 403, 403, 204),
    ("questions-detail", "PATCH"): (401, 403, 403, 200),
    ("quizzes-detail", "DELETE"): (401, 403, 403, 204),
    ("quizzes-detail", "PATCH"): (401, 403, 403, 200),
    ("resources-detail", "DELETE"): (401, 403, 403, 204),
    ("resources-detail", "PATCH"): (401, 403, 403, 200),
    ("sections-detail", "DELETE"): (401, 403, 403, 204),
    ("sections-detail", "PATCH"): (401, 403, 403, 200),
}  # fmt: skip


@pytest.mark.parametrize(
    ("name", "method"),
    [(n, m) for n, m in api_routes() if m != "GET" and (n == "path" or n.endswith("-detail"))],
)
def test_a_public_path_is_visible_but_not_editable(world, name, method):
    got = answers(world, name, method, public=True)
    assert (name, method) in PUBLIC, f"new endpoint without a row: {method} {name} -> {got}"
    assert dict(zip(ROLES, got, strict=True)) == dict(
        zip(ROLES, PUBLIC[(name, method)], strict=True)
    )
