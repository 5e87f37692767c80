"""Import and export of whole paths as versioned JSON bundles, and bulk materialization.

``path_export`` reads a path in a constant number of queries; ``items_materialize`` writes a
bundle's items in a constant number of bulk inserts. (Cloning copies rows inside the
database instead: ``learning.services.clone_rows``.)
"""

import json
import uuid
from pathlib import Path as FilePath

from django.db import transaction
from django.db.models import Prefetch
from django.utils.text import slugify
from rest_framework.exceptions import ValidationError

from config.errors import InvalidInput, error_fields
from learning.models import (
    Choice,
    Flashcard,
    Path,
    Podcast,
    Question,
    Quiz,
    Resource,
    Section,
    content_hash,
)
from learning.services.bundle_schema import BUNDLE_FORMAT, BUNDLE_VERSION, BundleSchema
from learning.services.paths import path_content_changed

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


# --- export ------------------------------------------------------------------------------


def path_items(path: Path) -> dict:
    """All items of a path, fetched in a constant number of queries, in order."""
    sections = list(path.sections.order_by("position", "id"))
    questions = (
        Question.objects.filter(path=path)
        .order_by("position", "id")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("position", "id")))
    )
    quizzes = list(
        path.quizzes.order_by("position", "id").prefetch_related(
            Prefetch("questions", queryset=questions)
        )
    )
    return {
        "sections": sections,
        "flashcards": list(path.flashcards.order_by("position", "id")),
        "quizzes": quizzes,
        "podcast": Podcast.objects.filter(path=path).first(),
        "resources": list(path.resources.order_by("position", "id")),
    }


def section_tree(sections: list[Section]) -> list[tuple[Section, list[Section]]]:
    """Top-level sections with their children, in order."""
    children: dict[int, list[Section]] = {}
    for section in sections:
        if section.parent_id:
            children.setdefault(section.parent_id, []).append(section)
    return [(s, children.get(s.id, [])) for s in sections if not s.parent_id]


def question_bundle(question: Question) -> dict:
    return {
        "origin_uid": str(question.origin_uid),
        "kind": question.kind,
        "prompt": question.prompt,
        "explanation": question.explanation,
        "choices": [{"text": c.text, "is_correct": c.is_correct} for c in question.choices.all()],
        "answer": question.answer,
    }


def path_export(path: Path) -> dict:
    """The whole path as a bundle (keys included: for its owner and staff only)."""
    items = path_items(path)

    def section(s: Section, kids: list[Section]) -> dict:
        return {
            "origin_uid": str(s.origin_uid),
            "title": s.title,
            "body": s.body,
            "children": [section(kid, []) for kid in kids],
        }

    podcast = items["podcast"]
    return {
        "format": BUNDLE_FORMAT,
        "format_version": BUNDLE_VERSION,
        "path": {
            "slug": path.slug,
            "title": path.title,
            "summary": path.summary,
            "key_points": list(path.key_points),
            "visibility": path.visibility,
        },
        "sections": [section(s, kids) for s, kids in section_tree(items["sections"])],
        "flashcards": [
            {"origin_uid": str(f.origin_uid), "front": f.front, "back": f.back, "claim": f.claim}
            for f in items["flashcards"]
        ],
        "quizzes": [
            {
                "origin_uid": str(q.origin_uid),
                "title": q.title,
                "questions": [question_bundle(question) for question in q.questions.all()],
            }
            for q in items["quizzes"]
        ],
        "podcast": {
            "origin_uid": str(podcast.origin_uid),
            "title": podcast.title,
            "duration_seconds": podcast.duration_seconds,
            "transcript": podcast.transcript,
        }
        if podcast
        else None,
        "resources": [
            {
                "origin_uid": str(r.origin_uid),
                "title": r.title,
                "authors": r.authors,
                "year": r.year,
                "kind": r.kind,
                "url": r.url,
            }
            for r in items["resources"]
        ],
    }


# --- materialize -------------------------------------------------------------------------


def _uid(item: dict) -> uuid.UUID:
    return uuid.UUID(str(item["origin_uid"])) if item.get("origin_uid") else uuid.uuid4()


def _track(item, track_upstream: bool, **parts):
    item.refresh_hash(**parts)
    if track_upstream:
        item.synced_hash = item.content_hash
    return item


