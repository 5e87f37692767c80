"""schemathesis against the live schema, in-process (the WSGI app on the test database):
every operation, a few generated requests each, anonymous and signed in with a real token,
the path parameters replaced by real slugs and ids so requests get past the 404s; then
the stateful phase, which follows the schema's links (clone → read, sync, export; attempt
→ submit → grade; new item → read, change, delete); then an explicit list of targeted
requests. No answer is a 5xx, every answer's status is documented and its body conforms,
and every status the schema documents for an operation was answered at least once: the
schema promises nothing the API never does. Generation is derandomized, so a run is
repeatable."""

import re
import uuid
from collections import Counter
from unittest.mock import patch

import pytest
import schemathesis
from celery import current_app
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import ScopedRateThrottle
from schemathesis import GenerationMode
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

from content.models import GenerationJob
from learning.models import Flashcard, Path, Question, Quiz, Resource, Section
from learning.services.attempts import attempt_start
from learning.services.clone_path import path_clone
from tests.helpers import small_bundle

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=10,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
STATEFUL = settings(EXAMPLES, max_examples=30, stateful_step_count=6, phases=[Phase.generate])
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture
def live_schema(client):
    """The schema as the app serves it, its calls going to the app in this process. The
    test database lives in this test's transaction: the app must not close its connection
    after each request (Django's test client disconnects the same two signals)."""
    schema = schemathesis.openapi.from_dict(client.get("/api/schema/?format=json").json())
    schema.app = get_wsgi_application()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schema
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def real_ids(learner, source):
    """The learner's clone and one of each of its things: ``{id}`` after ``/quizzes/`` is
    the quiz, after ``/questions/`` the question, and so on."""
    clone = path_clone(path=source, user=learner)
    quiz = Quiz.objects.get(path=clone)
    flashcard = Flashcard.objects.filter(path=clone).first().pk
    return {
        "slug": clone.slug,
        "flashcard": flashcard,
        "/flashcards/": flashcard,
        "/quizzes/": quiz.pk,
        "/questions/": Question.objects.get(quiz=quiz, kind="expression").pk,
        "/sections/": Section.objects.filter(path=clone).first().pk,
        "/resources/": Resource.objects.filter(path=clone).first().pk,
        "/attempts/": attempt_start(user=learner, quiz=quiz).pk,
        "/jobs/": GenerationJob.objects.create(path=clone, requested_by=learner).pk,
        "task_id": "00000000-0000-4000-8000-000000000000",  # a check nobody asked for
    }


def real_value(path: str, name: str, ids: dict):
    if name == "id":
        return next(v for k, v in ids.items() if k.startswith("/") and k + "{id}" in path)
    return ids.get(name)


@pytest.fixture
def generous_rates(monkeypatch):
    monkeypatch.setattr(
        ScopedRateThrottle,
        "THROTTLE_RATES",
        dict.fromkeys(ScopedRateThrottle.THROTTLE_RATES, "10000/min"),
    )


@pytest.fixture
def source_ids(source):
    """What the learner can see of ``source`` but not change: the slug, and the items its
    preview shows (the first of each kind)."""
    quiz = Quiz.objects.filter(path=source).first()
    return {
        "slug": source.slug,
        "/flashcards/": Flashcard.objects.filter(path=source).first().pk,
        "/sections/": Section.objects.filter(path=source).first().pk,
        "/quizzes/": quiz.pk,
        "/questions/": Question.objects.filter(quiz=quiz).order_by("position").first().pk,
        "/resources/": Resource.objects.filter(path=source).first().pk,
    }


#: What no request of this test can produce, and the test that does produce it.
ELSEWHERE = {
    ("POST /api/v1/questions/{id}/check/", 200): "tests/worker/test_grading_worker.py::"
    "test_practice_check_comes_back_from_the_worker (a verdict needs a real worker)",
}
UNKNOWN = {"slug": "no-such-path", "task_id": None}  # a task nobody asked for: 202, see below


def operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


