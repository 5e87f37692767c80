"""Writes to a path's items one at a time (create, change, move, delete).

Every write runs in one transaction and ends with ``path_content_changed``, so the version
moves on and the cached tree and its ETag with it. Items recompute their ``content_hash``
on save; a question's hash covers its choices, so new choices are hashed with it
(``hash_with``) before they are saved. Input arrives validated (the API's serializers
build on the bundle schema, the admin's forms on the models); what needs the database —
that a parent section or a quiz belongs to the same path, that sections nest one level —
is checked here. Deleting an item that came from upstream leaves a tombstone
(``deleted_items_record``), so a sync keeps it deleted.
"""

from django.db import transaction

from config.errors import InvalidInput
from learning.kinds import held_kinds, kind_of
from learning.models import Choice, DeletedItem, Path, PathItem, Question, Quiz, Section
from learning.services.clone_rows import rows_update
from learning.services.paths import path_content_changed

# --- items -----------------------------------------------------------------------------------


def _holder_id(item: PathItem):
    holder = kind_of(item).holder
    return getattr(item, f"{holder}_id") if holder else None


def _siblings(item: PathItem):
    """The items ``item`` is numbered among: its kind in its path, under the same holder."""
    kind = kind_of(item)
    siblings = kind.model.objects.filter(path_id=item.path_id)
    if kind.holder:
        siblings = siblings.filter(**{f"{kind.holder}_id": _holder_id(item)})
    return siblings


def _place(item: PathItem, position: int | None) -> None:
    """Put ``item`` at ``position`` among its siblings (last if None); renumber them 0…n-1."""
    others = list(
        _siblings(item).exclude(pk=item.pk).order_by("position", "id").only("id", "position")
    )
    index = len(others) if position is None else min(max(position, 0), len(others))
    others.insert(index, item)
    moved = []
    for number, sibling in enumerate(others):
        if sibling.position != number:
            sibling.position = number
            moved.append(sibling)
    type(item).objects.bulk_update(moved, ["position"])


def _section_parent(path: Path, parent_id: int | None, *, section: Section | None = None):
    if parent_id is None:
        return None
    parent = Section.objects.filter(pk=parent_id, path=path).first()
    problem = None
    if parent is None:
        problem = "Not a section of this path."
    elif parent.parent_id is not None:
        problem = "Sections nest one level: the parent must be a top-level section."
    elif section is not None and parent.pk == section.pk:
        problem = "A section cannot be its own parent."
    elif section is not None and section.children.exists():
        problem = "This section has subsections, so it stays top-level."
    if problem:
        raise InvalidInput(f"parent: {problem}", fields={"parent": [problem]})
    return parent


def _quiz_of(path: Path, quiz_id: int) -> Quiz:
    quiz = Quiz.objects.filter(pk=quiz_id, path=path).first()
    if quiz is None:
        raise InvalidInput(
            "quiz: Not a quiz of this path.", fields={"quiz": ["Not a quiz of this path."]}
        )
    return quiz


def _save(item: PathItem, choices: list[dict] | None) -> None:
    """Save ``item``; for a question given ``choices``, replace its choices too."""
    if choices is None:
        item.save()
        return
    pending = [Choice.from_bundle(c, number) for number, c in enumerate(choices)]
    item.save(hash_with={"choices": pending})
    Choice.objects.filter(question=item).delete()  # an editor's new choices are new rows
    for choice in pending:
        choice.question = item
    Choice.objects.bulk_create(pending)


def choices_set(pairs: list[tuple[Question, list[Choice]]]) -> None:
    """Give each question exactly the ``wanted`` choices (unsaved, in order): the stored
    ones are updated in place by position, since answers may point at them; extra ones go,
    missing ones are added. Three queries at most, whatever the number of questions."""
    changed, gone, new = [], [], []
    for question, wanted in pairs:
        current = list(question.choices.all())
        for choice, want in zip(current, wanted):
            values = (want.text, want.is_correct, want.property_check, want.position)
            if (choice.text, choice.is_correct, choice.property_check, choice.position) != values:
                choice.text, choice.is_correct, choice.property_check, choice.position = values
                changed.append(choice)
        gone.extend(choice.pk for choice in current[len(wanted) :])
        for want in wanted[len(current) :]:
            want.question = question
            new.append(want)
    if changed:
        rows_update(Choice, changed, ["text", "is_correct", "property_check", "position"])
    if gone:
        Choice.objects.filter(pk__in=gone).delete()
    if new:
        Choice.objects.bulk_create(new)


