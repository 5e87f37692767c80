"""Sign-up and token exchange, and the one error shape."""

import pytest

pytestmark = pytest.mark.django_db


def test_register_returns_a_working_token(api):
    answer = api.post(
        "/api/v1/auth/register/", {"username": "lin", "password": "a long passphrase 42"}
    )
    assert answer.status_code == 201
    assert answer.json()["username"] == "lin"
    token = answer.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/").status_code == 200


def test_token_exchange(api, learner):
    answer = api.post(
        "/api/v1/auth/token/", {"username": "ada", "password": "correct horse battery staple"}
    )
    assert answer.status_code == 200
    again = api.post(
        "/api/v1/auth/token/", {"username": "ada", "password": "correct horse battery staple"}
    )
    assert again.json()["token"] == answer.json()["token"]


def test_wrong_password_is_a_401_that_says_why(api, learner):
    """Wrong credentials are an authentication failure (401), not bad input (400)."""
    answer = api.post("/api/v1/auth/token/", {"username": "ada", "password": "nope"})
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Token"
    body = answer.json()
    assert body["code"] == "authentication_failed"
    assert "username and password" in body["detail"].lower()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"password": "a long passphrase 42"}, "username"),
        ({"username": "lin"}, "password"),
        ({"username": "lin", "password": "123"}, "password"),
        ({"username": "bad name!", "password": "a long passphrase 42"}, "username"),
        ({"username": "x" * 151, "password": "a long passphrase 42"}, "username"),
    ],
)
def test_bad_registration_names_the_field_and_creates_nobody(
    api, django_user_model, payload, field
):
    answer = api.post("/api/v1/auth/register/", payload)
    assert answer.status_code == 400
    assert field in answer.json()["fields"]
    assert not django_user_model.objects.exists()


def test_taken_username(api, learner):
    answer = api.post(
        "/api/v1/auth/register/", {"username": "ADA", "password": "a long passphrase 42"}
    )
    assert answer.status_code == 400
    assert answer.json()["fields"]["username"] == ["That username is taken."]


def test_malformed_json_is_a_400(api):
    answer = api.generic(
        "POST", "/api/v1/auth/register/", "{not json", content_type="application/json"
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "parse_error"


def test_bad_token_is_a_401(api):
    api.credentials(HTTP_AUTHORIZATION="Token nope")
    answer = api.get("/api/v1/")
    assert answer.status_code == 401
    assert answer.json()["code"] == "authentication_failed"
