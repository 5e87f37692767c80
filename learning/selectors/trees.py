"""Reads that shape a path for the API: the list of paths, the tree (whole or preview), items.

The tree is built as plain dicts from a constant number of queries (``path_items``) and
cached as JSON under the path's pk, version and the preview flag: every content change
bumps the version (``path_content_changed``), so a changed path is simply a new key and
stale entries age out. The same triple gives the tree's ETag.

No tree, preview or reader's item carries an answer key: ``is_correct``, ``answer``,
``explanation`` and a flashcard's ``claim`` are only in the editor's item rows.
"""

import json

from django.core.cache import cache
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from config.errors import Forbidden, NotFound
from learning.models import (
    CHOICE_KINDS,
    Choice,
    Flashcard,
    Path,
    Question,
    Quiz,
    Resource,
    Section,
)
from learning.rendering import render_markdown_many
from learning.selectors.paths import path_can_edit, paths_visible_to
from learning.services.bundles import path_items, section_tree

TREE_TTL = 60 * 60 * 24
#: A preview's podcast transcript: the segments that start within this many seconds.
PREVIEW_TRANSCRIPT_SECONDS = 60

# --- the list of paths -------------------------------------------------------------------


def _count_of(model) -> Coalesce:
    per_path = (
        model.objects.filter(path=OuterRef("pk"))
        .order_by()
        .values("path")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_path, output_field=IntegerField()), 0)


def paths_listed(*, user, mine: bool = False, q: str = "") -> QuerySet[Path]:
    """Paths ``user`` may see (``mine``: only their own), ``q`` matching title or summary,
    each annotated with its item counts (one query whatever the page size)."""
    paths = paths_visible_to(user)
    if mine:
        paths = paths.filter(owner=user)
    if q:
        paths = paths.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    return with_item_counts(paths).order_by("title", "id")


def with_item_counts(paths: QuerySet[Path]) -> QuerySet[Path]:
    """``paths`` annotated with ``n_sections``, ``n_flashcards``, ``n_questions``,
    ``n_resources`` (subqueries, so no join multiplies rows)."""
    return paths.annotate(
        n_sections=_count_of(Section),
        n_flashcards=_count_of(Flashcard),
        n_questions=_count_of(Question),
        n_resources=_count_of(Resource),
    )


def path_summary(path: Path) -> dict:
    """The light row of the list (``path`` annotated by :func:`paths_listed`)."""
    return {
        "slug": path.slug,
        "title": path.title,
        "summary": path.summary,
        "owner": path.owner.username if path.owner_id else None,
        "visibility": path.visibility,
        "version": path.version,
        "cloned_from": path.cloned_from.slug if path.cloned_from_id else None,
        "counts": {
            "sections": path.n_sections,
            "flashcards": path.n_flashcards,
            "questions": path.n_questions,
            "resources": path.n_resources,
        },
    }


# --- rows shared by the tree and the item endpoints ---------------------------------------


def _identity(item) -> dict:
    return {"id": item.pk, "origin_uid": str(item.origin_uid)}


def section_row(section: Section, html: str | None, *, shown: bool = True) -> dict:
    return _identity(section) | {
        "title": section.title,
        "body": section.body if shown else None,
        "html": html if shown else None,
    }


def flashcard_row(card: Flashcard) -> dict:
    return _identity(card) | {
        "front": card.front,
        "back": card.back,
    }


def question_row(question: Question) -> dict:
    """A question without its key (choices from the prefetch cache, in order)."""
    return _identity(question) | {
        "kind": question.kind,
        "prompt": question.prompt,
        "choices": [{"id": c.pk, "text": c.text} for c in question.choices.all()],
    }


def resource_row(resource: Resource) -> dict:
    return _identity(resource) | {
        "title": resource.title,
        "authors": resource.authors,
        "year": resource.year,
        "kind": resource.kind,
        "url": resource.url,
    }


# --- the tree ------------------------------------------------------------------------------


def tree_cache_key(path: Path, *, preview: bool) -> str:
    # created_at guards against a reused pk (SQLite reuses them after a rollback).
    born = int(path.created_at.timestamp() * 1_000_000) if path.created_at else 0
    return f"tree:{path.pk}:{born}:{path.version}:{int(preview)}"


def tree_etag(path: Path, *, preview: bool) -> str:
    return f'"path-{path.pk}-v{path.version}-{"preview" if preview else "whole"}"'


def path_tree_json(path: Path, *, preview: bool) -> str:
    """The tree as JSON text, from the cache when this version was built before."""
    key = tree_cache_key(path, preview=preview)
    text = cache.get(key)
    if text is None:
        text = json.dumps(tree_build(path, preview=preview), ensure_ascii=False)
        cache.set(key, text, TREE_TTL)
    return text


def path_tree(path: Path, *, preview: bool) -> dict:
    """The tree as a dict (for the web pages); see :func:`tree_build`."""
    return json.loads(path_tree_json(path, preview=preview))


