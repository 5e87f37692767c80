"""Writes to a path's items one at a time (create, change, move, delete).

Every write runs in one transaction and ends with ``path_content_changed``, so the version
moves on and the cached tree and its ETag with it. Items recompute their ``content_hash``
on save; a question's hash covers its choices, so new choices are hashed with it
(``hash_with``) before they are saved. Input arrives validated (the API's
serializers build on the bundle schema); what needs the database — that a parent section
or a quiz belongs to the same path, that sections nest one level — is checked here.
"""

from django.db import transaction

from config.errors import InvalidInput
from learning.models import Choice, Path, PathItem, Question, Quiz, Section
from learning.services.clones import deleted_items_record
from learning.services.paths import path_content_changed

# --- items -----------------------------------------------------------------------------------


def _siblings(item: PathItem):
    siblings = type(item).objects.filter(path_id=item.path_id)
    if isinstance(item, Section):
        siblings = siblings.filter(parent_id=item.parent_id)
    elif isinstance(item, Question):
        siblings = siblings.filter(quiz_id=item.quiz_id)
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
    pending = [
        Choice(text=c["text"], is_correct=c.get("is_correct", False), position=number)
        for number, c in enumerate(choices)
    ]
    item.save(hash_with={"choices": pending})
    Choice.objects.filter(question=item).delete()
    for choice in pending:
        choice.question = item
    Choice.objects.bulk_create(pending)


def _resolve(path: Path, model, fields: dict, item: PathItem | None = None) -> dict:
    """Turn ids of related items into items of the same path (else a 400)."""
    if model is Section and "parent" in fields:
        fields["parent"] = _section_parent(path, fields["parent"], section=item)
    if model is Question and "quiz" in fields:
        fields["quiz"] = _quiz_of(path, fields["quiz"])
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
    before = (getattr(item, "parent_id", None), getattr(item, "quiz_id", None))
    for name, value in _resolve(path, type(item), fields, item).items():
        setattr(item, name, value)
    _save(item, choices)
    if position is not None or before != (
        getattr(item, "parent_id", None),
        getattr(item, "quiz_id", None),
    ):
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
