"""The OpenAPI schema and its docs page, served without any CDN."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_schema_lists_the_api(client):
    answer = client.get("/api/schema/?format=json")
    assert answer.status_code == 200
    paths = answer.json()["paths"]
    assert "/api/v1/auth/register/" in paths
    assert "/api/v1/auth/token/" in paths


def test_docs_page_loads_its_assets_locally(client):
    answer = client.get("/api/docs/")
    assert answer.status_code == 200
    page = answer.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets, "the docs page loads no assets"
    assert all(not a.startswith(("http:", "https:", "//")) for a in assets), assets
    assert client.get(next(a for a in assets if a.endswith(".js"))).status_code == 200


def test_the_schema_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    schema = (tmp_path / "s.yml").read_text()
    for endpoint in (
        "/api/v1/paths/{slug}/",
        "/api/v1/paths/{slug}/clone/",
        "/api/v1/paths/import/",
    ):
        assert f"  {endpoint}:" in schema, endpoint


def _operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def _json_bodies(operation: dict):
    """``(where, media object)`` of the request body and each success answer in JSON."""
    body = operation.get("requestBody", {}).get("content", {})
    if "application/json" in body:
        yield "request", body["application/json"]
    for status, answer in operation["responses"].items():
        media = answer.get("content", {}).get("application/json")
        if status.startswith("2") and media is not None:
            yield status, media


def test_every_operation_has_examples_for_its_body_and_its_success(client):
    schema = client.get("/api/schema/?format=json").json()
    missing = [
        f"{label} {where}"
        for label, operation in _operations(schema)
        for where, media in _json_bodies(operation)
        if not media.get("examples")
    ]
    assert not missing, missing


def _json_schema(node):
    """OpenAPI 3.0's ``nullable`` as JSON Schema's null type, everywhere in ``node``."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def test_every_example_is_valid_against_its_schema(client):
    """An example that drifts from its schema teaches a client the wrong thing."""
    from jsonschema import Draft202012Validator

    schema = client.get("/api/schema/?format=json").json()
    components = _json_schema(schema["components"])
    wrong = []
    for label, operation in _operations(schema):
        for where, media in _json_bodies(operation):
            validator = Draft202012Validator(
                _json_schema(media["schema"]) | {"components": components}
            )
            for name, example in media.get("examples", {}).items():
                wrong += [
                    f"{label} {where} {name}: {'.'.join(map(str, e.absolute_path))}: {e.message}"
                    for e in validator.iter_errors(example["value"])
                ]
    assert not wrong, "\n".join(wrong)


def test_token_and_bearer_are_declared_as_alternatives(client):
    schema = client.get("/api/schema/?format=json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == schemes["bearerAuth"] | {"type": "http", "scheme": "bearer"}
    assert "Token" in schemes["tokenAuth"]["description"]
    security = schema["paths"]["/api/v1/paths/{slug}/clone/"]["post"]["security"]
    assert {"tokenAuth": []} in security and {"bearerAuth": []} in security
    assert schema["paths"]["/api/v1/auth/register/"]["post"]["security"] == []
