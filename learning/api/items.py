"""A path's items, one kind at a time: sections, flashcards, quizzes, questions, resources.

``GET/POST paths/{slug}/<kind>/`` and ``GET/PATCH/DELETE <kind>/{id}/``. Writes are for
the path's owner and staff (403 for a path you can see but not change, 404 for one you
cannot see). Reads:

- the lists are the editing surface, for the owner and staff, keys included; anyone else
  gets a 403 that points at the tree, whose preview is the reader's view of a path;
- a single item may be read by anyone who can see the path when the preview shows it (the
  first section, flashcard and question of each quiz; every quiz and resource), so that
  the preview's links resolve; the rest is a 404 until you clone the path. Only the owner
  and staff get its key (a flashcard's ``claim``; a question's ``explanation`` and
  ``choices[].is_correct`` or ``answer``).

Every write bumps the path's version and recomputes the item's content hash.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_conventions import PAGE, PAGE_SIZE, Pages, errors, paginated
from config.errors import Forbidden, InvalidInput
from learning.api import serializers as io
from learning.models import Flashcard, Question, Quiz, Resource, Section
from learning.selectors.items import (
    item_get_for_read,
    item_get_for_write,
    item_row,
    item_rows,
    items_of_path,
)
from learning.selectors.paths import path_can_edit, path_get_for_read, path_get_for_write
from learning.services.attempts import key_views_record
from learning.services.items import item_create, item_delete, item_update


class _ItemListView(APIView):
    model = None
    write: type[serializers.Serializer]

    def get(self, request, slug: str):
        path = path_get_for_read(slug=slug, user=request.user)
        if not path_can_edit(path, request.user):
            raise Forbidden(
                "Item lists are for the path's owner and staff; read GET paths/{slug}/ "
                "for the preview, or clone the path."
            )
        quiz = request.query_params.get("quiz")
        if quiz is not None and not (quiz.isascii() and quiz.isdigit() and int(quiz) < 2**63):
            raise InvalidInput(
                "quiz: give a quiz id.",
                fields={"quiz": ["A quiz id is a number below 2**63."]},
            )
        items = items_of_path(path, self.model, quiz=int(quiz) if quiz else None)
        paginator = Pages()
        page = paginator.paginate_queryset(items, request, view=self)
        if self.model is Question:
            key_views_record(user=request.user, quiz_ids=[q.quiz_id for q in page])
        return paginator.get_paginated_response(item_rows(page, with_key=True))

    def post(self, request, slug: str):
        path = path_get_for_write(slug=slug, user=request.user)
        data = self.write(data=request.data)
        data.is_valid(raise_exception=True)
        item = item_create(path=path, model=self.model, data=data.validated_data)
        fresh = item_get_for_read(self.model, pk=item.pk, user=request.user)
        return Response(item_row(fresh, with_key=True), status=status.HTTP_201_CREATED)


class _ItemDetailView(APIView):
    model = None
    write: type[serializers.Serializer]

    def get(self, request, pk: int):
        item = item_get_for_read(self.model, pk=pk, user=request.user)
        with_key = path_can_edit(item.path, request.user)
        if with_key and self.model is Question:
            key_views_record(user=request.user, quiz_ids=[item.quiz_id])
        return Response(item_row(item, with_key=with_key))

    def patch(self, request, pk: int):
        item = item_get_for_write(self.model, pk=pk, user=request.user)
        data = self.write(
            data=self.input_of(item, request.data), partial=self.model is not Question
        )
        data.is_valid(raise_exception=True)
        item_update(item=item, data=self.changes_of(request.data, data.validated_data))
        fresh = item_get_for_read(self.model, pk=pk, user=request.user)
        return Response(item_row(fresh, with_key=True))

    def delete(self, request, pk: int):
        item_delete(item=item_get_for_write(self.model, pk=pk, user=request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def input_of(self, item, data):
        """What to validate: the request as is (a partial update)."""
        return data

    def changes_of(self, data, validated: dict) -> dict:
        return validated


class _QuestionDetailView(_ItemDetailView):
    """A question's key must fit its kind as a whole, so a PATCH is checked merged into
    the question as it stands; ``choices``, when given, replace all of them."""

    def input_of(self, item, data):
        if not isinstance(data, dict):
            return data
        current = {
            "quiz": item.quiz_id,
            "kind": item.kind,
            "prompt": item.prompt,
            "explanation": item.explanation,
            "choices": [{"text": c.text, "is_correct": c.is_correct} for c in item.choices.all()],
            "answer": item.answer,
        }
        return current | dict(data)

    def changes_of(self, data, validated: dict) -> dict:
        changed = set(data) | {"answer"}  # validate_question normalizes the answer
        return {name: value for name, value in validated.items() if name in changed}


def _views(model, kind: str, write, out, detail_base=_ItemDetailView):
    """The list and detail views of one kind of item, with their OpenAPI description."""
    tags = ["items"]
    list_params = [PAGE, PAGE_SIZE] + (
        [OpenApiParameter("quiz", OpenApiTypes.INT, description="Only this quiz's questions.")]
        if model is Question
        else []
    )
    listing = extend_schema_view(
        get=extend_schema(
            tags=tags,
            parameters=list_params,
            responses={200: paginated(out), **errors(403)},
            operation_id=f"v1_paths_{kind}_list",
            summary=f"The path's {kind} (owner and staff; keys included)",
        ),
        post=extend_schema(
            tags=tags, request=write, responses={201: out, **errors(403)}, summary=f"Add to {kind}"
        ),
    )(type(f"{model.__name__}ListView", (_ItemListView,), {"model": model, "write": write}))
    detail = extend_schema_view(
        get=extend_schema(tags=tags, responses=out, summary="Read one (key for owner and staff)"),
        patch=extend_schema(
            tags=tags, request=write, responses={200: out, **errors(403)}, summary="Change one"
        ),
        delete=extend_schema(tags=tags, responses={204: None, **errors(403)}, summary="Delete one"),
    )(type(f"{model.__name__}DetailView", (detail_base,), {"model": model, "write": write}))
    return listing, detail


SectionListView, SectionDetailView = _views(Section, "sections", io.SectionWrite, io.SectionItemOut)
FlashcardListView, FlashcardDetailView = _views(
    Flashcard, "flashcards", io.FlashcardWrite, io.FlashcardItemOut
)
QuizListView, QuizDetailView = _views(Quiz, "quizzes", io.QuizWrite, io.QuizItemOut)
QuestionListView, QuestionDetailView = _views(
    Question, "questions", io.QuestionWrite, io.QuestionItemOut, _QuestionDetailView
)
ResourceListView, ResourceDetailView = _views(
    Resource, "resources", io.ResourceWrite, io.ResourceItemOut
)

#: url segment → (list view, detail view)
ITEM_VIEWS = {
    "sections": (SectionListView, SectionDetailView),
    "flashcards": (FlashcardListView, FlashcardDetailView),
    "quizzes": (QuizListView, QuizDetailView),
    "questions": (QuestionListView, QuestionDetailView),
    "resources": (ResourceListView, ResourceDetailView),
}
