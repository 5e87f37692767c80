"""The three-way merge of a clone with its upstream: pure, no query, no write.

Every item carries an ``origin_uid`` shared with its upstream copy, a ``content_hash`` of
its content, and ``synced_hash``, upstream's hash when the clone last took the item (empty
for items the owner created). An upstream item the owner deleted leaves a tombstone
(:class:`~learning.models.DeletedItem`) holding its ``synced_hash``: a deletion is an edit.
Item by item, with base = ``synced_hash``, yours = ``content_hash`` (or "deleted") and
upstream = the upstream item's ``content_hash``:

=====================  =======================  =========================================
yours vs base          upstream vs base         outcome
=====================  =======================  =========================================
same                   same                     nothing to do
same                   changed                  **changed**: the item follows upstream
changed                same                     stays yours
changed                changed                  **conflict** (none if both made one change)
not in your path       upstream item            **added**, after its upstream predecessor
same                   removed                  **removed**
changed                removed                  **conflict**: kept until taken or declined
own item (no base)     not upstream             never touched
deleted (tombstone)    same                     stays deleted, listed nowhere
deleted (tombstone)    changed                  **conflict**: ``yours`` is null
deleted (tombstone)    removed                  the tombstone goes, silently
not in your path       new, in a section or     goes with its holder: **added** only if
                       quiz you deleted or      the holder comes back (``take``), else
                       declined                 listed nowhere (``declined`` if you
                                                declined the holder)
=====================  =======================  =========================================

A conflict stays listed until the owner takes upstream's side (``take``) or declines it
(``decline``: the item becomes "only yours changed" until upstream changes it again). For
an item you deleted, ``take`` restores it from upstream in its place (with the section or
quiz that held it, if you deleted that too) and drops the tombstone; ``decline`` moves the
tombstone's base to upstream's hash, so it stays deleted until upstream changes it again.
A section or quiz removed upstream that still holds items you keep is kept, as a conflict.
An item never lands outside its section or quiz: a new upstream subsection or question
whose holder stays out of your path (deleted and not taken back, or declined) stays out
with it, and an item you deleted that you take while declining its deleted holder stays a
conflict.
The order of items is not content: upstream reordering does not travel, new items do.

``learning.selectors.clones`` reads the two snapshots; ``learning.services.sync_path``
writes the plan.
"""

from dataclasses import dataclass, field

from learning.kinds import KIND
from learning.models import DeletedItem, Path, PathItem

TITLE_LENGTH = 120

#: Why an item is a conflict (``reason`` in the listings).
BOTH_CHANGED = "both changed"
NO_COMMON_BASE = "no common base"
DELETED_HERE = "deleted by you, changed upstream"
REMOVED_UPSTREAM = "removed upstream, changed by you"
STILL_HOLDS = "removed upstream, still holds items you keep"
PODCAST_TAKEN = "your path already has a podcast"


#: ``(kind name, origin_uid)``: an item's identity across a path and its clones.
Key = tuple[str, str]
#: ``(kind name, parent's Key or None)``: a run of sibling items, ordered by position.
Group = tuple[str, Key | None]


@dataclass
class Snapshot:
    """The items of one path by key, in order, with the group each sits in (and, for a
    clone, the tombstones of the upstream items its owner deleted)."""

    path: Path
    items: dict[Key, PathItem] = field(default_factory=dict)
    group_of: dict[Key, Group] = field(default_factory=dict)
    deleted: dict[Key, DeletedItem] = field(default_factory=dict)

    def add(self, kind: str, item: PathItem, parent: PathItem | None = None) -> None:
        key = (kind, str(item.origin_uid))
        self.items[key] = item
        holder = (KIND[kind].holder_kind, str(parent.origin_uid)) if parent is not None else None
        self.group_of[key] = (kind, holder)

    def uids(self) -> set[str]:
        return {uid for _, uid in self.items}


# --- the plan ----------------------------------------------------------------------------