def items_materialize(path: Path, bundle: dict, *, track_upstream: bool = False) -> None:
    """Create every item of ``bundle`` in ``path`` with bulk inserts (constant queries).

    ``track_upstream`` records each item's hash as the upstream hash it was synced at
    (cloning), so a later sync can tell the learner's edits from upstream's.
    """
    top = [
        _track(
            Section(
                path=path, origin_uid=_uid(s), title=s["title"], body=s.get("body", ""), position=i
            ),
            track_upstream,
        )
        for i, s in enumerate(bundle.get("sections") or [])
    ]
    Section.objects.bulk_create(top)
    children = [
        _track(
            Section(
                path=path,
                parent=parent,
                origin_uid=_uid(c),
                title=c["title"],
                body=c.get("body", ""),
                position=j,
            ),
            track_upstream,
        )
        for parent, s in zip(top, bundle.get("sections") or [])
        for j, c in enumerate(s.get("children") or [])
    ]
    Section.objects.bulk_create(children)
    Flashcard.objects.bulk_create(
        [
            _track(
                Flashcard(
                    path=path,
                    origin_uid=_uid(f),
                    front=f["front"],
                    back=f["back"],
                    claim=f.get("claim"),
                    position=i,
                ),
                track_upstream,
            )
            for i, f in enumerate(bundle.get("flashcards") or [])
        ]
    )
    quiz_data = bundle.get("quizzes") or []
    quizzes = [
        _track(Quiz(path=path, origin_uid=_uid(q), title=q["title"], position=i), track_upstream)
        for i, q in enumerate(quiz_data)
    ]
    Quiz.objects.bulk_create(quizzes)
    questions, choices = [], []
    for quiz, q in zip(quizzes, quiz_data):
        for position, data in enumerate(q.get("questions") or []):
            question = Question(
                path=path,
                quiz=quiz,
                origin_uid=_uid(data),
                kind=data["kind"],
                prompt=data["prompt"],
                explanation=data.get("explanation", ""),
                answer=data.get("answer"),
                position=position,
            )
            held = [
                Choice(
                    question=question,
                    text=c["text"],
                    is_correct=c.get("is_correct", False),
                    position=k,
                )
                for k, c in enumerate(data.get("choices") or [])
            ]
            questions.append(_track(question, track_upstream, choices=held))
            choices.extend(held)
    Question.objects.bulk_create(questions)
    Choice.objects.bulk_create(choices)
    if bundle.get("podcast"):
        p = bundle["podcast"]
        _track(
            podcast := Podcast(
                path=path,
                origin_uid=_uid(p),
                title=p["title"],
                duration_seconds=p.get("duration_seconds", 0),
                transcript=p.get("transcript") or [],
            ),
            track_upstream,
        )
        podcast.save(force_insert=True)
    Resource.objects.bulk_create(
        [
            _track(
                Resource(
                    path=path,
                    origin_uid=_uid(r),
                    title=r["title"],
                    authors=r.get("authors", ""),
                    year=r.get("year"),
                    kind=r.get("kind", "paper"),
                    url=r.get("url", ""),
                    position=i,
                ),
                track_upstream,
            )
            for i, r in enumerate(bundle.get("resources") or [])
        ]
    )


def path_items_delete(path: Path) -> None:
    """Every item of ``path`` (choices and child sections go with their holders)."""
    for model in (Question, Quiz, Section, Flashcard, Resource, Podcast):
        model.objects.filter(path=path).delete()


#: Slugs the API's routes use after ``paths/`` (``POST paths/import/``): never a path's.
RESERVED_SLUGS = frozenset({"import"})


def unique_slug(base: str) -> str:
    """``base`` if free, else ``base-2``, ``base-3``… (one query)."""
    base = slugify(base)[:100] or "path"
    taken = set(Path.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    taken |= RESERVED_SLUGS
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


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

    Items keep their ``origin_uid``, so clones see the change as an upstream update.
    """
    bundle = bundle_validate(data)
    info = bundle["path"]
    Path.objects.filter(pk=path.pk).update(
        title=info["title"], summary=info["summary"], key_points=info["key_points"]
    )
    path_items_delete(path)
    items_materialize(path, bundle)
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

    A platform path (no owner) whose bundle changed is replaced in place, keeping item
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
