"""schemathesis against the live schema, in-process (the WSGI app on the test database):
every operation, a few generated requests each, anonymous and signed in with a real token,
the path parameters replaced by real slugs and ids so requests get past the 404s. No answer
is a 5xx and every answer conforms to what the schema documents for its status."""

from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import ScopedRateThrottle
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.core.failures import FailureGroup

from content.models import GenerationJob
from learning.models import Flashcard, Question, Quiz, Resource, Section
from learning.services.attempts import attempt_start
from learning.services.clone_path import path_clone

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=10,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


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


def operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def fuzz(schema, ids: dict, headers: dict, only: str = "") -> tuple[list[str], Counter]:
    """Run every operation (whose label starts with ``only``) a few times; the failures,
    and the answers by status class."""
    failures, statuses = [], Counter()
    for operation in operations(schema):
        if operation.label.startswith(only):
            try:
                exercise(operation, ids, headers, statuses)
            except (Exception, FailureGroup) as exc:  # noqa: BLE001 - all reported at the end
                failures.append(f"{operation.label}: {str(exc)[:600]}")
    return failures, statuses


def exercise(operation, ids: dict, headers: dict, statuses: Counter) -> None:
    @given(case=operation.as_strategy() | operation.as_strategy(GenerationMode.NEGATIVE))
    @EXAMPLES
    def run(case):
        for name in case.path_parameters or {}:
            if real_value(operation.path, name, ids) is not None:
                case.path_parameters[name] = real_value(operation.path, name, ids)
        sid = transaction.savepoint()
        try:
            # In process there is no HTTP client to undo a gzip encoding: ask for none.
            response = case.call(headers={"Accept-Encoding": "identity"} | headers)
            statuses[response.status_code // 100 * 100] += 1
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )
        finally:
            transaction.savepoint_rollback(sid)

    run()


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "token"])
def test_every_operation_answers_as_documented(
    live_schema, real_ids, learner, generous_rates, signed_in
):
    token = Token.objects.create(user=learner).key
    failures, statuses = fuzz(
        live_schema, real_ids, {"Authorization": f"Token {token}"} if signed_in else {}
    )
    assert not failures, "\n\n".join(failures)
    print(dict(statuses))
    assert statuses[200] > (50 if signed_in else 0) and statuses[400] > 50, statuses


def test_the_checks_bite(live_schema, real_ids, monkeypatch):
    """An answer the schema does not describe is caught: a path row without its fields."""
    monkeypatch.setattr(
        "learning.api.paths.path_summaries", lambda paths: [{"slug": 1} for _ in paths]
    )
    failures, _ = fuzz(live_schema, real_ids, {}, only="GET /api/v1/paths/")
    assert any(f.startswith("GET /api/v1/paths/:") for f in failures), failures