def _referred(path: Path, model, name: str, pk: int | None):
    """The item of ``path`` that ``pk`` names through the reference ``name``, or a 400."""
    if pk is None:
        return None
    target = model._meta.get_field(name).related_model
    found = target.objects.filter(pk=pk, path=path).first()
    if found is None:
        problem = f"Not a {target._meta.verbose_name} of this path."
        raise InvalidInput(f"{name}: {problem}", fields={name: [problem]})
    return found


def _resolve(path: Path, model, fields: dict, item: PathItem | None = None) -> dict:
    """Turn the ids of an item's holder and references into items of the same path (else
    a 400)."""
    kind = kind_of(model)
    holder = kind.holder
    if holder == "parent" and holder in fields:
        fields[holder] = _section_parent(path, fields[holder], section=item)
    elif holder == "quiz" and holder in fields:
        fields[holder] = _quiz_of(path, fields[holder])
    for name in kind.ref_fields:
        if name in fields:
            fields[name] = _referred(path, model, name, fields[name])
    return fields


@transaction.atomic
def item_create(*, path: Path, model, data: dict) -> PathItem:
    """A new item of ``model`` in ``path``, placed at ``data["position"]`` or last."""
    fields = dict(data)
    position = fields.pop("position", None)
    choices = fields.pop("choices", None) if model is Question else None
    item = model(path=path, **_resolve(path, model, fields))
    _save(item, choices)
    _place(item, position)
    path_content_changed(path)
    return item


@transaction.atomic
def item_update(*, item: PathItem, data: dict) -> PathItem:
    """Change the fields given in ``data``; a question given ``choices`` gets exactly those.
    Moving to another parent section or quiz places the item last unless ``position``."""
    path = item.path
    fields = dict(data)
    position = fields.pop("position", None)
    choices = fields.pop("choices", None) if isinstance(item, Question) else None
    before = _holder_id(item)
    for name, value in _resolve(path, type(item), fields, item).items():
        setattr(item, name, value)
    _save(item, choices)
    if position is not None or before != _holder_id(item):
        _place(item, position)
    path_content_changed(path)
    return item


@transaction.atomic
def item_delete(*, item: PathItem) -> None:
    """Delete the item (a section's subsections and a quiz's questions go with it). In a
    clone, those that came from upstream leave a tombstone, so a sync keeps them deleted."""
    path = item.path
    deleted_items_record(item=item)
    item.delete()
    path_content_changed(path)


@transaction.atomic
def question_choices_changed(*, question: Question) -> None:
    """After choices were edited directly (the admin's inline): re-hash, bump the version."""
    old = question.content_hash
    if question.refresh_hash() != old:
        Question.objects.filter(pk=question.pk).update(content_hash=question.content_hash)
    path_content_changed(question.path)


# --- tombstones ------------------------------------------------------------------------------


def deleted_items_record(*, item: PathItem) -> None:
    """Before ``item`` is deleted: a tombstone for it, and for the subsections or questions
    that go with it, where they came from upstream (a ``synced_hash``), so that a sync does
    not bring them back (see ``learning.merge``). Two queries at most."""
    kind = kind_of(item)
    items = [(item.origin_uid, item.synced_hash, kind.name)]
    for held in held_kinds(kind):
        tracked = (
            held.model.objects.filter(**{f"{held.holder}_id": item.pk})
            .exclude(synced_hash="")
            .values_list("origin_uid", "synced_hash")
        )
        items.extend((uid, synced, held.name) for uid, synced in tracked)
    tombstones = [
        DeletedItem(path_id=item.path_id, origin_uid=uid, kind=name, synced_hash=synced)
        for uid, synced, name in items
        if synced
    ]
    if tombstones:
        DeletedItem.objects.bulk_create(
            tombstones,
            update_conflicts=True,
            unique_fields=["path", "origin_uid"],
            update_fields=["kind", "synced_hash", "deleted_at"],
        )
