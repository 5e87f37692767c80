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
