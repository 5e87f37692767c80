"""What every API answer keeps to (config/api_conventions.py): the error shape for every
status, JSON bodies only, the token schemes, strict flags, and a schema that says so."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def assert_error_shape(answer, status: int, code: str) -> dict:
    assert answer.status_code == status, answer.content[:300]
    assert answer["Content-Type"].startswith("application/json")
    body = answer.json()
    assert body["code"] == code and body["detail"], body
    return body


def test_an_unknown_api_url_is_a_json_404(api):
    assert_error_shape(api.get("/api/v1/no-such-thing/"), 404, "not_found")


def test_a_write_without_its_trailing_slash_is_a_404_that_says_where(learner_api):
    answer = learner_api.post("/api/v1/paths/import", {"format": "x"})
    body = assert_error_shape(answer, 404, "not_found")
    assert "/api/v1/paths/import/" in body["detail"]


def test_a_crash_under_the_api_is_a_json_500(learner_api, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("learning.api.paths.paths_listed", broken)
    learner_api.raise_request_exception = False
    assert_error_shape(learner_api.get("/api/v1/paths/"), 500, "server_error")


def test_the_api_reads_json_only(learner_api):
    answer = learner_api.post("/api/v1/paths/import/", {"format": "x"}, format="multipart")
    assert_error_shape(answer, 415, "unsupported_media_type")


@pytest.mark.parametrize("scheme", ["Token", "Bearer", "bearer"])
def test_a_token_is_accepted_under_either_scheme(learner, scheme):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {Token.objects.create(user=learner).key}")
    assert client.get("/api/v1/paths/", {"mine": "1"}).status_code == 200


@pytest.mark.parametrize("header", ["Basic YWRhOnNlY3JldA==", "Token", "Token a b"])
def test_an_unknown_scheme_or_a_malformed_header_is_a_401(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert_error_shape(client.get("/api/v1/paths/"), 401, "authentication_failed")


def test_a_flag_that_is_neither_true_nor_false_is_a_400(learner_api):
    body = assert_error_shape(
        learner_api.get("/api/v1/paths/", {"mine": "perhaps"}), 400, "invalid"
    )
    assert "mine" in body["fields"]
    assert learner_api.get("/api/v1/paths/", {"mine": "false"}).status_code == 200


def test_the_schema_documents_pages_and_errors(client):
    schema = client.get("/api/schema/?format=json").json()
    listing = schema["paths"]["/api/v1/paths/"]["get"]
    page = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][page.rsplit("/", 1)[1]]
    assert set(component["properties"]) == {"count", "next", "previous", "results"}
    assert "page" in {p["name"] for p in listing["parameters"]}
    assert "404" in listing["responses"]  # a page past the last
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert "400" in operation["responses"], (method, path)
            for status, answer in operation["responses"].items():
                if status >= "400":
                    error = answer["content"]["application/json"]["schema"]
                    assert error == {"$ref": "#/components/schemas/Error"}, (method, path)
    write = schema["paths"]["/api/v1/paths/import/"]["post"]
    assert set(write["requestBody"]["content"]) == {"application/json"}
