"""Import of whole paths from versioned JSON bundles, and the platform's bundles loaded.

``items_materialize`` writes a bundle's items in a constant number of bulk inserts;
``path_replace`` makes a path hold a changed bundle's content *in place*, item by item by
``origin_uid``, so learners' reviews, attempts and clones keep pointing at the same items.
Both walk the bundle with ``bundle_entries`` and build items from :mod:`learning.kinds`.
(The export is a read: ``learning.selectors.bundles``. Cloning copies rows inside the
database instead: ``learning.services.clone_rows``.)
"""

import json
import uuid
from pathlib import Path as FilePath

from django.db import transaction
from rest_framework.exceptions import ValidationError

from config.errors import InvalidInput, error_fields
from learning.bundle_schema import BundleSchema, bundle_entries
from learning.kinds import KIND, KINDS, QUESTION, ItemKind
from learning.models import Choice, Path, PathItem, content_hash
from learning.selectors.items import items_of_kind, path_items
from learning.services.items import choices_set
from learning.services.paths import path_content_changed, unique_slug

BUNDLE_DIR = FilePath(__file__).resolve().parent.parent / "bundles"


def bundle_validate(data) -> dict:
    """The validated bundle, or :class:`InvalidInput` naming every bad field."""
    if not isinstance(data, dict):
        raise InvalidInput(
            "A bundle is a JSON object.", fields={"non_field_errors": ["Expected an object."]}
        )
    schema = BundleSchema(data=data)
    try:
        schema.is_valid(raise_exception=True)
    except ValidationError as exc:
        fields = error_fields(exc.detail)
        name, messages = next(iter(fields.items()))
        raise InvalidInput(f"Invalid bundle: {name}: {messages[0]}", fields=fields) from exc
    return _plain(schema.validated_data)


