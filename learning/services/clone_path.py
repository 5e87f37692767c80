"""Make a path your own: :class:`ClonePath`, a private, complete, editable copy.

In Wagtail's shape, ``check()`` then ``execute()``, so that the API, the admin action and
``manage.py clone_path`` behave identically (all call ``path_clone``). The rows are copied
inside the database (``learning.services.clone_rows``): constant queries whatever the size.
"""

from django.db import IntegrityError, connection, transaction

from config.errors import Forbidden, NotFound
from learning.models import Path, Visibility
from learning.selectors.paths import paths_visible_to
from learning.services.clone_rows import items_copy
from learning.services.paths import unique_slug

__all__ = ["ClonePath", "path_clone"]

#: Tries at a free slug when another clone takes ours between the check and the insert.
SLUG_ATTEMPTS = 5


def source_share_lock(path: Path) -> None:
    """Hold edits of ``path`` off until this transaction ends, so the copy is one version.

    Every content change ends by bumping the path's version, an UPDATE of its row, which
    ``FOR SHARE`` makes wait; other clones share the lock and run side by side. SQLite
    runs one writer at a time, so it needs nothing.
    """
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Path._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR SHARE", [path.pk])


class ClonePath:
    """A private, complete, editable copy of ``path`` owned by ``user``.

    Items keep their ``origin_uid`` and record upstream's hash (``synced_hash``); the copy
    records ``cloned_from`` and ``source_version``. Figures and audio are shared, not copied.
    Constant queries whatever the path's size: the items are copied inside the database
    (``learning.services.clone_rows``).
    """

    def __init__(self, path: Path, user):
        self.path = path
        self.user = user

    def check(self, skip_permission_checks: bool = False) -> None:
        if self.user is None or not self.user.is_authenticated:
            raise Forbidden("Sign in to clone a path.")
        if skip_permission_checks:
            return
        if not paths_visible_to(self.user).filter(pk=self.path.pk).exists():
            raise NotFound(f"No path {self.path.slug!r}.")

    def execute(self, skip_permission_checks: bool = False) -> Path:
        self.check(skip_permission_checks)
        with transaction.atomic():
            source_share_lock(self.path)
            source = Path.objects.get(pk=self.path.pk)
            clone = self._create(source)
            items_copy(source=source, clone=clone)
        return clone

    def slug_base(self, source: Path) -> str:
        """``<source-slug>-<username>``; a clone of your own clone does not repeat the name."""
        suffix = f"-{self.user.username}".lower()
        if source.owner_id == self.user.pk and source.slug.endswith(suffix):
            return source.slug
        return f"{source.slug}{suffix}"

    def _create(self, source: Path) -> Path:
        """The clone's row; a slug taken meanwhile (a second clone at once) means try again."""
        for attempt in range(SLUG_ATTEMPTS):
            try:
                with transaction.atomic():
                    return Path.objects.create(
                        slug=unique_slug(self.slug_base(source)),
                        title=source.title,
                        summary=source.summary,
                        key_points=list(source.key_points),
                        owner=self.user,
                        visibility=Visibility.PRIVATE,
                        cloned_from=source,
                        source_version=source.version,
                    )
            except IntegrityError:
                if attempt == SLUG_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")


def path_clone(*, path: Path, user) -> Path:
    """Clone ``path`` for ``user`` (see :class:`ClonePath`)."""
    return ClonePath(path, user).execute()
