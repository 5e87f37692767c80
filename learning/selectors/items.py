"""Reads of a path's items: all of them at once, one at a time, and the rows that show them.

``path_items`` fetches every item of a path in a constant number of queries, for the tree,
the export and the merge. The item endpoints read one item, or one kind's list, and shape
rows from :mod:`learning.kinds`: a reader's row is the kind's content without its key
(``key_fields``); the owner's and staff's row adds the key and the item's place.
"""

from functools import cache as cache_per_process

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from config.errors import Forbidden, NotFound
from config.prepared import Prepared, columns_of
from learning.kinds import PREVIEW_FIRST, QUESTION, SECTION, ItemKind, kind_of
from learning.models import CHOICE_KINDS, Choice, Path, PathItem, Podcast, Question, Section
from learning.rendering import render_markdown_many
from learning.selectors.paths import path_can_edit, path_visible

ORDER = ("position", "id")


def _ordered_choices() -> Prefetch:
    return Prefetch("choices", queryset=Choice.objects.order_by(*ORDER))


def path_items(path: Path) -> dict:
    """Every item of a path by kind (``sections``, ``quizzes`` with their ``questions``
    prefetched, ``questions``, ``flashcards``, ``resources``, ``podcast``), in order, in a
    constant number of queries."""
    questions = Question.objects.filter(path=path).order_by(*ORDER)
    quizzes = list(
        path.quizzes.order_by(*ORDER).prefetch_related(
            Prefetch("questions", queryset=questions.prefetch_related(_ordered_choices()))
        )
    )
    return {
        "sections": list(path.sections.order_by(*ORDER)),
        "flashcards": list(path.flashcards.select_related("section").order_by(*ORDER)),
        "quizzes": quizzes,
        "questions": [question for quiz in quizzes for question in quiz.questions.all()],
        "podcast": Podcast.objects.filter(path=path).first(),
        "resources": list(path.resources.order_by(*ORDER)),
    }


def items_of_kind(items: dict, kind: ItemKind) -> list[PathItem]:
    """One kind's items out of ``path_items``, as a list (the podcast too)."""
    found = items[kind.plural]
    if kind.single:
        return [found] if found is not None else []
    return found


def section_tree(sections: list[Section]) -> list[tuple[Section, list[Section]]]:
    """Top-level sections with their children, in order."""
    children: dict[int, list[Section]] = {}
    for section in sections:
        if section.parent_id:
            children.setdefault(section.parent_id, []).append(section)
    return [(s, children.get(s.id, [])) for s in sections if not s.parent_id]


# --- rows shared by the tree and the item endpoints ---------------------------------------


def reader_row(item: PathItem) -> dict:
    """What anyone who may read ``item`` sees: its identity and content, never its key.
    A question's choices come from the prefetch cache, in order, without ``is_correct``."""
    kind = kind_of(item)
    row = {"id": item.pk, "origin_uid": str(item.origin_uid)}
    row |= {name: getattr(item, name) for name in kind.reader_fields}
    row |= {name: getattr(item, f"{name}_id") for name in kind.ref_fields}
    if kind is QUESTION:
        row["choices"] = [{"id": c.pk, "text": c.text} for c in item.choices.all()]
    return row


def section_row(section: Section, html: str | None, *, shown: bool = True) -> dict:
    """A section's reader row with its rendered ``html``; the preview hides the body of
    every section but the first (``shown``)."""
    row = reader_row(section) | {"html": html}
    if not shown:
        row["body"] = row["html"] = None
    return row


def item_rows(items, *, with_key: bool) -> list[dict]:
    """The item endpoints' rows: the reader's row plus the item's place (its holder and
    position) and, for editors (``with_key``), its key."""
    items = list(items)
    if not items:
        return []
    kind = kind_of(items[0])
    if kind is SECTION:
        html = render_markdown_many([s.body for s in items])
        rows = [section_row(s, h) for s, h in zip(items, html)]
    else:
        rows = [reader_row(item) for item in items]
    for item, row in zip(items, rows):
        if kind.holder:
            row[kind.holder] = getattr(item, f"{kind.holder}_id")
        row["position"] = item.position
        if with_key:
            row |= _key_of(item)
    return rows


