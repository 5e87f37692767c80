"""Per-user throttles on the expensive writes (sync, import, grading, generation) and the
page-size cap: a 429 in the error shape that says when to retry, the next user unaffected."""

import pytest
from rest_framework.throttling import ScopedRateThrottle

from config.api_conventions import Pages
from learning.models import Question, Quiz
from learning.services.attempts import attempt_start
from learning.services.bundles import path_import
from learning.services.clone_path import path_clone
from tests.helpers import client_for, small_bundle

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny_rates(monkeypatch):
    rates = dict(ScopedRateThrottle.THROTTLE_RATES)
    rates |= {scope: "2/min" for scope in ("sync", "import", "grading", "generate")}
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", rates)


@pytest.fixture
def owned(make_user, source):
    """A learner with their clone of ``source`` and an attempt at its quiz; a second learner."""
    owner = make_user()
    clone = path_clone(path=source, user=owner)
    quiz = Quiz.objects.get(path=clone)
    return {
        "owner": client_for(owner),
        "other": client_for(make_user()),
        "clone": clone,
        "attempt": attempt_start(user=owner, quiz=quiz),
        "question": Question.objects.filter(quiz=quiz, kind="true_false").get(),
    }


def writes(owned) -> dict[str, tuple[str, dict]]:
    slug, question = owned["clone"].slug, owned["question"]
    return {
        "sync": (f"/api/v1/paths/{slug}/sync/", {}),
        "import": ("/api/v1/paths/import/", small_bundle(slug="imported")),
        "submit": (f"/api/v1/attempts/{owned['attempt'].pk}/submit/", {"answers": []}),
        "check": (f"/api/v1/questions/{question.pk}/check/", {"value": "x"}),
        "generate": (f"/api/v1/paths/{slug}/generate/", {}),
    }


@pytest.mark.parametrize("write", ["sync", "import", "submit", "check", "generate"])
def test_a_user_over_the_rate_gets_a_429_that_says_when_to_retry(tiny_rates, owned, write):
    url, body = writes(owned)[write]
    for _ in range(2):
        assert owned["owner"].post(url, body, format="json").status_code != 429
    answer = owned["owner"].post(url, body, format="json")
    assert answer.status_code == 429
    assert answer.json()["code"] == "throttled" and answer.json()["detail"]
    assert 0 < int(answer["Retry-After"]) <= 60
    # Throttles count per user: another learner is not held back (here: not theirs, 404).
    assert owned["other"].post(url, body, format="json").status_code != 429


def test_submit_and_check_share_the_grading_budget(tiny_rates, owned):
    submit, check = writes(owned)["submit"], writes(owned)["check"]
    owned["owner"].post(*submit, format="json")
    owned["owner"].post(*check, format="json")
    assert owned["owner"].post(*check, format="json").status_code == 429


def test_the_default_rates_are_set_for_every_scope():
    for scope in ("auth", "sync", "import", "grading", "generate"):
        assert ScopedRateThrottle.THROTTLE_RATES[scope]


def test_a_page_is_as_long_as_asked_up_to_the_cap(learner_api, make_user, monkeypatch):
    for n in range(3):
        path_import(data=small_bundle(slug=f"p{n}"), visibility="public")
    one = learner_api.get("/api/v1/paths/", {"page_size": 1}).json()
    assert len(one["results"]) == 1 and one["count"] == 3 and "page_size=1" in one["next"]
    monkeypatch.setattr(Pages, "max_page_size", 2)
    assert len(learner_api.get("/api/v1/paths/", {"page_size": 500}).json()["results"]) == 2


def test_the_schema_documents_the_page_size_and_its_cap(client):
    listing = client.get("/api/schema/?format=json").json()["paths"]["/api/v1/paths/"]["get"]
    page_size = next(p for p in listing["parameters"] if p["name"] == "page_size")
    assert "200" in page_size["description"]
