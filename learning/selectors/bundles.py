"""A whole path as a versioned JSON bundle (format ``studytree.path``), read in a constant
number of queries. Keys included: for the path's owner and staff only. The bundle's
content fields per kind are :mod:`learning.kinds`'s; ``learning.services.bundles`` reads
the same shape back."""

from learning.bundle_schema import BUNDLE_FORMAT, BUNDLE_VERSION
from learning.kinds import (
    FLASHCARD,
    PODCAST,
    QUESTION,
    QUIZ,
    RESOURCE,
    SECTION,
    ItemKind,
    ref_uid,
)
from learning.models import Path, PathItem
from learning.selectors.items import path_items, section_tree


def item_bundle(kind: ItemKind, item: PathItem) -> dict:
    """One item as the bundle holds it: its ``origin_uid`` and its content fields."""
    entry = {"origin_uid": str(item.origin_uid)}
    entry |= {name: getattr(item, name) for name in kind.fields}
    entry |= {name: ref_uid(item, name) for name in kind.ref_fields}
    if kind is SECTION and not item.claims:
        del entry["claims"]  # optional in the format: bundles without claims stay as they were
    if kind is QUESTION:
        entry["choices"] = [c.content() for c in item.choices.all()]
    return entry


def path_export(path: Path) -> dict:
    """The whole path as a bundle (keys included: for its owner and staff only)."""
    items = path_items(path)
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
        "sections": [
            item_bundle(SECTION, s)
            | {"children": [item_bundle(SECTION, kid) | {"children": []} for kid in kids]}
            for s, kids in section_tree(items["sections"])
        ],
        "flashcards": [item_bundle(FLASHCARD, card) for card in items["flashcards"]],
        "quizzes": [
            item_bundle(QUIZ, quiz)
            | {"questions": [item_bundle(QUESTION, q) for q in quiz.questions.all()]}
            for quiz in items["quizzes"]
        ],
        "podcast": item_bundle(PODCAST, podcast) if podcast else None,
        "resources": [item_bundle(RESOURCE, r) for r in items["resources"]],
    }
