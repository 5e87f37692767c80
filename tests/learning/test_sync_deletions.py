"""Tombstones written by the item services: a deleted upstream item stays deleted.

What ``updates/`` and ``sync/`` make of them is in ``tests/api/test_sync_deletions.py``.
"""

import pytest

from learning.models import Section
from learning.services.items import item_delete
from tests.helpers import edit, tombstones

pytestmark = pytest.mark.django_db


def test_a_section_you_made_takes_the_upstream_subsection_you_moved_into_it(learner, clone):
    mine = Section.objects.create(path=clone, title="My section")
    moved = edit(Section, clone, "s1a", parent=mine)
    item_delete(item=mine)
    assert tombstones(clone) == {str(moved.origin_uid): "section"}
