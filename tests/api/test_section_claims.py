"""Section claims through the API: shown to editors, never to readers; a bad one is a 400.

Their import, export and hash are in ``tests/learning/test_section_claims.py``.
"""

import pytest

from learning.models import Section
from learning.services.bundles import path_import
from tests.helpers import CLAIM, bundle_with_claims, small_bundle

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle():
    return bundle_with_claims(small_bundle())


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
