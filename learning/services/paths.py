"""Writes to a path itself: its version, its fields, its deletion."""

from django.db import transaction
from django.db.models import F
from django.utils.text import slugify

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
    """Publish or unpublish paths; returns how many changed. The list's rows show the
    visibility, so the version moves on (``selectors.paths.path_summaries``)."""
    return (
        Path.objects.filter(pk__in=[p.pk for p in paths])
        .exclude(visibility=visibility)
        .update(visibility=visibility, version=F("version") + 1)
    )


#: Slugs the API's routes use after ``paths/`` (``POST paths/import/``): never a path's.
RESERVED_SLUGS = frozenset({"import"})


def unique_slug(base: str) -> str:
    """``base`` if free, else ``base-2``, ``base-3``… (one query)."""
    base = slugify(base)[:100] or "path"
    taken = set(Path.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= RESERVED_SLUGS
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)