class Seen:
    """Every answer of the run: the failures, and each ``(operation, status)`` answered."""

    def __init__(self):
        self.failures: list[str] = []
        self.pairs: set[tuple[str, int]] = set()
        self.classes: Counter = Counter()

    def check(self, case, response) -> None:
        """Record the answer and hold it to the schema; a failure is kept, not raised."""
        self.pairs.add((case.operation.label, response.status_code))
        self.classes[response.status_code // 100 * 100] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, FailureGroup) as exc:  # noqa: BLE001 - all reported at the end
            self.failures.append(f"{case.operation.label}: {str(exc)[:600]}")


def substitute(case, ids: dict) -> None:
    for name in case.path_parameters or {}:
        if real_value(case.operation.path, name, ids) is not None:
            case.path_parameters[name] = real_value(case.operation.path, name, ids)


#: In process there is no HTTP client to undo a gzip encoding (the tree's): ask for none.
PLAIN = {"Accept-Encoding": "identity"}


def fuzz(schema, ids: dict, headers: dict, seen: Seen, only: str = "") -> None:
    """Every operation (whose label starts with ``only``) a few times, positive and
    negative data, each request rolled back."""
    for operation in operations(schema):
        if not operation.label.startswith(only):
            continue

        @given(case=operation.as_strategy() | operation.as_strategy(GenerationMode.NEGATIVE))
        @EXAMPLES
        def run(case):
            substitute(case, ids)
            sid = transaction.savepoint()
            try:
                seen.check(case, case.call(headers=PLAIN | headers))
            finally:
                transaction.savepoint_rollback(sid)

        run()


def stateful(schema, ids: dict, headers: dict, seen: Seen) -> Counter:
    """schemathesis' stateful phase: sequences of calls that follow the schema's links,
    each sequence rolled back. The first call of a sequence gets real ids; the calls after
    it get theirs from the answers, through the links. Returns the links followed."""
    followed = Counter()

    class Machine(schema.as_state_machine()):
        def setup(self):
            self.sid = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self.sid)

        def step(self, input):  # noqa: A002 - schemathesis names it so
            if input.transition is None:
                substitute(input.case, ids)
            elif input.is_applied and not input.transition.is_inferred:
                followed[input.transition.id] += 1  # one of the schema's own links
            return super().step(input)

        def get_call_kwargs(self, case):
            return {"headers": PLAIN | headers}

        def validate_response(self, response, case, **kwargs):
            seen.check(case, response)

    Machine.run(settings=STATEFUL)
    return followed


class Targeted:
    """Requests made on purpose, each rolled back, to reach what generated data does not."""

    def __init__(self, schema, ids: dict, seen: Seen):
        self.by_label = {operation.label: operation for operation in operations(schema)}
        self.ids, self.seen = ids, seen

    def __call__(self, label: str, *, ids=None, token=None, keep=False, **case):
        """Call operation ``label`` with real ids (or ``ids``) and ``case``'s data; the
        answer. ``keep`` leaves what it changed, for the next request to see."""
        operation = self.by_label[label]
        if "body" in case:
            case.setdefault("media_type", "application/json")
        headers = PLAIN | case.pop("headers", {})
        headers |= {"Authorization": f"Token {token}"} if token else {}
        given = case.pop("path_parameters", {})
        names = re.findall(r"{(\w+)}", operation.path)
        path_parameters = {
            name: given[name]
            if name in given
            else real_value(operation.path, name, ids or self.ids)
            for name in names
        }
        made = operation.Case(headers=headers, path_parameters=path_parameters, **case)
        sid = transaction.savepoint()
        try:
            response = made.call()
            self.seen.check(made, response)
            return response
        finally:
            if keep:
                transaction.savepoint_commit(sid)
            else:
                transaction.savepoint_rollback(sid)

    def documented(self, status: str):
        return [
            label
            for label, operation in self.by_label.items()
            if status in operation.definition.raw["responses"]
        ]


