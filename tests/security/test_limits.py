"""Size and shape limits at the door: every item of a bundle counts, bodies are capped,
JSON nested past the parser's depth is a 400 — each in the one error shape, nothing stored."""

import json

import pytest

from learning.bundle_schema import MAX_ITEMS
from learning.models import Flashcard, Path

pytestmark = pytest.mark.django_db

SMALLEST = {
    "format": "studytree.path",
    "format_version": 1,
    "path": {"slug": "many", "title": "Many cards"},
}


def post_json(client, url: str, body: str):
    return client.generic("POST", url, body, content_type="application/json")


def test_a_bundle_of_too_many_uidless_items_is_refused(learner_api):
    """Items without an origin_uid count too (they used to slip past the limit)."""
    cards = [{"front": "f", "back": "b"}] * (MAX_ITEMS + 5)
    answer = learner_api.post("/api/v1/paths/import/", SMALLEST | {"flashcards": cards})
    assert answer.status_code == 400, answer.content[:300]
    assert f"at most {MAX_ITEMS} items" in answer.json()["detail"]
    assert not Path.objects.exists() and not Flashcard.objects.exists()


def test_a_bundle_at_the_limit_mixing_kinds_is_counted_whole(learner_api):
    """Sections, their children, quizzes and questions count alike."""
    sections = [{"title": "s", "children": [{"title": "c"}]}] * (MAX_ITEMS // 2)
    bundle = SMALLEST | {"sections": sections, "flashcards": [{"front": "f", "back": "b"}]}
    answer = learner_api.post("/api/v1/paths/import/", bundle)
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"
    assert not Path.objects.exists()


def test_a_body_over_the_cap_is_a_413_in_the_error_shape(learner_api, settings):
    settings.API_MAX_BODY_BYTES = 1000
    body = json.dumps(SMALLEST | {"path": SMALLEST["path"] | {"title": "x" * 2000}})
    answer = post_json(learner_api, "/api/v1/paths/import/", body)
    assert answer.status_code == 413
    assert answer.json()["code"] == "request_too_large"
    assert not Path.objects.exists()


def test_a_body_without_a_length_is_still_capped(learner_api, settings):
    """A chunked body declares no length: the parser stops reading past the cap."""
    settings.API_MAX_BODY_BYTES = 1000
    body = json.dumps(SMALLEST | {"path": SMALLEST["path"] | {"title": "x" * 2000}})
    answer = learner_api.generic(
        "POST", "/api/v1/paths/import/", body, content_type="application/json",
        CONTENT_LENGTH="",
    )  # fmt: skip
    assert answer.status_code in (400, 413)
    assert not Path.objects.exists()


@pytest.mark.parametrize(
    ("who", "url"), [("api", "/api/v1/auth/token/"), ("learner_api", "/api/v1/paths/import/")]
)
def test_json_nested_too_deep_is_a_400(request, who, url):
    """Signed out where the endpoint reads bodies of anyone, signed in elsewhere."""
    body = "[" * 100_000 + "]" * 100_000
    answer = post_json(request.getfixturevalue(who), url, body)
    assert answer.status_code == 400, answer.content[:200]
    assert answer.json()["code"] == "parse_error"
