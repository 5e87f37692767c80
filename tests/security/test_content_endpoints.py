"""The pipeline's doors under hostile input: any body to ``generate/``, odd job ids, odd
``Range`` headers on media — a 4xx in the one error shape or a success, never a 500."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from content.models import GenerationJob
from learning.services.bundles import path_import
from tests.helpers import client_for, small_bundle

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)


@pytest.fixture
def owner_client(make_user):
    owner = make_user("owner")
    path = path_import(data=small_bundle(slug="fuzzed"), owner=owner)
    return client_for(owner), path


@given(payload=st.dictionaries(texts, texts | st.integers() | st.none(), max_size=4) | texts)
@FUZZ
def test_any_body_to_generate_is_ignored_and_one_job_results(owner_client, payload):
    client, path = owner_client
    answer = client.post(f"/api/v1/paths/{path.slug}/generate/", payload, format="json")
    assert answer.status_code == 202, answer.content[:300]
    assert GenerationJob.objects.filter(path=path).count() == 1


@given(segment=texts)
@FUZZ
def test_odd_job_ids_are_404s(owner_client, segment):
    client, _ = owner_client
    answer = client.get(f"/api/v1/jobs/{segment}/")
    assert answer.status_code < 500, answer.content[:300]
    if answer.status_code >= 400 and answer["Content-Type"] == "application/json":
        assert answer.json()["code"]


@pytest.fixture(scope="module")
def media_url():
    name = default_storage.save("tests/fuzz.bin", ContentFile(b"x" * 300))
    yield f"/media/{name}"
    default_storage.delete(name)


@given(header=texts | st.from_regex(r"bytes=-?\d{0,25}-?\d{0,25}(,\d*-\d*)?", fullmatch=True))
@FUZZ
def test_any_range_header_is_answered(client, media_url, header):
    answer = client.get(media_url, HTTP_RANGE=header)
    assert answer.status_code in (200, 206, 416), (header, answer.status_code)
    if answer.status_code == 206:
        assert len(b"".join(answer.streaming_content)) == int(answer["Content-Length"])
