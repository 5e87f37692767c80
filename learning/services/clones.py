"""Make a path your own: clone it, then pull its upstream changes with a three-way merge.

Two actions in Wagtail's shape, ``check()`` then ``execute()``, so that the API, the admin
and ``manage.py clone_path`` behave identically: :class:`ClonePath` and :class:`SyncPath`,
with the functions ``path_clone``, ``path_updates`` and ``path_sync`` in front of them.
What a sync does per item is decided in ``learning.selectors.clones`` (its docstring holds
the table); this module writes it, in one transaction and a bounded number of queries.
``deleted_items_record`` leaves the tombstones that keep a deletion in a clone deleted.
"""

import math
import sqlite3
import uuid
from collections.abc import Iterable

from django.db import IntegrityError, connection, transaction
from django.db.models.fields.files import FieldFile

from config.errors import Forbidden, InvalidInput, NotFound
from learning.models import (
    Choice,
    DeletedItem,
    Path,
    PathItem,
    Question,
    Quiz,
    Section,
    Visibility,
)
from learning.selectors.clones import (
    KIND,
    KINDS,
    Group,
    Key,
    MergePlan,
    clone_upstream,
    conflict_entry,
    entry,
    merge_plan,
    path_snapshot,
    path_updates,
)
from learning.selectors.paths import path_can_edit, paths_visible_to
from learning.services.bundles import unique_slug
from learning.services.clone_rows import items_copy
from learning.services.paths import path_content_changed

__all__ = [
    "ClonePath",
    "SyncPath",
    "deleted_items_record",
    "path_clone",
    "path_sync",
    "path_updates",
]

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


