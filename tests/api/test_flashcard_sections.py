"""A flashcard's section through the API: named by id in the tree, assigned by id, and
only a section of the card's own path; a bundle naming no section of its own is a 400.

Export, clone and sync are in ``tests/learning/test_flashcard_sections.py``.
"""

import pytest

from learning.models import Flashcard, Section
from learning.services.bundles import path_import
from learning.services.clone_path import path_clone
from tests.helpers import bundle_with_sections, item, small_bundle, uid

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    return path_import(data=bundle_with_sections(), visibility="public")


def test_the_tree_names_each_cards_section_by_id(api, source):
    tree = api.get(f"/api/v1/paths/{source.slug}/").json()
    intro = Section.objects.get(path=source, origin_uid=uid("s1"))
    assert tree["flashcards"][0]["section"] == intro.pk


def test_a_card_naming_no_section_of_the_bundle_is_a_400(learner_api):
    bundle = small_bundle()
    bundle["flashcards"][0]["section"] = uid("nowhere")
    answer = learner_api.post("/api/v1/paths/import/", bundle)
    assert answer.status_code == 400
    assert "flashcards.0.section" in answer.json()["fields"]


def test_the_owner_assigns_a_section_by_id_and_not_another_paths(learner, learner_api, source):
    clone = path_clone(path=source, user=learner)
    card = item(Flashcard, clone, "f1")
    theirs = item(Section, source, "s2")
    answer = learner_api.patch(f"/api/v1/flashcards/{card.pk}/", {"section": theirs.pk})
    assert answer.status_code == 400 and "section" in answer.json()["fields"]
    mine = item(Section, clone, "s2")
    answer = learner_api.patch(f"/api/v1/flashcards/{card.pk}/", {"section": mine.pk})
    assert answer.status_code == 200 and answer.json()["section"] == mine.pk
    tree = learner_api.get(f"/api/v1/paths/{clone.slug}/").json()
    assert tree["flashcards"][0]["section"] == mine.pk