@dataclass
class MergePlan:
    """What a sync would do; keys are ``(kind, origin_uid)``."""

    clone: Snapshot
    upstream: Snapshot
    added: list[Key] = field(default_factory=list)
    changed: list[Key] = field(default_factory=list)
    removed: list[Key] = field(default_factory=list)
    #: key → why; the clone's item, upstream's, or both, are shown.
    conflicts: dict[Key, str] = field(default_factory=dict)
    #: Clone items whose ``synced_hash`` moves without a content change (declines, and
    #: both sides having made the same change).
    rebased: dict[Key, str] = field(default_factory=dict)
    declined: list[Key] = field(default_factory=list)
    #: Tombstones whose ``synced_hash`` moves to upstream's (declined deletion conflicts).
    reburied: dict[Key, str] = field(default_factory=dict)
    #: Tombstones of items gone upstream too: nothing left to keep deleted.
    forgotten: list[Key] = field(default_factory=list)

    @property
    def changes_content(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def merge_plan(
    *, clone: Snapshot, upstream: Snapshot, decline: set[str] = frozenset(), take=frozenset()
) -> MergePlan:
    """The three-way merge of ``clone`` with ``upstream`` (see the module docstring)."""
    plan = MergePlan(clone, upstream)
    for key, theirs in upstream.items.items():
        mine = clone.items.get(key)
        uid = key[1]
        if mine is None and key in clone.deleted:
            _deleted_here(plan, key, decline, take)
            continue
        if mine is None:
            (plan.declined if uid in decline else plan.added).append(key)
            continue
        base, yours, up = mine.synced_hash, mine.content_hash, theirs.content_hash
        if up == base:
            continue
        if yours == up:
            plan.rebased[key] = up
        elif uid in decline:
            plan.declined.append(key)
            plan.rebased[key] = up
        elif (base and yours == base) or uid in take:
            plan.changed.append(key)
        else:
            plan.conflicts[key] = BOTH_CHANGED if base else NO_COMMON_BASE
    plan.forgotten = [
        key for key in clone.deleted if key not in upstream.items or key in clone.items
    ]
    _restore_holders(plan, decline)
    _arrive_with_holders(plan)

    candidates = []
    for key, mine in clone.items.items():
        if key in upstream.items or not mine.synced_hash:
            continue  # still upstream, or your own item
        if key[1] in decline:
            plan.declined.append(key)
            plan.rebased[key] = ""  # it is yours from now on
        elif mine.content_hash != mine.synced_hash and key[1] not in take:
            plan.conflicts[key] = REMOVED_UPSTREAM
        else:
            candidates.append(key)
    _remove_unless_holding(plan, candidates)
    _podcast_slot(plan, take)
    return plan


def _deleted_here(plan: MergePlan, key: Key, decline, take) -> None:
    """An upstream item you deleted: quiet while upstream keeps it as it was; once upstream
    changes it, a conflict that ``take`` restores and ``decline`` quiets again."""
    up = plan.upstream.items[key].content_hash
    if up == plan.clone.deleted[key].synced_hash:
        return
    if key[1] in decline:
        plan.declined.append(key)
        plan.reburied[key] = up
    elif key[1] in take:
        plan.added.append(key)
    else:
        plan.conflicts[key] = DELETED_HERE


def _restore_holders(plan: MergePlan, decline) -> None:
    """A deleted item taken back comes back in its section or quiz: one you deleted as well
    is restored with it (as upstream has it), unless you declined it."""
    present = set(plan.clone.items) | set(plan.added)
    for key in [key for key in plan.added if key in plan.clone.deleted]:
        holder = plan.upstream.group_of[key][1]
        while holder is not None and holder not in present and holder in plan.clone.deleted:
            if holder[1] in decline:
                break
            plan.conflicts.pop(holder, None)
            plan.added.append(holder)
            present.add(holder)
            holder = plan.upstream.group_of[holder][1]


def _arrive_with_holders(plan: MergePlan) -> None:
    """Keep out an addition whose section or quiz stays out of the path (you deleted it,
    or declined it): declined with a declined holder, else listed nowhere; one you deleted
    and took back stays the conflict it was."""
    arriving, declined = set(plan.added), set(plan.declined)
    for key in [key for key in plan.upstream.items if key in arriving]:  # holders first
        holder = plan.upstream.group_of[key][1]
        if holder is None or holder in plan.clone.items or holder in arriving:
            continue
        arriving.remove(key)
        tombstone = plan.clone.deleted.get(key)
        if tombstone is not None:
            if plan.upstream.items[key].content_hash != tombstone.synced_hash:
                plan.conflicts[key] = DELETED_HERE
        elif holder in declined:
            plan.declined.append(key)
            declined.add(key)
    plan.added = [key for key in plan.added if key in arriving]


def _remove_unless_holding(plan: MergePlan, candidates: list[Key]) -> None:
    """Remove the candidates, except a section or quiz that holds an item that stays."""
    leaving, moving = set(candidates), set(plan.changed)
    held = {
        (plan.upstream if key in moving else plan.clone).group_of[key][1]
        for key in plan.clone.items
        if key not in leaving
    }
    for key in candidates:
        if key in held:
            plan.conflicts[key] = STILL_HOLDS
        else:
            plan.removed.append(key)


def _podcast_slot(plan: MergePlan, take) -> None:
    """A path has one podcast: a new upstream one waits while yours stays, unless taken."""
    new = next((key for key in plan.added if key[0] == "podcast"), None)
    mine = next((k for k in plan.clone.items if k[0] == "podcast" and k not in plan.removed), None)
    if new is None or mine is None:
        return
    if new[1] in take:
        plan.conflicts.pop(mine, None)
        plan.removed.append(mine)
    else:
        plan.added.remove(new)
        plan.conflicts[new] = PODCAST_TAKEN


# --- listing ---------------------------------------------------------------------------


def title_of(key: Key, item: PathItem) -> str:
    text = str(getattr(item, KIND[key[0]].title_field) or "")
    return text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1] + "…"


def entry(key: Key, item: PathItem) -> dict:
    return {"origin_uid": key[1], "kind": key[0], "title": title_of(key, item)}


def conflict_entry(plan: MergePlan, key: Key) -> dict:
    mine = plan.clone.items.get(key)
    if plan.conflicts[key] == PODCAST_TAKEN:  # a new upstream podcast against your own
        mine = next((item for k, item in plan.clone.items.items() if k[0] == "podcast"), None)
    theirs = plan.upstream.items.get(key)
    return entry(key, mine or theirs) | {
        "reason": plan.conflicts[key],
        "upstream": theirs.content() if theirs is not None else None,
        "yours": mine.content() if mine is not None else None,
    }


def plan_listing(plan: MergePlan) -> dict:
    """``{added, changed, removed, conflicts}`` of a plan, each a list of entries."""
    return {
        "added": [entry(key, plan.upstream.items[key]) for key in plan.added],
        "changed": [entry(key, plan.upstream.items[key]) for key in plan.changed],
        "removed": [entry(key, plan.clone.items[key]) for key in plan.removed],
        "conflicts": [conflict_entry(plan, key) for key in plan.conflicts],
    }
