"""Pull upstream's changes into a clone: :class:`SyncPath`, a three-way merge per item.

``check()`` then ``execute()``, called alike by the API, the admin and ``manage.py
clone_path --sync`` (through ``path_sync``). What happens to each item is decided by
``learning.merge`` (its docstring holds the table) on the snapshots read by
``learning.selectors.clones``; ``learning.services.plan_writer`` writes the plan, in one
transaction and a bounded number of queries.
"""

import uuid
from collections.abc import Iterable

from django.db import transaction

from config.errors import Forbidden, InvalidInput
from learning.merge import conflict_entry, entry, merge_plan
from learning.models import Path
from learning.selectors.clones import clone_upstream, path_snapshot
from learning.selectors.paths import path_can_edit
from learning.services.paths import path_content_changed
from learning.services.plan_writer import PlanWriter

__all__ = ["SyncPath", "path_sync"]


class SyncPath:
    """Pull upstream's changes into the clone ``path`` (see ``learning.selectors.clones``).

    ``decline`` and ``take`` are origin_uids: decline an update (a conflict, a change, an
    addition or a removal), or take upstream's side of a conflict. Re-running is harmless.
    """

    def __init__(self, path: Path, user, *, decline: Iterable = (), take: Iterable = ()):
        self.path = path
        self.user = user
        self.decline = uid_set(decline, "decline")
        self.take = uid_set(take, "take")

    def check(self, skip_permission_checks: bool = False) -> None:
        both = sorted(self.decline & self.take)
        if both:
            raise InvalidInput(
                f"Both declined and taken: {', '.join(both)}.",
                fields={"take": [f"Also declined: {uid}" for uid in both]},
            )
        if not skip_permission_checks and not path_can_edit(self.path, self.user):
            raise Forbidden("Only the path's owner or staff may sync it.")

    def execute(self, skip_permission_checks: bool = False) -> dict:
        self.check(skip_permission_checks)
        with transaction.atomic():
            clone = Path.objects.select_for_update().get(pk=self.path.pk)
            upstream = clone_upstream(
                path=clone, user=None if skip_permission_checks else self.user
            )
            mine = path_snapshot(clone, with_deleted=True)
            theirs = path_snapshot(upstream)
            known = mine.uids() | theirs.uids()
            for name, uids in (("decline", self.decline), ("take", self.take)):
                unknown = sorted(uids - known)
                if unknown:
                    raise InvalidInput(
                        f"{name}: no item of this path or its upstream has origin_uid "
                        f"{', '.join(unknown)}.",
                        fields={name: [f"Unknown origin_uid: {uid}" for uid in unknown]},
                    )
            plan = merge_plan(clone=mine, upstream=theirs, decline=self.decline, take=self.take)
            applied = PlanWriter(plan).write()
            if applied["added"] or applied["changed"] or applied["removed"]:
                path_content_changed(clone)
            if clone.source_version != upstream.version:
                Path.objects.filter(pk=clone.pk).update(source_version=upstream.version)
                clone.source_version = upstream.version
        self.path.version, self.path.source_version = clone.version, clone.source_version
        return {
            "applied": applied,
            "declined": [
                entry(key, mine.items.get(key) or theirs.items[key]) for key in plan.declined
            ],
            "conflicts": [conflict_entry(plan, key) for key in plan.conflicts],
            "source_version": clone.source_version,
            "upstream_version": upstream.version,
            "version": clone.version,
        }


def uid_set(values: Iterable, field: str) -> set[str]:
    """The origin_uids as canonical strings, or a 400 naming the malformed ones."""
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise InvalidInput(f"{field}: a list of origin_uids.", fields={field: ["Expected a list."]})
    uids, bad = set(), []
    for value in values:
        try:
            uids.add(str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))))
        except ValueError:
            bad.append(str(value))
    if bad:
        raise InvalidInput(
            f"{field}: not an origin_uid: {', '.join(bad)}.",
            fields={field: [f"Not a UUID: {value}" for value in bad]},
        )
    return uids


def path_sync(*, path: Path, user, decline: Iterable = (), take: Iterable = ()) -> dict:
    """Pull upstream's changes into the clone ``path`` (see :class:`SyncPath`).

    ``{applied: {added, changed, removed}, declined, conflicts, source_version,
    upstream_version, version}``.
    """
    return SyncPath(path, user, decline=decline, take=take).execute()
