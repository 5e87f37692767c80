"""The hot endpoints of SPEC §8, as a mobile client calls them (a token in the header,
caches warm after the first call): each answers in the number of queries pinned here, so
a regression shows in ``make test`` and not only in ``benchmarks/load.py``. Each count
is also independent of the path's size (tested beside each endpoint)."""

import uuid

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from learning.models import Flashcard, Quiz
from learning.services.attempts import attempt_start
from tests.api.test_attempts import _right_answers

pytestmark = pytest.mark.django_db

#: endpoint: (queries once warm, what they are)
HOT = {
    "preview": (1, "the path's head"),
    "tree": (1, "the path's head"),
    "list": (1, "the page with the count; rows from the cache"),
    "item": (1, "the item with its path's owner and visibility"),
    "due": (2, "path with deck, settings and new today; due and new cards"),
    "review": (6, "card with settings; lock with client id; upsert; insert; a transaction"),
    "submit": (5, "attempt; update (key views inside), insert in a transaction; quiz from memory"),
}


@pytest.fixture
def token_api(learner) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=learner).key}")
    return client


@pytest.fixture
def calls(token_api, api, clone, source, learner):
    card = Flashcard.objects.filter(path=clone).order_by("id").first()
    quiz = Quiz.objects.get(path=clone)

    def review():
        body = {"flashcard": card.pk, "rating": 3, "client_id": str(uuid.uuid4())}
        return lambda: token_api.post("/api/v1/reviews/", body, format="json")

    def submit():
        attempt = attempt_start(user=learner, quiz=quiz)
        body = {"answers": _right_answers(clone)}
        return lambda: token_api.post(f"/api/v1/attempts/{attempt.pk}/submit/", body, format="json")

    def get(client, url):
        return lambda: lambda: client.get(url)

    # Each makes its request, its data (a new client_id, a new attempt) made beforehand.
    return {
        "preview": get(api, f"/api/v1/paths/{source.slug}/"),
        "tree": get(token_api, f"/api/v1/paths/{clone.slug}/"),
        "list": get(token_api, "/api/v1/paths/"),
        "item": get(token_api, f"/api/v1/flashcards/{card.pk}/"),
        "due": get(token_api, f"/api/v1/reviews/due/?path={clone.slug}"),
        "review": review,
        "submit": submit,
    }


@pytest.mark.parametrize("endpoint", HOT)
def test_a_hot_endpoint_answers_in_its_pinned_queries(endpoint, calls, django_assert_num_queries):
    queries, what = HOT[endpoint]
    first = calls[endpoint]()()
    assert first.status_code < 300, first.content
    request = calls[endpoint]()
    with django_assert_num_queries(queries):
        answer = request()
    assert answer.status_code == first.status_code, answer.content