def tree_build(path: Path, *, preview: bool) -> dict:
    """The path's tree (SPEC §4), whole or as the preview.

    The preview keeps every section title, all counts, the body of the first top-level
    section only, the first flashcard, the first question of each quiz, the transcript
    segments starting in the first minute and every resource.
    """
    items = path_items(path)
    tops = section_tree(items["sections"])
    shown = {tops[0][0].pk} if preview and tops else {s.pk for s in items["sections"]}
    rendered = [s for s in items["sections"] if s.pk in shown]
    html = dict(zip((s.pk for s in rendered), render_markdown_many([s.body for s in rendered])))

    def section(s: Section, kids: list[Section]) -> dict:
        row = section_row(s, html.get(s.pk), shown=s.pk in shown)
        return row | {"children": [section(kid, []) for kid in kids]}

    quizzes = [(quiz, list(quiz.questions.all())) for quiz in items["quizzes"]]
    podcast = items["podcast"]
    transcript = podcast.transcript if podcast else []
    if preview:
        transcript = [s for s in transcript if s.get("start", 0) < PREVIEW_TRANSCRIPT_SECONDS]
    flashcards = items["flashcards"][:1] if preview else items["flashcards"]
    return {
        "slug": path.slug,
        "title": path.title,
        "summary": path.summary,
        "key_points": list(path.key_points),
        "owner": path.owner.username if path.owner_id else None,
        "version": path.version,
        "preview": preview,
        "cloned_from": path.cloned_from.slug if path.cloned_from_id else None,
        "counts": {
            "sections": len(items["sections"]),
            "flashcards": len(items["flashcards"]),
            "questions": sum(len(questions) for _, questions in quizzes),
            "resources": len(items["resources"]),
        },
        "sections": [section(s, kids) for s, kids in tops],
        "flashcards": [flashcard_row(card) for card in flashcards],
        "quizzes": [
            _identity(quiz)
            | {
                "title": quiz.title,
                "questions": [question_row(q) for q in (questions[:1] if preview else questions)],
            }
            for quiz, questions in quizzes
        ],
        "podcast": {
            "title": podcast.title,
            "duration_seconds": podcast.duration_seconds,
            "audio_url": podcast.audio.url if podcast.audio else None,
            "transcript": [
                {k: segment.get(k) for k in ("start", "end", "speaker", "text")}
                for segment in transcript
            ],
        }
        if podcast
        else None,
        "resources": [resource_row(r) for r in items["resources"]],
    }


# --- single items for the item endpoints ---------------------------------------------------

ITEM_MODELS = (Section, Flashcard, Quiz, Question, Resource)


def items_query(model) -> QuerySet:
    items = model.objects.select_related("path").order_by("position", "id")
    if model is Question:
        items = items.select_related("quiz").prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position", "id"))
        )
    return items


def items_of_path(path: Path, model, *, quiz: int | None = None) -> QuerySet:
    items = items_query(model).filter(path=path)
    if model is Question:
        # Positions count within a quiz: list quiz by quiz, in the quizzes' order.
        items = items.order_by("quiz__position", "quiz_id", "position", "id")
        if quiz is not None:
            items = items.filter(quiz_id=quiz)
    return items


def item_get_for_read(model, *, pk: int, user):
    """The item if ``user`` may read it, else :class:`NotFound`: its owner and staff read
    every item; anyone else who can see the path only what its preview shows."""
    item = items_query(model).filter(pk=pk, path__in=paths_visible_to(user).values("pk")).first()
    if item is None or not (path_can_edit(item.path, user) or item_in_preview(item)):
        raise NotFound(f"No {model._meta.verbose_name} {pk}.")
    return item


def item_in_preview(item) -> bool:
    """Whether the preview shows ``item`` in full (one query at most)."""
    first = None
    if isinstance(item, Section):
        first = Section.objects.filter(path_id=item.path_id, parent=None)
    elif isinstance(item, Flashcard):
        first = Flashcard.objects.filter(path_id=item.path_id)
    elif isinstance(item, Question):
        first = Question.objects.filter(quiz_id=item.quiz_id)
    if first is None:  # quizzes and resources are shown whole
        return True
    return first.order_by("position", "id").values_list("pk", flat=True).first() == item.pk


def item_get_for_write(model, *, pk: int, user):
    """The item if ``user`` may change its path: 404 if they cannot see it, 403 if only see it."""
    item = item_get_for_read(model, pk=pk, user=user)
    if not path_can_edit(item.path, user):
        raise Forbidden("Only the path's owner or staff may change it. Clone it to make it yours.")
    return item


def item_rows(items, *, with_key: bool) -> list[dict]:
    """The item endpoints' rows: the tree's row plus its place and, for editors, its key."""
    items = list(items)
    if not items:
        return []
    model = type(items[0])
    if model is Section:
        html = render_markdown_many([s.body for s in items])
        return [
            section_row(s, h) | {"parent": s.parent_id, "position": s.position}
            for s, h in zip(items, html)
        ]
    if model is Flashcard:
        return [
            flashcard_row(f) | {"position": f.position} | ({"claim": f.claim} if with_key else {})
            for f in items
        ]
    if model is Quiz:
        return [_identity(q) | {"title": q.title, "position": q.position} for q in items]
    if model is Question:
        return [_question_item(q, with_key=with_key) for q in items]
    return [resource_row(r) | {"position": r.position} for r in items]


def _question_item(question: Question, *, with_key: bool) -> dict:
    row = question_row(question) | {"quiz": question.quiz_id, "position": question.position}
    if not with_key:
        return row
    row["explanation"] = question.explanation
    if question.kind in CHOICE_KINDS:
        correct = {c.pk: c.is_correct for c in question.choices.all()}
        row["choices"] = [c | {"is_correct": correct[c["id"]]} for c in row["choices"]]
    else:
        row["answer"] = question.answer
    return row


def item_row(item, *, with_key: bool) -> dict:
    return item_rows([item], with_key=with_key)[0]
