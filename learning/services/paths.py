"""Writes to a path itself: its version, its fields, its deletion."""

from django.db.models import F

from learning.models import Path


def path_content_changed(path: Path) -> None:
    """Bump the version: every content change does, so caches and ETags move on."""
    Path.objects.filter(pk=path.pk).update(version=F("version") + 1)
    path.refresh_from_db(fields=["version", "updated_at"])
