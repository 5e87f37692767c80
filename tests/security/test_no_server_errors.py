"""Hostile input anywhere in the API gets a 4xx in the one error shape, never a 500.

Hypothesis throws arbitrary JSON, strings with NUL bytes and odd numbers at every write
endpoint and odd query strings at the reads, as the owner of the path, so input reaches
the services rather than stopping at permissions.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learning.models import Flashcard, Path, Question
from learning.services.bundles import path_import
from learning.services.clone_path import path_clone
from tests.helpers import client_for, small_bundle

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=30) | st.sampled_from(
    ["\x00", "a\x00b", "", " ", "0", "-1", "1e309", "NaN", "Infinity", "../etc", "%00", "x" * 600]
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)
FIELDS = ["title", "body", "front", "back", "claim", "quiz", "kind", "prompt", "choices",
          "answer", "parent", "position", "summary", "key_points", "visibility", "authors",
          "year", "url", "decline", "take", "format", "format_version", "path", "username",
          "password", "explanation", "text", "is_correct", "value", "expression", "variables",
          "flashcard", "rating", "client_id", "reviewed_at", "duration_ms", "device", "reviews",
          "desired_retention", "new_per_day"]  # fmt: skip
payloads = json_values | st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6)


@pytest.fixture
def world(make_user):
    owner = make_user("owner")
    source = path_import(data=small_bundle(slug="source"))
    clone = path_clone(path=source, user=owner)
    return {
        "client": client_for(owner),
        "slug": clone.slug,
        "flashcard": Flashcard.objects.filter(path=clone).first().pk,
        "question": Question.objects.filter(path=clone).first().pk,
    }


def assert_client_error_or_success(answer):
    assert answer.status_code < 500, answer.content[:500]
    if answer.status_code >= 400:
        body = answer.json()
        assert body["detail"] and body["code"], body


WRITES = [
    ("post", "/api/v1/auth/register/"),
    ("post", "/api/v1/auth/token/"),
    ("post", "/api/v1/paths/import/"),
    ("patch", "/api/v1/paths/{slug}/"),
    ("post", "/api/v1/paths/{slug}/sections/"),
    ("post", "/api/v1/paths/{slug}/flashcards/"),
    ("post", "/api/v1/paths/{slug}/quizzes/"),
    ("post", "/api/v1/paths/{slug}/questions/"),
    ("post", "/api/v1/paths/{slug}/resources/"),
    ("patch", "/api/v1/flashcards/{flashcard}/"),
    ("patch", "/api/v1/questions/{question}/"),
    ("post", "/api/v1/paths/{slug}/sync/"),
    ("post", "/api/v1/reviews/"),
    ("post", "/api/v1/reviews/batch/"),
    ("patch", "/api/v1/reviews/settings/"),
]


@pytest.mark.parametrize(("method", "url"), WRITES, ids=[f"{m} {u}" for m, u in WRITES])
def test_writes_answer_any_json_with_a_4xx_or_success(world, method, url):
    @FUZZ
    @given(payload=payloads)
    def run(payload):
        client = world["client"]
        answer = getattr(client, method)(url.format(**world), payload, format="json")
        assert_client_error_or_success(answer)

    run()


@pytest.mark.parametrize("url", ["/api/v1/paths/{slug}/flashcards/", "/api/v1/paths/import/"])
@pytest.mark.parametrize(
    "raw", [b"{", b"\xff\xfe", b"[1,2", b'{"a": NaN}', b"1" * 5000, b"{}" * 1000, b"null"]
)
def test_malformed_bodies_are_400s(world, url, raw):
    answer = world["client"].generic(
        "POST", url.format(**world), raw, content_type="application/json"
    )
    assert answer.status_code == 400, answer.content[:300]
    assert_client_error_or_success(answer)


@FUZZ
@given(value=texts)
def test_query_strings_and_path_segments_never_break_reads(world, value):
    client = world["client"]
    for answer in (
        client.get("/api/v1/paths/", {"q": value, "mine": value}),
        client.get("/api/v1/paths/", {"page": value}),
        client.get(f"/api/v1/paths/{world['slug']}/questions/", {"quiz": value}),
        client.get(f"/api/v1/paths/{world['slug']}/", HTTP_IF_NONE_MATCH=value),
        client.get("/api/v1/reviews/due/", {"path": value, "limit": value}),
        client.get("/api/v1/reviews/stats/", {"path": value}),
    ):
        assert_client_error_or_success(answer)


def test_nothing_changed_a_path_it_should_not(world, api):
    """Anonymous writes are refused and change nothing."""
    before = Path.objects.get(slug=world["slug"]).version
    for method, url in WRITES[3:]:
        answer = getattr(api, method)(url.format(**world), {"title": "x"}, format="json")
        assert answer.status_code in (401, 403, 404), (url, answer.status_code)
    assert Path.objects.get(slug=world["slug"]).version == before
    assert json.loads(api.get("/api/v1/paths/?mine=1").content)["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "payload",
    [
        {"front": "f", "back": "b", "claim": {"kernel": "tanh", "property": "odd", "value": "\x00"}},
        {"front": "f", "back": "b", "claim": {"kernel": "tanh", "property": "odd", "value": True, "\x00": 1}},
    ],
)  # fmt: skip
def test_nul_inside_json_is_a_400_that_says_so(world, payload):
    url = f"/api/v1/paths/{world['slug']}/flashcards/"
    answer = world["client"].post(url, payload, format="json")
    assert answer.status_code == 400
    assert "NUL" in answer.json()["detail"]


def test_nul_in_the_query_string_is_a_400(world):
    answer = world["client"].get("/api/v1/paths/", {"q": "a\x00b"})
    assert answer.status_code == 400
    assert "NUL" in answer.json()["detail"]


finite = st.floats(allow_nan=False, allow_infinity=False)  # what JSON can carry
VALID = {
    "flashcards": {"front": "f", "back": "b"},
    "sections": {"title": "t", "body": "b"},
    "resources": {"title": "t", "kind": "paper"},
    "quizzes": {"title": "t"},
}


@pytest.mark.parametrize("kind", list(VALID))
@given(position=st.integers(min_value=-(2**80), max_value=2**80) | finite | texts)
@FUZZ
def test_any_position_on_an_otherwise_valid_item(world, kind, position):
    payload = VALID[kind] | {"position": position}
    answer = world["client"].post(f"/api/v1/paths/{world['slug']}/{kind}/", payload, format="json")
    assert_client_error_or_success(answer)


@given(
    value=finite | st.integers(min_value=-(2**80), max_value=2**80) | texts,
    tolerance=texts | st.none(),
    low=finite | st.integers(min_value=-(2**80), max_value=2**80),
    year=st.integers(min_value=-(2**40), max_value=2**40),
)
@FUZZ
def test_odd_numbers_in_keys_and_fields(world, value, tolerance, low, year):
    client, slug = world["client"], world["slug"]
    quiz = client.get(f"/api/v1/paths/{slug}/quizzes/").json()["results"][0]["id"]
    answers = [
        client.post(
            f"/api/v1/paths/{slug}/questions/",
            {"quiz": quiz, "kind": "numeric", "prompt": "p",
             "answer": {"value": value, "tolerance": tolerance, "compute": "relu(1)"}},
            format="json",
        ),
        client.post(
            f"/api/v1/paths/{slug}/questions/",
            {"quiz": quiz, "kind": "expression", "prompt": "p",
             "answer": {"expression": "z", "variables": {"z": [low, 1e308]}}},
            format="json",
        ),
        client.post(f"/api/v1/paths/{slug}/resources/", {"title": "t", "year": year}, format="json"),
    ]  # fmt: skip
    for answer in answers:
        assert_client_error_or_success(answer)
