"""A section may declare the numbers its prose states (claims): validated like keys,
exported and cloned with it, part of its content.

Who sees them, and a bad one refused at the door, are in ``tests/api/test_section_claims.py``.
"""

import pytest

from learning.models import Section, content_hash
from learning.selectors.bundles import path_export
from learning.services.bundles import path_import
from tests.helpers import CLAIM, bundle_with_claims, small_bundle

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle():
    return bundle_with_claims(small_bundle())


def test_claims_round_trip_through_import_and_export(bundle):
    path = path_import(data=bundle)
    exported = path_export(path)
    assert exported["sections"][0]["claims"] == [CLAIM]
    assert "claims" not in exported["sections"][1]  # optional: absent stays absent


def test_claims_are_content_and_a_claimless_hash_is_unchanged(bundle):
    path = path_import(data=bundle)
    with_claims = Section.objects.get(path=path, title="Intro")
    plain = Section.objects.get(path=path, title="Second")
    assert with_claims.content()["claims"] == [CLAIM]
    assert with_claims.content_hash == content_hash(with_claims.content())
    assert plain.content_hash == content_hash(
        {"title": "Second", "body": "Body **two**.", "parent_uid": None}
    )