class PlanWriter:
    """Writes a :class:`MergePlan` into the clone: deletes, bulk inserts, bulk updates."""

    def __init__(self, plan: MergePlan):
        self.plan = plan
        self.clone, self.upstream = plan.clone, plan.upstream
        removed = set(plan.removed)
        #: Every item the clone holds once written, by key (new ones added as created).
        self.items: dict[Key, PathItem] = {
            key: item for key, item in self.clone.items.items() if key not in removed
        }
        self.following = set(plan.changed) | set(plan.added)
        #: The merge lands every addition with its holder (present, or added too).
        self.added = list(plan.added)
        self.dirty: dict[Key, PathItem] = {}
        #: The choices a question takes from upstream, by the question's key.
        self.choices: dict[Key, list[Choice]] = {}

    def write(self) -> dict:
        plan = self.plan
        removed = [entry(key, self.clone.items[key]) for key in plan.removed]
        self._delete(plan.removed)
        positions = self._positions()
        self._create(positions)
        self._follow(plan.changed)
        for key, synced in plan.rebased.items():
            self.items[key].synced_hash = synced
            self.dirty[key] = self.items[key]
        for key, position in positions.items():
            item = self.items[key]
            if item.position != position:
                item.position = position
                self.dirty[key] = item
        self._update()
        self._tombstones()
        return {
            "added": [entry(key, self.items[key]) for key in self.added],
            "changed": [entry(key, self.items[key]) for key in plan.changed],
            "removed": removed,
        }

    # -- where things go ------------------------------------------------------------------

    def future_group(self, key: Key) -> Group:
        """The group an item sits in once written: upstream's, if its holder is there."""
        mine = self.clone.group_of.get(key)
        if key not in self.following:
            return mine
        group = self.upstream.group_of[key]
        holder = group[1]
        if holder is None or holder in self.items or holder in self.plan.added:
            return group
        return mine if key[0] == "question" else (key[0], None)

    def _positions(self) -> dict[Key, int]:
        """New positions in the groups that receive an item: each lands after its upstream
        predecessor (the nearest earlier upstream sibling present in the clone)."""
        arriving = {
            key
            for key in [*self.added, *self.plan.changed]
            if self.future_group(key) != self.clone.group_of.get(key)
        }
        groups = {self.future_group(key) for key in arriving}
        if not groups:
            return {}
        staying: dict[Group, list[Key]] = {group: [] for group in groups}
        for key in self.items:
            group = self.future_group(key)
            if group in staying and key not in arriving:
                staying[group].append(key)
        upstream_order: dict[Group, list[Key]] = {group: [] for group in groups}
        for key, group in self.upstream.group_of.items():
            if group in upstream_order:
                upstream_order[group].append(key)
        positions = {}
        for group in groups:
            present = set(staying[group])
            after: dict[Key | None, list[Key]] = {}
            last = None
            for key in upstream_order[group]:
                if key in arriving and self.future_group(key) == group:
                    after.setdefault(last, []).append(key)
                    last = key
                elif key in present:
                    last = key
            order: list[Key] = []
            for start in [*after.get(None, []), *staying[group]]:
                stack = [start]
                while stack:  # the item, then what lands after it, depth first
                    key = stack.pop()
                    order.append(key)
                    stack.extend(reversed(after.get(key, [])))
            positions.update(self._number(order, arriving))
        return positions

    def _number(self, order: list[Key], arriving: set[Key]) -> dict[Key, int]:
        """Positions for a group's ``order`` that move as few items as possible.

        Items sort by (position, id); a new item takes its predecessor's position, and its
        id, the newest, puts it right after. Only when that cannot work (an item in front,
        positions that tie, an item moved in) is the whole group renumbered.
        """
        numbered: dict[Key, int] = {}
        last = (0, -math.inf)  # (position, id) of the item before
        for key in order:
            item = self.items.get(key)
            if item is None:
                numbered[key] = last[0]
                last = (last[0], math.inf)
            elif key not in arriving and (item.position, item.pk) > last:
                numbered[key] = item.position
                last = (item.position, item.pk)
            else:
                return {key: index for index, key in enumerate(order)}
        return numbered

    # -- writes ---------------------------------------------------------------------------

    def _delete(self, keys: list[Key]) -> None:
        for kind in reversed(KINDS):
            ids = [self.clone.items[key].pk for key in keys if key[0] == kind.name]
            if ids:
                kind.model.objects.filter(pk__in=ids).delete()

    def _take_upstream(self, key: Key, item: PathItem) -> None:
        """Give ``item`` upstream's content and place; its hashes then match upstream's."""
        kind = KIND[key[0]]
        theirs = self.upstream.items[key]
        for name in kind.fields:
            value = getattr(theirs, name)
            setattr(item, name, value.name if isinstance(value, FieldFile) else value)
        if kind.parent_field:
            holder = self.future_group(key)[1]
            setattr(item, kind.parent_field, self.items[holder] if holder else None)
        parts = {}
        if key[0] == "question":
            self.choices[key] = parts["choices"] = [
                Choice(text=c.text, is_correct=c.is_correct, position=c.position)
                for c in theirs.choices.all()
            ]
        item.refresh_hash(**parts)
        item.synced_hash = theirs.content_hash

    def _create(self, positions: dict[Key, int]) -> None:
        """Bulk-insert the new items, holders before what they hold."""
        waves: list[list[Key]] = [[], []]
        for key in self.added:
            waves[self.upstream.group_of[key][1] is not None].append(key)
        for wave in waves:
            for kind in KINDS:
                keys = [key for key in wave if key[0] == kind.name]
                if not keys:
                    continue
                new = []
                for key in keys:
                    item = kind.model(
                        path=self.clone.path,
                        origin_uid=uuid.UUID(key[1]),
                        position=positions.get(key, 0),
                    )
                    self._take_upstream(key, item)
                    self.items[key] = item
                    new.append(item)
                kind.model.objects.bulk_create(new)
                if kind.name == "question":
                    self._choices_insert(keys)

    def _choices_insert(self, keys: list[Key]) -> None:
        choices = []
        for key in keys:
            for choice in self.choices[key]:
                choice.question = self.items[key]
                choices.append(choice)
        Choice.objects.bulk_create(choices)

    def _follow(self, keys: list[Key]) -> None:
        """Items you did not change take upstream's content; a question's choices are
        updated in place (attempts may point at them), added or removed at the end."""
        questions = []
        for key in keys:
            item = self.items[key]
            self._take_upstream(key, item)
            self.dirty[key] = item
            if key[0] == "question":
                questions.append(key)
        changed, gone, new = [], [], []
        for key in questions:
            question = self.items[key]
            current = list(question.choices.all())
            wanted = self.choices[key]
            for choice, want in zip(current, wanted):
                values = (want.text, want.is_correct, want.position)
                if (choice.text, choice.is_correct, choice.position) != values:
                    choice.text, choice.is_correct, choice.position = values
                    changed.append(choice)
            gone.extend(choice.pk for choice in current[len(wanted) :])
            for want in wanted[len(current) :]:
                want.question = question
                new.append(want)
        if changed:
            rows_update(Choice, changed, ["text", "is_correct", "position"])
        if gone:
            Choice.objects.filter(pk__in=gone).delete()
        if new:
            Choice.objects.bulk_create(new)

    def _tombstones(self) -> None:
        """Drop the tombstones of restored items and of items gone upstream; move the base
        of declined ones (two queries at most)."""
        deleted = self.clone.deleted
        restored = [key for key in self.added if key in deleted]
        gone = [deleted[key].pk for key in [*self.plan.forgotten, *restored]]
        if gone:
            DeletedItem.objects.filter(pk__in=gone).delete()
        moved = []
        for key, synced in self.plan.reburied.items():
            deleted[key].synced_hash = synced
            moved.append(deleted[key])
        rows_update(DeletedItem, moved, ["synced_hash"])

    def _update(self) -> None:
        for kind in KINDS:
            items = [item for key, item in self.dirty.items() if key[0] == kind.name]
            if not items:
                continue
            fields = [*kind.fields, "content_hash", "synced_hash", "position"]
            if kind.parent_field:
                fields.append(kind.parent_field)
            rows_update(kind.model, items, fields)


