"""Fixtures shared by the clone and sync suites."""

import pytest

from learning.services.bundles import path_import
from learning.services.clone_path import path_clone
from tests.bundles import small_bundle


@pytest.fixture
def source():
    """A public platform path (no owner), like the ones instructors load."""
    return path_import(data=small_bundle(), visibility="public")


@pytest.fixture
def clone(source, learner):
    """The learner's clone of ``source``."""
    return path_clone(path=source, user=learner)
