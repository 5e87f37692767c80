"""Hostile input at the attempt, check, preview and regrade endpoints: a 4xx in the one
error shape or a success, never a 500, and an attempt refused stays as it was."""

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learning.models import Answer, Attempt, Question, Quiz
from learning.services.bundles import path_import
from learning.services.clone_path import path_clone
from tests.helpers import client_for, small_bundle
from tests.security.test_no_server_errors import (
    FUZZ,
    assert_client_error_or_success,
    json_values,
    payloads,
    texts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz_world(make_user, settings):
    settings.GRADING_CHECK_WAIT = 0.001
    owner = make_user("owner")
    clone = path_clone(path=path_import(data=small_bundle(slug="source")), user=owner)
    quiz = Quiz.objects.get(path=clone)
    return {
        "client": client_for(owner),
        "owner": owner,
        "quiz": quiz,
        "questions": list(Question.objects.filter(path=clone).values_list("pk", flat=True)),
    }


answers = st.lists(
    st.fixed_dictionaries(
        {"question": st.integers(-(2**70), 2**70) | texts},
        optional={"choices": json_values, "value": json_values, "expression": json_values},
    ),
    max_size=5,
)


@given(body=payloads | st.fixed_dictionaries({"answers": answers}))
@FUZZ
def test_submissions_answer_any_json_with_a_4xx_or_success(quiz_world, body):
    attempt = Attempt.objects.create(user=quiz_world["owner"], quiz=quiz_world["quiz"])
    answer = quiz_world["client"].post(
        f"/api/v1/attempts/{attempt.pk}/submit/", body, format="json"
    )
    assert_client_error_or_success(answer)
    if answer.status_code >= 400:
        assert Attempt.objects.get(pk=attempt.pk).status == "in_progress"
        assert not Answer.objects.filter(attempt=attempt).exists()


@given(body=payloads, question=st.integers(0, 3))
@FUZZ
def test_checks_and_previews_answer_any_json_with_a_4xx_or_success(quiz_world, body, question):
    client, pk = quiz_world["client"], quiz_world["questions"][question]
    for url in (f"/api/v1/questions/{pk}/check/", f"/api/v1/questions/{pk}/preview/"):
        assert_client_error_or_success(client.post(url, body, format="json"))


@given(expression=texts | st.text(max_size=600))
@FUZZ
def test_any_formula_text_is_checked_or_refused(quiz_world, expression):
    client = quiz_world["client"]
    pk = Question.objects.get(pk__in=quiz_world["questions"], kind="expression").pk
    for url in (f"/api/v1/questions/{pk}/check/", f"/api/v1/questions/{pk}/preview/"):
        assert_client_error_or_success(client.post(url, {"expression": expression}, format="json"))


@given(body=payloads)
@FUZZ
def test_regrade_answers_any_json_with_a_4xx_or_success(quiz_world, body):
    url = f"/api/v1/quizzes/{quiz_world['quiz'].pk}/regrade/"
    assert_client_error_or_success(quiz_world["client"].post(url, body, format="json"))


def test_odd_ids_in_urls_are_404s(quiz_world):
    client = quiz_world["client"]
    for url in (
        "/api/v1/attempts/99999999999999999999/",
        "/api/v1/quizzes/99999999999999999999/attempts/",
        "/api/v1/questions/99999999999999999999/check/",
        f"/api/v1/checks/{uuid.uuid4()}/",
    ):
        answer = client.get(url) if "check" not in url or "checks" in url else client.post(url, {})
        assert answer.status_code in (202, 404, 405), (url, answer.status_code)
        assert_client_error_or_success(answer)
