"""A token's user is kept in the cache (config.api_conventions), and forgotten the moment
the token is deleted or its user changed: a revoked token never keeps working here."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.helpers import queries_made

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(learner) -> Token:
    return Token.objects.create(user=learner)


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_known_token_costs_no_query_once_cached(token):
    client = client_with(token.key)
    first, _ = queries_made(client.get, "/api/v1/reviews/settings/")
    again, answer = queries_made(client.get, "/api/v1/reviews/settings/")
    assert answer.status_code == 200
    assert again == first - 1


def test_a_deleted_token_is_refused_at_once(token):
    client = client_with(token.key)
    assert client.get("/api/v1/reviews/settings/").status_code == 200
    token.delete()
    assert client.get("/api/v1/reviews/settings/").status_code == 401


def test_a_deactivated_user_is_refused_at_once(token, learner):
    client = client_with(token.key)
    assert client.get("/api/v1/reviews/settings/").status_code == 200
    learner.is_active = False
    learner.save()
    assert client.get("/api/v1/reviews/settings/").status_code == 401


def test_a_deleted_user_is_refused_at_once(token, learner):
    client = client_with(token.key)
    assert client.get("/api/v1/reviews/settings/").status_code == 200
    learner.delete()
    assert client.get("/api/v1/reviews/settings/").status_code == 401


def test_each_request_gets_its_own_copy_of_a_remembered_user(token):
    """A view may change ``request.user``; the next request must not see it."""
    from config.api_conventions import TokenOrBearerAuthentication

    auth = TokenOrBearerAuthentication()
    first, _ = auth.authenticate_credentials(token.key)
    first.first_name = "changed in one request"
    second, _ = auth.authenticate_credentials(token.key)
    assert second is not first and second.first_name != first.first_name
    assert second.pk == first.pk
