"""What changed upstream since a clone last synced: the two snapshots the merge compares.

The merge itself (its rules, case by case) is ``learning.merge``; this module reads.
"""

from config.errors import Conflict, InvalidInput
from learning.kinds import KINDS
from learning.merge import Snapshot, merge_plan, plan_listing
from learning.models import DeletedItem, Path, PathItem
from learning.selectors.items import items_of_kind, path_items
from learning.selectors.paths import paths_visible_to


def path_snapshot(path: Path, *, with_deleted: bool = False) -> Snapshot:
    """Every item of ``path`` in a constant number of queries (those of ``path_items``);
    ``with_deleted``: its tombstones too, in one more."""
    items = path_items(path)
    snapshot = Snapshot(path)
    if with_deleted:
        snapshot.deleted = {
            (tombstone.kind, str(tombstone.origin_uid)): tombstone
            for tombstone in DeletedItem.objects.filter(path=path)
        }
    seen: dict[tuple[str, int], PathItem] = {}
    for kind in KINDS:  # holders first, so creating items in snapshot order never misses one
        rows = items_of_kind(items, kind)
        if kind.holder_kind == kind.name:  # subsections after the sections that hold them
            rows = sorted(rows, key=lambda item: getattr(item, f"{kind.holder}_id") is not None)
        for item in rows:
            holder = None
            if kind.holder and getattr(item, f"{kind.holder}_id") is not None:
                holder = seen[(kind.holder_kind, getattr(item, f"{kind.holder}_id"))]
                setattr(item, kind.holder, holder)
            snapshot.add(kind.name, item, holder)
            seen[(kind.name, item.pk)] = item
    return snapshot


# --- reads ---------------------------------------------------------------------------------


def clone_upstream(*, path: Path, user=None) -> Path:
    """The path ``path`` was cloned from: 400 if it is no clone, 409 if upstream is gone.

    With ``user``, an upstream they can no longer see counts as gone.
    """
    if path.cloned_from_id is None:
        if path.source_version is None:
            raise InvalidInput(
                f"{path.slug!r} is not a clone: only a clone has upstream updates to pull."
            )
        raise Conflict(f"The path {path.slug!r} was cloned from no longer exists.")
    upstream = Path.objects.filter(pk=path.cloned_from_id)
    if user is not None:
        upstream = upstream & paths_visible_to(user)
    found = upstream.first()
    if found is None:
        raise Conflict(f"The path {path.slug!r} was cloned from is no longer available.")
    return found


def path_updates(*, path: Path, user=None) -> dict:
    """Upstream changes since ``path`` was cloned or last synced, in constant queries.

    ``{added, changed, removed, conflicts, upstream_version, source_version}``.
    """
    upstream = clone_upstream(path=path, user=user)
    plan = merge_plan(
        clone=path_snapshot(path, with_deleted=True), upstream=path_snapshot(upstream)
    )
    return plan_listing(plan) | {
        "upstream_version": upstream.version,
        "source_version": path.source_version,
    }