def _plain(value):
    """Validated data as plain JSON types (UUIDs to str, OrderedDicts to dicts)."""
    if isinstance(value, dict):
        return {key: _plain(sub) for key, sub in value.items()}
    if isinstance(value, list):
        return [_plain(sub) for sub in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


# --- materialize ---------------------------------------------------------------------------


def _choices_of(data: dict) -> list[Choice]:
    return [Choice.from_bundle(c, number) for number, c in enumerate(data.get("choices") or [])]


def _fill(item: PathItem, kind: ItemKind, data: dict, position: int, made: dict) -> None:
    """Give ``item`` the bundle item's content and place (a validated bundle holds every
    field with its default, but for optional ones such as a section's claims), and the
    items it refers to, from ``made``: ``(kind name, origin_uid)`` → item, made before."""
    for name in kind.fields:
        value = data[name] if name in data else item._meta.get_field(name).get_default()
        setattr(item, name, value)
    for name, other in kind.refs:
        uid = data.get(name)
        setattr(item, name, made[(other, str(uid))] if uid is not None else None)
    item.position = position


def items_materialize(path: Path, bundle: dict, *, track_upstream: bool = False) -> None:
    """Create every item of a validated ``bundle`` in ``path`` with bulk inserts: one per
    kind and level (holders first), whatever the size.

    ``track_upstream`` records each item's hash as the upstream hash it was synced at, so
    a later sync can tell the owner's edits from upstream's.
    """
    made: dict = {}  # id() of a bundle item, and (kind name, origin_uid) -> its model item
    waves: dict[tuple[str, bool], list[PathItem]] = {}
    choices: dict[int, list[Choice]] = {}  # id() of a question -> its choices, tied to it
    for name, data, holder, position in bundle_entries(bundle):
        kind = KIND[name]
        uid = uuid.UUID(data["origin_uid"]) if data.get("origin_uid") else uuid.uuid4()
        item = kind.model(path=path, origin_uid=uid)
        _fill(item, kind, data, position, made)
        if holder is not None:
            setattr(item, kind.holder, made[id(holder)])
        if kind is QUESTION:
            choices[id(item)] = _choices_of(data)
            for choice in choices[id(item)]:
                choice.question = item
        made[id(data)] = made[(name, str(uid))] = item
        waves.setdefault((name, holder is not None), []).append(item)
    for (name, _), items in waves.items():  # in bundle_entries' order: holders first
        kind = KIND[name]
        links = [*([kind.holder] if kind.holder else []), *kind.ref_fields]
        for item in items:
            for link in links:  # what it points at is saved now: take its id
                setattr(item, link, getattr(item, link))
            parts = {"choices": choices[id(item)]} if id(item) in choices else {}
            item.refresh_hash(**parts)
            if track_upstream:
                item.synced_hash = item.content_hash
        type(items[0]).objects.bulk_create(items)
    Choice.objects.bulk_create([choice for held in choices.values() for choice in held])


def items_replace(path: Path, bundle: dict) -> None:
    """Make ``path``'s items exactly the validated ``bundle``'s, in place: an item whose
    ``origin_uid`` is already there is updated (a question's choices by position), new ones
    are created, the others deleted. Item by item: for instructors' bundles, not hot."""
    items = path_items(path)
    existing = {
        (kind.name, str(item.origin_uid)): item
        for kind in KINDS
        for item in items_of_kind(items, kind)
    }
    entries = list(bundle_entries(bundle))
    wanted = {(name, data.get("origin_uid")) for name, data, _, _ in entries}
    for kind in reversed(KINDS):
        gone = [i.pk for key, i in existing.items() if key[0] == kind.name and key not in wanted]
        kind.model.objects.filter(pk__in=gone).delete()
    made: dict = {}
    questions = []
    for name, data, holder, position in entries:
        kind = KIND[name]
        item = existing.get((name, data.get("origin_uid")))
        if item is None:
            uid = data.get("origin_uid")
            item = kind.model(path=path, origin_uid=uuid.UUID(uid) if uid else uuid.uuid4())
        _fill(item, kind, data, position, made)
        if kind.holder:
            setattr(item, kind.holder, made[id(holder)] if holder is not None else None)
        if kind is QUESTION:
            choices = _choices_of(data)
            item.save(hash_with={"choices": choices})
            questions.append((item, choices))
        else:
            item.save()
        made[id(data)] = made[(name, str(item.origin_uid))] = item
    choices_set(questions)


# --- import and load ---------------------------------------------------------------------


@transaction.atomic
def path_import(*, data, owner=None, visibility: str | None = None) -> Path:
    """A new path from a bundle, all or nothing. The slug is made unique if taken."""
    bundle = bundle_validate(data)
    info = bundle["path"]
    path = Path.objects.create(
        slug=unique_slug(info["slug"]),
        title=info["title"],
        summary=info["summary"],
        key_points=info["key_points"],
        owner=owner,
        visibility=visibility or info["visibility"],
    )
    items_materialize(path, bundle)
    return path


@transaction.atomic
def path_replace(*, path: Path, data) -> Path:
    """Make ``path`` hold exactly the bundle's content (instructors' re-load of a bundle).

    Items keep their ``origin_uid`` and their rows, so clones see the change as an upstream
    update and reviews and attempts stay attached.
    """
    bundle = bundle_validate(data)
    info = bundle["path"]
    Path.objects.filter(pk=path.pk).update(
        title=info["title"], summary=info["summary"], key_points=info["key_points"]
    )
    items_replace(path, bundle)
    path_content_changed(path)
    path.refresh_from_db()
    return path


def bundle_read(file: FilePath) -> dict:
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{file.name}: not a readable JSON bundle ({exc}).") from exc


def bundle_digest(data) -> str:
    return content_hash(data)


def bundled_paths_load(directory: FilePath = BUNDLE_DIR) -> list[tuple[Path, str]]:
    """Load every bundle in the repository's ``learning/bundles``: created, updated or unchanged.

    A platform path (no owner) whose bundle changed is updated in place, keeping item
    identities, so learners' clones can pull the change.
    """
    outcomes = []
    for file in sorted(directory.glob("*.json")):
        data = bundle_read(file)
        digest = bundle_digest(data)
        slug = (data.get("path") or {}).get("slug") if isinstance(data, dict) else None
        existing = Path.objects.filter(slug=slug, owner=None).first() if slug else None
        if existing is None:
            path, outcome = path_import(data=data), "created"
        elif existing.bundle_digest != digest:
            path, outcome = path_replace(path=existing, data=data), "updated"
        else:
            path, outcome = existing, "unchanged"
        if path.bundle_digest != digest:
            Path.objects.filter(pk=path.pk).update(bundle_digest=digest)
        outcomes.append((path, outcome))
    return outcomes