#: What the owner sends to each operation that takes a body, to be answered with success.
GOOD_BODIES = {
    "PATCH /api/v1/paths/{slug}/": {"title": "My notes on activation functions"},
    "POST /api/v1/paths/{slug}/sections/": {"title": "GELU", "body": "$z\\Phi(z)$"},
    "PATCH /api/v1/sections/{id}/": {"title": "GELU, exactly"},
    "POST /api/v1/paths/{slug}/flashcards/": {"front": "σ'(0)?", "back": "1/4"},
    "PATCH /api/v1/flashcards/{id}/": {"back": "A quarter"},
    "POST /api/v1/paths/{slug}/quizzes/": {"title": "More"},
    "PATCH /api/v1/quizzes/{id}/": {"title": "Check yourself"},
    "PATCH /api/v1/questions/{id}/": {"prompt": "Write tanh'(z)."},
    "POST /api/v1/paths/{slug}/resources/": {"title": "Deep Learning", "kind": "book"},
    "PATCH /api/v1/resources/{id}/": {"year": 2016},
    "POST /api/v1/paths/{slug}/sync/": {},
    "POST /api/v1/questions/{id}/preview/": {"expression": "1 - tanh(z)**2"},
    "POST /api/v1/quizzes/{id}/regrade/": {"dry_run": True},
    "PATCH /api/v1/reviews/settings/": {"new_per_day": 10},
}
#: What the owner asks without a body and gets a success for.
GOOD_WITHOUT_BODY = [
    "POST /api/v1/paths/{slug}/clone/",
    "POST /api/v1/paths/{slug}/generate/",
    "POST /api/v1/quizzes/{id}/attempts/",
    "POST /api/v1/reviews/optimize/",
    "POST /api/v1/reviews/cards/{flashcard}/suspend/",
    "POST /api/v1/reviews/cards/{flashcard}/unsuspend/",
]


def targeted_requests(call: Targeted, *, token: str, ids: dict, source_ids: dict, learner):
    """The explicit list: a success for every operation and the error every operation
    documents, one generic request each, then what only a particular state gives."""
    for label in call.by_label:  # the owner reads and deletes
        if label.startswith(("GET ", "DELETE ")):
            call(label, token=token)
    for label, body in GOOD_BODIES.items():
        call(label, token=token, body=body)
    for label in GOOD_WITHOUT_BODY:
        call(label, token=token)
    call("GET /api/v1/paths/", query={"page": 99})  # past the last page: 404

    for label in call.by_label:  # a NUL in the URL: 400 before any view runs
        call(label, token=token, query={"q": "\x00"})
    for label in call.documented("401"):  # a key nobody has
        call(label, token="0" * 40)
    for label in call.documented("404"):  # nothing there
        unknown = {name: UNKNOWN.get(name, 2**31 - 1) for name in ("slug", "id", "flashcard")}
        call(label, token=token, path_parameters={k: v for k, v in unknown.items() if v})
    with override_settings(API_MAX_BODY_BYTES=64):  # a body over the cap
        for label in call.documented("413"):
            call(label, token=token, body={"padding": "x" * 100})
    for label in call.documented("403"):  # the learner can see the source, not change it
        call(label, token=token, ids=source_ids, body={})
    no_more = dict.fromkeys(ScopedRateThrottle.THROTTLE_RATES, "0/min")
    with patch.object(ScopedRateThrottle, "THROTTLE_RATES", no_more):  # throttled at once
        for label in call.documented("429"):
            call(label, token=token, body={})

    grace = {"username": "grace", "password": "correct horse battery staple"}
    call("POST /api/v1/auth/register/", body=grace, keep=True)
    call("POST /api/v1/auth/token/", body=grace)
    call("POST /api/v1/auth/token/", body=grace | {"password": "wrong"})
    question = {
        "quiz": ids["/quizzes/"],
        "kind": "numeric",
        "prompt": "σ'(0)?",
        "answer": {"value": 0.25},
    }
    call("POST /api/v1/paths/{slug}/questions/", token=token, body=question)
    call("POST /api/v1/paths/import/", token=token, body=small_bundle(slug="imported"))
    tree = call("GET /api/v1/paths/{slug}/", token=token)
    etag = next(value for name, value in tree.headers.items() if name.lower() == "etag")
    call("GET /api/v1/paths/{slug}/", token=token, headers={"If-None-Match": etag[0]})
    call("POST /api/v1/attempts/{id}/submit/", token=token, body={"answers": []}, keep=True)
    call("POST /api/v1/attempts/{id}/submit/", token=token, body={"answers": []})  # 409
    call("POST /api/v1/reviews/undo/", token=token)  # no review yet: 404
    review = {"flashcard": ids["flashcard"], "rating": 3, "client_id": str(uuid.uuid4())}
    call("POST /api/v1/reviews/", token=token, body=review, keep=True)  # 201
    call("POST /api/v1/reviews/", token=token, body=review)  # a repeat: 200
    call("POST /api/v1/reviews/undo/", token=token)  # undoes it: 200
    theirs = review | {"flashcard": source_ids["/flashcards/"], "client_id": str(uuid.uuid4())}
    call("POST /api/v1/reviews/", token=token, body=theirs)  # not of your paths: 404
    call("POST /api/v1/reviews/batch/", token=token, body={"reviews": [theirs]})
    call("POST /api/v1/reviews/batch/", token=token, body={"reviews": [review]})  # 200
    for label in ("GET /api/v1/reviews/due/", "GET /api/v1/reviews/stats/"):
        call(label, token=token, query={"path": "no-such-path"})

    # Checks: a task nobody knows is still "grading" (202); a verdict is its asker's alone.
    with override_settings(GRADING_CHECK_WAIT=0.001):
        call("POST /api/v1/questions/{id}/check/", token=token, body={"expression": "z"})
    mine, others = str(uuid.uuid4()), str(uuid.uuid4())
    current_app.backend.store_result(
        mine, {"user": learner.pk, "correct": True, "feedback": ""}, "SUCCESS"
    )
    current_app.backend.store_result(
        others, {"user": 0, "correct": True, "feedback": ""}, "SUCCESS"
    )
    for task in (mine, others, str(uuid.uuid4())):
        call("GET /api/v1/checks/{task_id}/", token=token, path_parameters={"task_id": task})

    # A clone whose upstream is gone: 409.
    sid = transaction.savepoint()
    Path.objects.filter(slug=source_ids["slug"]).delete()
    call("GET /api/v1/paths/{slug}/updates/", token=token)
    call("POST /api/v1/paths/{slug}/sync/", token=token, body={})
    transaction.savepoint_rollback(sid)


