"""A section may declare the numbers its prose states (claims): validated like keys,
exported and cloned with it, shown to editors, never to readers."""

import copy

import pytest

from learning.models import Section, content_hash
from learning.selectors.bundles import path_export
from learning.services.bundles import path_import
from tests.helpers import small_bundle

pytestmark = pytest.mark.django_db

CLAIM = {"text": "0.25", "compute": "sigmoid.derivative(0)", "value": 0.25, "tolerance": "1e-9"}


def bundle_with_claims(small_bundle_data: dict) -> dict:
    bundle = copy.deepcopy(small_bundle_data)
    bundle["sections"][0]["body"] += " Its slope at 0 is 0.25."
    bundle["sections"][0]["claims"] = [dict(CLAIM)]
    return bundle


@pytest.fixture
def bundle():
    return bundle_with_claims(small_bundle())


def test_claims_round_trip_through_import_and_export(bundle):
    path = path_import(data=bundle)
    exported = path_export(path)
    assert exported["sections"][0]["claims"] == [CLAIM]
    assert "claims" not in exported["sections"][1]  # optional: absent stays absent


def test_a_claim_that_cannot_be_computed_is_a_400_naming_it(learner_api, bundle):
    bundle["sections"][0]["claims"][0]["compute"] = "sigmoid.derivative(0"
    answer = learner_api.post("/api/v1/paths/import/", bundle)
    assert answer.status_code == 400
    assert "sections.0.claims.0.compute" in answer.json()["fields"]


def test_claims_are_for_editors_only(api, learner, learner_api, bundle):
    path = path_import(data=bundle, owner=learner, visibility="public")
    section = Section.objects.get(path=path, title="Intro")
    tree = learner_api.get(f"/api/v1/paths/{path.slug}/").json()
    assert "claims" not in tree["sections"][0]
    assert learner_api.get(f"/api/v1/sections/{section.pk}/").json()["claims"] == [CLAIM]
    assert "claims" not in api.get(f"/api/v1/sections/{section.pk}/").json()


def test_claims_are_content_and_a_claimless_hash_is_unchanged(bundle):
    path = path_import(data=bundle)
    with_claims = Section.objects.get(path=path, title="Intro")
    plain = Section.objects.get(path=path, title="Second")
    assert with_claims.content()["claims"] == [CLAIM]
    assert with_claims.content_hash == content_hash(with_claims.content())
    assert plain.content_hash == content_hash(
        {"title": "Second", "body": "Body **two**.", "parent_uid": None}
    )