def rows_update(model, objs: list, names: list[str]) -> None:
    """``bulk_update`` as one ``UPDATE … FROM (VALUES …)`` per batch of rows.

    Django's ``bulk_update`` builds a ``CASE WHEN`` per row and field, which costs seconds
    of Python for a few thousand rows; this costs milliseconds. SQLite before 3.33 has no
    ``UPDATE … FROM`` and gets ``bulk_update``.
    """
    if not objs:
        return
    if connection.vendor == "sqlite" and sqlite3.sqlite_version_info < (3, 33):
        model.objects.bulk_update(objs, names)
        return
    pk = model._meta.pk
    fields = [pk, *(model._meta.get_field(name) for name in names)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(f"c{i}" for i in range(len(fields)))
    assignments = ", ".join(
        f"{quote(field.column)} = CAST(v.c{i} AS {field.db_type(connection)})"
        for i, field in enumerate(fields)
        if i
    )
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_batch = max(1, min(query_params_limit() // len(fields), 5_000))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_batch):
            batch = objs[start : start + per_batch]
            cursor.execute(
                f"WITH v ({columns}) AS (VALUES {', '.join([row] * len(batch))}) "
                f"UPDATE {table} SET {assignments} FROM v "
                f"WHERE {table}.{quote(pk.column)} = CAST(v.c0 AS {pk.rel_db_type(connection)})",
                [
                    field.get_db_prep_save(getattr(obj, field.attname), connection)
                    for obj in batch
                    for field in fields
                ],
            )


def query_params_limit() -> int:
    """How many parameters one statement may carry (on SQLite its real limit, which
    ``learning.apps`` sets on connecting, not Django's 999)."""
    connection.ensure_connection()
    return connection.features.max_query_params or 65_535


def deleted_items_record(*, item: PathItem) -> None:
    """Before ``item`` is deleted: a tombstone for it, and for the subsections or questions
    that go with it, where they came from upstream (a ``synced_hash``), so that a sync does
    not bring them back (see ``learning.selectors.clones``). Two queries at most."""
    items = [(item.origin_uid, item.synced_hash, item._meta.model_name)]
    held = None
    if isinstance(item, Section):
        held = Section.objects.filter(parent_id=item.pk)
    elif isinstance(item, Quiz):
        held = Question.objects.filter(quiz_id=item.pk)
    if held is not None:
        kind = held.model._meta.model_name
        tracked = held.exclude(synced_hash="").values_list("origin_uid", "synced_hash")
        items.extend((uid, synced, kind) for uid, synced in tracked)
    tombstones = [
        DeletedItem(path_id=item.path_id, origin_uid=uid, kind=kind, synced_hash=synced)
        for uid, synced, kind in items
        if synced
    ]
    if tombstones:
        DeletedItem.objects.bulk_create(
            tombstones,
            update_conflicts=True,
            unique_fields=["path", "origin_uid"],
            update_fields=["kind", "synced_hash", "deleted_at"],
        )


def path_clone(*, path: Path, user) -> Path:
    """Clone ``path`` for ``user`` (see :class:`ClonePath`)."""
    return ClonePath(path, user).execute()


def path_sync(*, path: Path, user, decline: Iterable = (), take: Iterable = ()) -> dict:
    """Pull upstream's changes into the clone ``path`` (see :class:`SyncPath`).

    ``{applied: {added, changed, removed}, declined, conflicts, source_version,
    upstream_version, version}``.
    """
    return SyncPath(path, user, decline=decline, take=take).execute()