def test_every_operation_answers_as_documented_and_every_documented_status_is_reached(
    live_schema, real_ids, source_ids, learner, generous_rates
):
    seen = Seen()
    token = Token.objects.create(user=learner).key
    signed_in = {"Authorization": f"Token {token}"}
    fuzz(live_schema, real_ids, {}, seen)
    fuzz(live_schema, real_ids, signed_in, seen)
    followed = stateful(live_schema, real_ids, signed_in, seen)
    targeted_requests(
        Targeted(live_schema, real_ids, seen),
        token=token, ids=real_ids, source_ids=source_ids, learner=learner,
    )  # fmt: skip
    assert not seen.failures, "\n\n".join(sorted(set(seen.failures)))
    assert seen.classes[200] > 50 and seen.classes[400] > 50, seen.classes
    assert followed, "the stateful phase followed none of the schema's links"
    print("links followed:", dict(followed))
    documented = {
        (operation.label, int(status))
        for operation in operations(live_schema)
        for status in operation.definition.raw["responses"]
    }
    never = sorted(documented - seen.pairs - set(ELSEWHERE))
    assert not never, "documented but never answered:\n" + "\n".join(map(str, never))


def test_the_checks_bite(live_schema, real_ids, monkeypatch):
    """An answer the schema does not describe is caught: a path row without its fields."""
    monkeypatch.setattr(
        "learning.api.paths.path_summaries", lambda paths: [{"slug": 1} for _ in paths]
    )
    seen = Seen()
    fuzz(live_schema, real_ids, {}, seen, only="GET /api/v1/paths/")
    assert any(f.startswith("GET /api/v1/paths/:") for f in seen.failures), seen.failures
