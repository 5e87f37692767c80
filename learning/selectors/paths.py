"""Reads of paths: who may see or change them, and the list of paths with their counts.

A path is visible to everyone when public, and to its owner and staff always; a path you
cannot see is a 404, never a 403, so its existence is not revealed. Staff may edit any
path; learners only their own.

The hot reads (SPEC §8) look a path up by :func:`path_head_for_read`: the five columns
that permission and the tree's cache key need, one query without a join. The list's rows
are cached by each path's version (:func:`path_summaries`, each process keeping its own
copy too), so a page costs one slim query, its count beside each row, once the rows have
been built.
"""

import json
from datetime import datetime
from functools import cache as cache_per_process
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce

from config.errors import Forbidden, NotFound
from config.local_cache import LocalBytes
from config.prepared import Prepared
from learning.models import Flashcard, Path, Question, Resource, Section, Visibility

SUMMARY_TTL = 60 * 60 * 24
#: Each process keeps the list rows it served last, as JSON (a versioned row never changes).
rows_in_process = LocalBytes(2 * 1024 * 1024)


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


_HEAD = Prepared(
    lambda slug: Path.objects.filter(slug=slug).order_by().values_list(*PathHead._fields),
    slug=str,
)


def path_head_for_read(*, slug: str, user) -> PathHead:
    """The :class:`PathHead` of ``slug`` if ``user`` may see it, else :class:`NotFound`."""
    row = _HEAD.first(slug=slug)
    if row is None or not path_visible(head := PathHead(*row), user):
        raise NotFound(f"No path {slug!r}.")
    return head


def paths_visible_to(user) -> QuerySet[Path]:
    return _visible(Path.objects.select_related("owner", "cloned_from"), *_who(user))


def _who(user) -> tuple[int | None, bool]:
    signed_in = user is not None and user.is_authenticated
    return (user.pk if signed_in else None), signed_in and user.is_staff


def _visible(paths: QuerySet[Path], user_id: int | None, staff: bool) -> QuerySet[Path]:
    if staff:
        return paths
    if user_id is not None:
        return paths.filter(Q(visibility=Visibility.PUBLIC) | Q(owner_id=user_id))
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


class PathRow(NamedTuple):
    """What :func:`path_summaries` needs to find a path's cached row."""

    pk: int
    version: int
    created_at: datetime


def paths_listed(*, user, mine: bool = False, q: str = "") -> "PathListing | QuerySet[Path]":
    """Paths ``user`` may see (``mine``: only their own), ``q`` matching title or summary,
    in title order, for a paginator: :class:`PathRow` rows (model instances with only
    those fields loaded when searching)."""
    user_id, staff = _who(user)
    if not q:
        return PathListing(user_id=user_id, staff=staff, mine=mine)
    paths = _listed(user_id, staff, mine)
    paths = paths.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    return paths.only(*PathRow._fields).order_by("title", "id")


def _listed(user_id: int | None, staff: bool, mine: bool) -> QuerySet[Path]:
    paths = _visible(Path.objects.all(), user_id, staff)
    return paths.filter(owner_id=user_id) if mine else paths


class PathListing:
    """The list without a search, as Django's paginator reads it (``count()`` and a slice),
    each a prepared query: the list is the hottest read after the tree. Told the page
    beforehand (:meth:`read_ahead`), it reads the page and the count in one query."""

    def __init__(self, *, user_id: int | None, staff: bool, mine: bool):
        self.shape = (user_id is not None, staff, mine)
        self.values = {"user_id": user_id} if _uses_user(*self.shape) else {}
        self._count: int | None = None
        self._ahead: tuple[slice, list[PathRow]] | None = None

    def read_ahead(self, window: slice) -> None:
        """Read ``window``'s rows and the count now (``COUNT(*) OVER ()`` beside each row;
        a window past the end leaves the count to its own query)."""
        rows = _listing_queries(*self.shape)[2].rows(window=window, **self.values)
        self._ahead = (window, [PathRow(*row[:-1]) for row in rows])
        if rows:
            self._count = rows[0][-1]
        elif not window.start:
            self._count = 0

    def count(self) -> int:
        if self._count is None:
            row = _listing_queries(*self.shape)[0].first(**self.values)
            self._count = row[0] if row else 0
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[PathRow]:
        if not isinstance(window, slice) or window.step is not None:
            raise TypeError("A listing is read whole or by a slice.")
        whole = window.start is None and window.stop is None
        if self._ahead is not None and not whole:
            ahead, rows = self._ahead
            start = window.start or 0
            # The paginator cuts the last page at the count: still within what was read.
            if start == (ahead.start or 0) and window.stop is not None:
                if window.stop <= ahead.stop or self.count() <= ahead.stop:
                    return rows[: window.stop - start]
        rows = _listing_queries(*self.shape)[1].rows(
            window=None if whole else window, **self.values
        )
        return [PathRow(*row) for row in rows]

    def __iter__(self):
        return iter(self[:])


def _uses_user(signed_in: bool, staff: bool, mine: bool) -> bool:
    return signed_in and (mine or not staff)


@cache_per_process
def _listing_queries(
    signed_in: bool, staff: bool, mine: bool
) -> tuple[Prepared, Prepared, Prepared]:
    """The count, the rows, and the rows each with the count."""

    def listed(**values) -> QuerySet[Path]:
        return _listed(values.get("user_id") if signed_in else None, staff, mine)

    def rows(**values) -> QuerySet[Path]:
        return listed(**values).order_by("title", "id")

    # COUNT(*) OVER (): values_list(Count(…)) would group by every column.
    everyone = Window(Count("pk"))
    kinds = {"user_id": int} if _uses_user(signed_in, staff, mine) else {}
    return (
        Prepared(lambda **v: listed(**v).order_by().annotate(n=everyone).values_list("n"), **kinds),
        Prepared(lambda **v: rows(**v).values_list(*PathRow._fields), **kinds),
        Prepared(
            lambda **v: rows(**v).annotate(n=everyone).values_list(*PathRow._fields, "n"), **kinds
        ),
    )


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
    their order: by version, from this process's memory, else the shared cache, else
    built (the rows missing, in one query). Every change a row shows bumps the version
    (``services.paths.path_content_changed``), except an owner's new username, as in the
    tree."""
    paths = list(paths)
    keys = [summary_cache_key(path) for path in paths]
    rows = {}
    for key in keys:
        kept = rows_in_process.get(key)
        if kept is not None:
            rows[key] = json.loads(kept)  # a copy per request: callers may add to a row
    if len(rows) < len(keys):
        shared = cache.get_many([key for key in keys if key not in rows])
        _keep_in_process(shared)
        rows |= shared
    built = {}
    missing = [path.pk for path, key in zip(paths, keys, strict=True) if key not in rows]
    if missing:
        fresh = with_item_counts(Path.objects.select_related("owner", "cloned_from"))
        built = {path.pk: path_summary(path) for path in fresh.filter(pk__in=missing)}
        made = {summary_cache_key(p): built[p.pk] for p in paths if p.pk in built}
        cache.set_many(made, SUMMARY_TTL)
        _keep_in_process(made)
    return [
        rows.get(key) or built[path.pk]
        for path, key in zip(paths, keys, strict=True)
        if key in rows or path.pk in built
    ]


def _keep_in_process(rows: dict[str, dict]) -> None:
    for key, row in rows.items():
        rows_in_process.set(key, json.dumps(row).encode())


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
