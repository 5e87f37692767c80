"""Reads of paths: who may see or change them, and the list of paths with their counts.

A path is visible to everyone when public, and to its owner and staff always; a path you
cannot see is a 404, never a 403, so its existence is not revealed. Staff may edit any
path; learners only their own.

The hot reads (SPEC §8) look a path up by :func:`path_head_for_read`: the five columns
that permission and the tree's cache key need, one query without a join. The list's rows
are cached by each path's version (:func:`path_summaries`), so a page costs its count and
one slim query once the rows have been built.
"""

from datetime import datetime
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from config.errors import Forbidden, NotFound
from learning.models import Flashcard, Path, Question, Resource, Section, Visibility

SUMMARY_TTL = 60 * 60 * 24


class PathHead(NamedTuple):
    """What a cached read of a path needs: who may see it and which version it is."""

    pk: int
    owner_id: int | None
    visibility: str
    version: int
    created_at: datetime


def path_visible(path: Path | PathHead, user) -> bool:
    """:func:`paths_visible_to`'s rule (``_visible``) for one path already in hand."""
    if path.visibility == Visibility.PUBLIC:
        return True
    return (
        user is not None and user.is_authenticated and (user.is_staff or path.owner_id == user.id)
    )


def path_head_for_read(*, slug: str, user) -> PathHead:
    """The :class:`PathHead` of ``slug`` if ``user`` may see it, else :class:`NotFound`."""
    row = Path.objects.filter(slug=slug).values_list(*PathHead._fields).first()
    if row is None or not path_visible(head := PathHead(*row), user):
        raise NotFound(f"No path {slug!r}.")
    return head


def paths_visible_to(user) -> QuerySet[Path]:
    return _visible(Path.objects.select_related("owner", "cloned_from"), user)


def _visible(paths: QuerySet[Path], user) -> QuerySet[Path]:
    if user is not None and user.is_authenticated:
        if user.is_staff:
            return paths
        return paths.filter(Q(visibility=Visibility.PUBLIC) | Q(owner=user))
    return paths.filter(visibility=Visibility.PUBLIC)


def path_can_edit(path: Path | PathHead, user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_staff or path.owner_id == user.id


def path_sees_whole(path: Path | PathHead, user) -> bool:
    """Owner and staff get the whole tree; everyone else the preview."""
    return path_can_edit(path, user)


def path_get_for_read(*, slug: str, user) -> Path:
    path = paths_visible_to(user).filter(slug=slug).first()
    if path is None:
        raise NotFound(f"No path {slug!r}.")
    return path


def path_get_for_write(*, slug: str, user) -> Path:
    """The path if ``user`` may change it: 404 if they cannot see it, 403 if only see it."""
    path = path_get_for_read(slug=slug, user=user)
    if not path_can_edit(path, user):
        raise Forbidden("Only the path's owner or staff may change it. Clone it to make it yours.")
    return path


def _count_of(model) -> Coalesce:
    per_path = (
        model.objects.filter(path=OuterRef("pk"))
        .order_by()
        .values("path")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_path, output_field=IntegerField()), 0)


def paths_listed(*, user, mine: bool = False, q: str = "") -> QuerySet[Path]:
    """Paths ``user`` may see (``mine``: only their own), ``q`` matching title or summary,
    in title order; only what :func:`path_summaries` needs to find their rows is loaded."""
    paths = _visible(Path.objects.all(), user)
    if mine:
        paths = paths.filter(owner=user)
    if q:
        paths = paths.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    return paths.only("pk", "version", "created_at").order_by("title", "id")


def with_item_counts(paths: QuerySet[Path]) -> QuerySet[Path]:
    """``paths`` annotated with ``n_sections``, ``n_flashcards``, ``n_questions``,
    ``n_resources`` (subqueries, so no join multiplies rows)."""
    return paths.annotate(
        n_sections=_count_of(Section),
        n_flashcards=_count_of(Flashcard),
        n_questions=_count_of(Question),
        n_resources=_count_of(Resource),
    )


def summary_cache_key(path: Path) -> str:
    # created_at guards against a reused pk, as for the tree (selectors.trees).
    born = int(path.created_at.timestamp() * 1_000_000) if path.created_at else 0
    return f"path-row:{path.pk}:{born}:{path.version}"


def path_summaries(paths) -> list[dict]:
    """The list's row of each of ``paths`` (with pk, version and created_at loaded), in
    their order: from the cache by version, the rows not there built in one query. Every
    change a row shows bumps the version (``services.paths.path_content_changed``), except
    an owner's new username, as in the tree."""
    paths = list(paths)
    keys = [summary_cache_key(path) for path in paths]
    rows = cache.get_many(keys)
    missing = [path.pk for path, key in zip(paths, keys, strict=True) if key not in rows]
    built = {}
    if missing:
        fresh = with_item_counts(Path.objects.select_related("owner", "cloned_from"))
        built = {path.pk: path_summary(path) for path in fresh.filter(pk__in=missing)}
        cache.set_many(
            {summary_cache_key(p): built[p.pk] for p in paths if p.pk in built}, SUMMARY_TTL
        )
    return [
        rows.get(key) or built[path.pk]
        for path, key in zip(paths, keys, strict=True)
        if key in rows or path.pk in built
    ]


def path_summary(path: Path) -> dict:
    """The light row of the list (``path`` annotated by :func:`with_item_counts`)."""
    return {
        "slug": path.slug,
        "title": path.title,
        "summary": path.summary,
        "owner": path.owner.username if path.owner_id else None,
        "visibility": path.visibility,
        "version": path.version,
        "cloned_from": path.cloned_from.slug if path.cloned_from_id else None,
        "counts": {
            "sections": path.n_sections,
            "flashcards": path.n_flashcards,
            "questions": path.n_questions,
            "resources": path.n_resources,
        },
    }
