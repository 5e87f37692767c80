"""Reads of paths: who may see or change them, and the list of paths with their counts.

A path is visible to everyone when public, and to its owner and staff always; a path you
cannot see is a 404, never a 403, so its existence is not revealed. Staff may edit any
path; learners only their own.
"""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from config.errors import Forbidden, NotFound
from learning.models import Flashcard, Path, Question, Resource, Section, Visibility


def paths_visible_to(user) -> QuerySet[Path]:
    paths = Path.objects.select_related("owner", "cloned_from")
    if user is not None and user.is_authenticated:
        if user.is_staff:
            return paths
        return paths.filter(Q(visibility=Visibility.PUBLIC) | Q(owner=user))
    return paths.filter(visibility=Visibility.PUBLIC)


def path_can_edit(path: Path, user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_staff or path.owner_id == user.id


def path_sees_whole(path: Path, user) -> bool:
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
    each annotated with its item counts (one query whatever the page size)."""
    paths = paths_visible_to(user)
    if mine:
        paths = paths.filter(owner=user)
    if q:
        paths = paths.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    return with_item_counts(paths).order_by("title", "id")


def with_item_counts(paths: QuerySet[Path]) -> QuerySet[Path]:
    """``paths`` annotated with ``n_sections``, ``n_flashcards``, ``n_questions``,
    ``n_resources`` (subqueries, so no join multiplies rows)."""
    return paths.annotate(
        n_sections=_count_of(Section),
        n_flashcards=_count_of(Flashcard),
        n_questions=_count_of(Question),
        n_resources=_count_of(Resource),
    )


def path_summary(path: Path) -> dict:
    """The light row of the list (``path`` annotated by :func:`paths_listed`)."""
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
