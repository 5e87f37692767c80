"""Write a merge plan into a clone: deletes, bulk inserts, bulk updates, tombstones.

:class:`PlanWriter` is the write half of a sync (``learning.services.sync_path``): it
receives a :class:`~learning.merge.MergePlan` and changes the clone's rows in a bounded
number of queries, whatever the number of items.
"""

import math
import uuid

from django.db.models.fields.files import FieldFile

from learning.kinds import KIND, KINDS, ref_uid
from learning.merge import Group, Key, MergePlan, entry
from learning.models import Choice, DeletedItem, PathItem
from learning.services.clone_rows import rows_update
from learning.services.items import choices_set


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
        for name in kind.synced_fields:
            value = getattr(theirs, name)
            setattr(item, name, value.name if isinstance(value, FieldFile) else value)
        if kind.holder:
            holder = self.future_group(key)[1]
            setattr(item, kind.holder, self.items[holder] if holder else None)
        for name, other in kind.refs:  # to your copy of what upstream's item points at
            uid = ref_uid(theirs, name)
            setattr(item, name, self.items.get((other, uid)) if uid else None)
        parts = {}
        if key[0] == "question":
            self.choices[key] = parts["choices"] = [
                Choice.from_bundle(c.content(), c.position) for c in theirs.choices.all()
            ]
        item.refresh_hash(**parts)
        item.synced_hash = theirs.content_hash

    def _create(self, positions: dict[Key, int]) -> None:
        """Bulk-insert the new items: holders, then what they hold, then items that refer to
        other items (a card to its section), so whatever an item points at has its id."""
        waves: list[list[Key]] = [[], [], []]
        for key in self.added:
            wave = 2 if KIND[key[0]].refs else int(self.upstream.group_of[key][1] is not None)
            waves[wave].append(key)
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
        choices_set([(self.items[key], self.choices[key]) for key in questions])

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
            fields = [*kind.synced_fields, *kind.ref_fields, "content_hash", "synced_hash"]
            fields.append("position")
            if kind.holder:
                fields.append(kind.holder)
            rows_update(kind.model, items, fields)