def _key_of(item: PathItem) -> dict:
    """An item's answer key as the editor's row carries it (SPEC §4): a choice question's
    ``is_correct`` marks in its choices, a numeric or expression question's ``answer``."""
    key = {name: getattr(item, name) for name in kind_of(item).key_fields}
    if isinstance(item, Question) and item.kind in CHOICE_KINDS:
        del key["answer"]
        key["choices"] = [
            {"id": c.pk, "text": c.text, "is_correct": c.is_correct} for c in item.choices.all()
        ]
    return key


def item_row(item, *, with_key: bool) -> dict:
    return item_rows([item], with_key=with_key)[0]


# --- single items and lists for the item endpoints ------------------------------------------


def items_query(model) -> QuerySet:
    items = model.objects.select_related("path").order_by(*ORDER)
    if model is Question:
        items = items.select_related("quiz").prefetch_related(_ordered_choices())
    return items


def items_of_path(path: Path, model, *, quiz: int | None = None) -> QuerySet:
    items = items_query(model).filter(path=path)
    if model is Question:
        # Positions count within a quiz: list quiz by quiz, in the quizzes' order.
        items = items.order_by("quiz__position", "quiz_id", *ORDER)
        if quiz is not None:
            items = items.filter(quiz_id=quiz)
    return items


def item_get_for_read(model, *, pk: int, user):
    """The item if ``user`` may read it, else :class:`NotFound`: its owner and staff read
    every item; anyone else who can see the path only what its preview shows."""
    item = _item_by_pk(model, pk)
    if item is None or not path_visible(item.path, user):
        raise NotFound(f"No {model._meta.verbose_name} {pk}.")
    if not (path_can_edit(item.path, user) or item_in_preview(item)):
        raise NotFound(f"No {model._meta.verbose_name} {pk}.")
    return item


#: What an item read loads of its path: who may see it (the rest loads on first use).
_PATH_COLUMNS = ("owner_id", "visibility")


def _item_by_pk(model, pk: int):
    """The item with its path's owner and visibility, from one prepared query (the item
    read is a hot endpoint, SPEC §8); a question with its choices."""
    columns = columns_of(model)
    row = _item_query(model, columns).first(pk=pk)
    if row is None:
        return None
    item = model.from_db(DEFAULT_DB_ALIAS, columns, row[: len(columns)])
    item.path = Path.from_db(
        DEFAULT_DB_ALIAS, ["id", *_PATH_COLUMNS], [item.path_id, *row[len(columns) :]]
    )
    if model is Question:
        prefetch_related_objects([item], _ordered_choices())
    return item


@cache_per_process
def _item_query(model, columns: tuple[str, ...]) -> Prepared:
    related = [f"path__{name}" for name in _PATH_COLUMNS]
    return Prepared(
        lambda pk: model.objects.filter(pk=pk).order_by().values_list(*columns, *related), pk=int
    )


def item_in_preview(item: PathItem) -> bool:
    """Whether the preview shows ``item`` in full (one query at most): every item of a
    kind shown whole, else only the first top-level item of its path or the first in its
    holder (a subsection is never the first)."""
    kind = kind_of(item)
    if kind.preview != PREVIEW_FIRST:
        return True
    siblings = kind.model.objects.filter(path_id=item.path_id)
    if kind.holder_kind == kind.name:  # nested in its own kind: the first top-level one
        siblings = siblings.filter(**{kind.holder: None})
    elif kind.holder:
        siblings = siblings.filter(**{f"{kind.holder}_id": getattr(item, f"{kind.holder}_id")})
    return siblings.order_by(*ORDER).values_list("pk", flat=True).first() == item.pk


def item_get_for_write(model, *, pk: int, user):
    """The item if ``user`` may change its path: 404 if they cannot see it, 403 if only see it."""
    item = item_get_for_read(model, pk=pk, user=user)
    if not path_can_edit(item.path, user):
        raise Forbidden("Only the path's owner or staff may change it. Clone it to make it yours.")
    return item
