"""What an item kind is, written once; the tree, bundles, item services, merge and admin
loop over :data:`KINDS` instead of asking ``isinstance`` of each item.

A kind is its model, the fields that make up its content (what a bundle carries and a
sync copies), the field that names it in a listing, the foreign key to the item holding
it (a subsection's section, a question's quiz), the fields that are its answer key (never
in a tree or preview), and what the preview shows of it. Adding a field to a kind means
the model, its ``content_fields``, the entry here and the bundle schema.
"""

from dataclasses import dataclass

from learning.models import Flashcard, PathItem, Podcast, Question, Quiz, Resource, Section

#: What the preview shows of a kind: every item, or only the first of each run of siblings.
PREVIEW_ALL = "all"
PREVIEW_FIRST = "first"


@dataclass(frozen=True)
class ItemKind:
    """One kind of path item."""

    #: ``section``: the name in update listings, tombstones and merge keys.
    name: str
    #: ``sections``: the key in the tree and the bundle, and the API's URL segment.
    plural: str
    model: type[PathItem]
    #: The model fields that make up the content, as a bundle holds them and a sync copies
    #: them (the holder and a question's choices travel apart).
    fields: tuple[str, ...]
    #: The field that names the item in an update listing.
    title_field: str
    #: The foreign key to the item that holds this one, and that item's kind.
    holder: str | None = None
    holder_kind: str | None = None
    #: Foreign keys to other items of the path that are content, ``(field, kind name)``:
    #: a bundle names the item by its ``origin_uid``, a row by its id (a card's section).
    refs: tuple[tuple[str, str], ...] = ()
    #: Content only the owner and staff read: answer keys, and the claims the
    #: verification step checks. Never in a tree or preview.
    key_fields: tuple[str, ...] = ()
    #: Not content, but follows upstream's item on a sync (shared, like figures).
    shared_fields: tuple[str, ...] = ()
    preview: str = PREVIEW_ALL
    #: At most one per path (the podcast).
    single: bool = False

    @property
    def ref_fields(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.refs)

    @property
    def synced_fields(self) -> tuple[str, ...]:
        """What a sync copies from upstream's item into yours."""
        return self.fields + self.shared_fields

    @property
    def reader_fields(self) -> tuple[str, ...]:
        """The content a reader sees: everything but the key."""
        return tuple(name for name in self.fields if name not in self.key_fields)


SECTION = ItemKind(
    "section", "sections", Section, ("title", "body", "claims"), "title",
    holder="parent", holder_kind="section", key_fields=("claims",), preview=PREVIEW_FIRST,
)  # fmt: skip
QUIZ = ItemKind("quiz", "quizzes", Quiz, ("title",), "title")
QUESTION = ItemKind(
    "question", "questions", Question, ("kind", "prompt", "explanation", "answer"), "prompt",
    holder="quiz", holder_kind="quiz", key_fields=("explanation", "answer"),
    preview=PREVIEW_FIRST,
)  # fmt: skip
FLASHCARD = ItemKind(
    "flashcard", "flashcards", Flashcard, ("front", "back", "claim"), "front",
    refs=(("section", "section"),), key_fields=("claim",), preview=PREVIEW_FIRST,
)  # fmt: skip
RESOURCE = ItemKind(
    "resource", "resources", Resource, ("title", "authors", "year", "kind", "url"), "title"
)
PODCAST = ItemKind(
    "podcast", "podcast", Podcast, ("title", "duration_seconds", "transcript"), "title",
    shared_fields=("audio",), single=True,
)  # fmt: skip

#: Every kind, a holder before the kinds it holds (the order items are created in).
KINDS = (SECTION, QUIZ, QUESTION, FLASHCARD, RESOURCE, PODCAST)
KIND = {kind.name: kind for kind in KINDS}
_BY_MODEL = {kind.model: kind for kind in KINDS}


def kind_of(item: PathItem | type[PathItem]) -> ItemKind:
    """The kind of an item (or of an item model)."""
    return _BY_MODEL[item if isinstance(item, type) else type(item)]


def ref_uid(item: PathItem, field: str) -> str | None:
    """The ``origin_uid`` of the item ``item`` refers to through ``field``, or None."""
    other = getattr(item, field)
    return str(other.origin_uid) if other is not None else None


def held_kinds(kind: ItemKind) -> list[ItemKind]:
    """The kinds whose items ``kind``'s items hold (a section's subsections, a quiz's
    questions)."""
    return [other for other in KINDS if other.holder_kind == kind.name]
