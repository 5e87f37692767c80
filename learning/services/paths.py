"""Writes to a path itself: its version, its fields, its deletion."""

from django.db import transaction
from django.db.models import F

from learning.models import Path


def path_content_changed(path: Path) -> None:
    """Bump the version: every content change does, so caches and ETags move on."""
    Path.objects.filter(pk=path.pk).update(version=F("version") + 1)
    path.refresh_from_db(fields=["version", "updated_at"])


PATH_FIELDS = ("title", "summary", "key_points", "visibility")


@transaction.atomic
def path_update(*, path: Path, data: dict) -> Path:
    """Change the path's title, summary, key points or visibility; the version moves on."""
    for name in PATH_FIELDS:
        if name in data:
            setattr(path, name, data[name])
    path.save(update_fields=[*[n for n in PATH_FIELDS if n in data], "updated_at"])
    path_content_changed(path)
    return path


def path_delete(*, path: Path) -> None:
    path.delete()


def paths_visibility_set(*, paths, visibility: str) -> int:
    """Publish or unpublish paths; returns how many changed. The tree does not show the
    visibility, so versions stay."""
    return (
        Path.objects.filter(pk__in=[p.pk for p in paths])
        .exclude(visibility=visibility)
        .update(visibility=visibility)
    )
