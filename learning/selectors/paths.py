"""Reads of paths, and who may see or change them.

A path is visible to everyone when public, and to its owner and staff always; a path you
cannot see is a 404, never a 403, so its existence is not revealed. Staff may edit any
path; learners only their own.
"""

from django.db.models import Q, QuerySet

from config.errors import Forbidden, NotFound
from learning.models import Path, Visibility


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
