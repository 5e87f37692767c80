"""The instructors' admin: paths with their items inline, questions with their choices,
publish/unpublish and export actions (JSON bundle, Anki package), an import page for bundle
files, and each path's item analytics page (``learning.selectors.analytics``, its charts
inline SVG from ``learning.charts``). Content adds "generate" and "verify" from its own admin.

The admin runs the same services as the API: saves end with ``path_content_changed`` so
the version (and the cached tree) moves on, items recompute their hashes on save, a
question's choices must fit its kind (the bundle rule) and re-hash it once saved, and
import/export are the bundle services.
"""

import io
import json
import zipfile

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path as url
from django.urls import reverse
from rest_framework import serializers

from config.errors import ApplicationError, InvalidInput, error_fields
from learning.bundle_schema import validate_question
from learning.charts import share_bars_svg
from learning.grading import RegradeQuiz
from learning.kinds import FLASHCARD, PODCAST, QUIZ, RESOURCE, SECTION, ItemKind, kind_of
from learning.models import (
    Attempt,
    Choice,
    Path,
    Question,
    QuestionKind,
    Quiz,
    Section,
    Visibility,
)
from learning.selectors.analytics import path_analytics
from learning.selectors.anki import path_apkg
from learning.selectors.bundles import path_export
from learning.selectors.paths import with_item_counts
from learning.services.bundles import path_import
from learning.services.clone_path import path_clone
from learning.services.items import (
    item_create,
    item_delete,
    item_update,
    question_choices_changed,
)
from learning.services.paths import path_content_changed, path_delete, paths_visibility_set

# --- the path and its items ----------------------------------------------------------------


class ItemFormSet(BaseInlineFormSet):
    """Adds, edits and deletes through the item services, as the API does: a new or moved
    item is numbered among its siblings, and an upstream item deleted from a clone leaves
    its tombstone and stays deleted after a sync."""

    def _data(self, form, names) -> dict:
        data = {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}
        kind = kind_of(self.model)
        for link in (kind.holder, *kind.ref_fields):  # the services take ids, as the API
            if link in data:
                data[link] = data[link].pk if data[link] is not None else None
        return data

    def save_new(self, form, commit=True):
        fields = [name for name in form.fields if name not in ("id", "path", "DELETE")]
        return item_create(path=self.instance, model=self.model, data=self._data(form, fields))

    def save_existing(self, form, obj, commit=True):
        if not form.has_changed():
            return obj
        return item_update(item=obj, data=self._data(form, form.changed_data))

    def delete_existing(self, obj, commit=True):
        if commit:
            item_delete(item=obj)


class _ItemInline(admin.TabularInline):
    formset = ItemFormSet
    extra = 0
    show_change_link = True


def _item_inline(kind: ItemKind, base=_ItemInline, **options):
    """The inline of one kind of item: its place, its holder and its content fields."""
    holder = (kind.holder,) if kind.holder else ()
    fields = (
        *(() if kind.single else ("position",)),
        *holder,
        *kind.synced_fields,
        *kind.ref_fields,
    )
    attrs = {"model": kind.model, "fields": fields, "fk_name": "path"} | options
    return type(f"{kind.model.__name__}Inline", (base,), attrs)


class _SectionInline(_ItemInline):
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            path_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Section.objects.filter(path_id=path_id, parent=None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class _FlashcardInline(_ItemInline):
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "section":  # a section of this path
            path_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Section.objects.filter(path_id=path_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class _PodcastInline(admin.StackedInline):
    formset = ItemFormSet
    max_num = 1
    extra = 0


#: The path page's inlines, one per kind of item (a quiz's questions have their own page).
ITEM_INLINES = (
    _item_inline(SECTION, _SectionInline),
    _item_inline(FLASHCARD, _FlashcardInline),
    _item_inline(QUIZ),
    _item_inline(RESOURCE, formfield_overrides={models.URLField: {"assume_scheme": "https"}}),
    _item_inline(PODCAST, _PodcastInline),
)


class BundleUploadForm(forms.Form):
    bundle = forms.FileField(help_text="A studytree.path JSON bundle, as exported.")


@admin.register(Path)
class PathAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "owner", "visibility", "version", "items")
    list_filter = (
        "visibility",
        ("owner", admin.EmptyFieldListFilter),
        ("cloned_from", admin.EmptyFieldListFilter),
    )
    search_fields = ("title", "slug", "summary")
    list_select_related = ("owner",)
    readonly_fields = ("version", "cloned_from", "source_version", "created_at", "updated_at")
    fields = (
        ("title", "slug"),
        "summary",
        "key_points",
        ("owner", "visibility"),
        ("version", "cloned_from", "source_version"),
        ("created_at", "updated_at"),
    )
    inlines = ITEM_INLINES
    actions = ("publish", "unpublish", "export_bundles", "export_apkg", "clone_for_me")
    change_list_template = "admin/learning/path/change_list.html"
    change_form_template = "admin/learning/path/change_form.html"

    def get_queryset(self, request):
        return with_item_counts(super().get_queryset(request))

    @admin.display(description="items")
    def items(self, path: Path) -> str:
        return (
            f"{path.n_sections} sections, {path.n_flashcards} cards, "
            f"{path.n_questions} questions, {path.n_resources} resources"
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            path_content_changed(form.instance)

    def delete_model(self, request, obj):
        path_delete(path=obj)

    def delete_queryset(self, request, queryset):
        for path in queryset:
            path_delete(path=path)

    @admin.action(description="Publish the selected paths")
    def publish(self, request, queryset):
        changed = paths_visibility_set(paths=queryset, visibility=Visibility.PUBLIC)
        self.message_user(request, f"{changed} path(s) published.", messages.SUCCESS)

    @admin.action(description="Unpublish (make private) the selected paths")
    def unpublish(self, request, queryset):
        changed = paths_visibility_set(paths=queryset, visibility=Visibility.PRIVATE)
        self.message_user(request, f"{changed} path(s) made private.", messages.SUCCESS)

    @admin.action(description="Clone the selected paths into private copies of mine")
    def clone_for_me(self, request, queryset):
        """The same service as ``POST paths/{slug}/clone/``: a private copy that can sync."""
        for source in queryset:
            try:
                clone = path_clone(path=source, user=request.user)
            except ApplicationError as exc:
                self.message_user(request, f"{source.slug}: {exc.message}", messages.ERROR)
            else:
                self.message_user(
                    request, f"Cloned {source.slug} as {clone.slug}.", messages.SUCCESS
                )

    @admin.action(description="Export as JSON bundle (several: a zip)")
    def export_bundles(self, request, queryset):
        paths = list(queryset)
        if len(paths) == 1:
            return _download(
                json.dumps(path_export(paths[0]), ensure_ascii=False, indent=1).encode(),
                f"{paths[0].slug}.studytree.json",
                "application/json",
            )
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundles:
            for path in paths:
                text = json.dumps(path_export(path), ensure_ascii=False, indent=1)
                bundles.writestr(f"{path.slug}.studytree.json", text)
        return _download(archive.getvalue(), "studytree-bundles.zip", "application/zip")

    @admin.action(description="Export flashcards as Anki package (.apkg; several: a zip)")
    def export_apkg(self, request, queryset):
        """The same package as ``GET paths/{slug}/export.apkg``."""
        paths = list(queryset)
        if len(paths) == 1:
            return _download(path_apkg(path=paths[0]), f"{paths[0].slug}.apkg", "application/apkg")
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as packages:
            for path in paths:
                packages.writestr(f"{path.slug}.apkg", path_apkg(path=path))
        return _download(archive.getvalue(), "studytree-anki.zip", "application/zip")

    def get_urls(self):
        return [
            url(
                "<int:object_id>/analytics/",
                self.admin_site.admin_view(self.analytics_view),
                name="learning_path_analytics",
            ),
            url(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="learning_path_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload a bundle file: a new private platform path, or the errors as messages."""
        if not self.has_add_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        form = BundleUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                data = json.loads(form.cleaned_data["bundle"].read().decode("utf-8"))
                path = path_import(data=data, visibility=Visibility.PRIVATE)
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                self.message_user(request, f"Not a JSON file: {exc}", messages.ERROR)
            except InvalidInput as exc:
                self.message_user(request, exc.message, messages.ERROR)
                for field, problems in list(exc.fields.items())[:20]:
                    self.message_user(request, f"{field}: {'; '.join(problems)}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"Imported “{path.title}” as {path.slug} (private: publish it when ready).",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:learning_path_change", args=[path.pk]))
        context = self.admin_site.each_context(request) | {
            "opts": self.model._meta,
            "form": form,
            "title": "Import a path bundle",
        }
        return render(request, "admin/learning/path/import.html", context)

    def analytics_view(self, request, object_id: int):
        """Per question the share right and the most common wrong answers, per flashcard
        the lapse rate and mean interval, over the path and its clones, with two bar
        charts drawn as inline SVG (``learning.selectors.analytics``)."""
        path = Path.objects.filter(pk=object_id).first()
        if path is None:
            raise Http404(f"No path {object_id}.")
        if not self.has_view_permission(request, path):
            raise PermissionDenied
        analytics = path_analytics(path=path)
        context = self.admin_site.each_context(request) | {
            "opts": self.model._meta,
            "original": path,
            "title": f"Analytics of “{path.title}”",
            "analytics": analytics,
            "questions_chart": share_bars_svg(
                [(s.question.prompt, s.share_correct) for s in analytics.questions],
                title="Share of answers correct, per question",
                fill="#1b7f3b",
            ),
            "flashcards_chart": share_bars_svg(
                [(s.flashcard.front, s.lapse_rate) for s in analytics.flashcards],
                title="Lapse rate, per flashcard",
                fill="#b3261e",
            ),
        }
        return render(request, "admin/learning/path/analytics.html", context)


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- questions and their choices -------------------------------------------------------------


class ChoiceFormSet(BaseInlineFormSet):
    """The choices checked against the question's kind with ``validate_question``, the
    rule the API and bundles follow: the question form and this inline are validated
    apart, so only here are both known. The admin builds the inline on the question its
    form has just cleaned, so ``self.instance`` holds the kind and answer being saved."""

    def clean(self):
        super().clean()
        question = self.instance
        if question.kind not in QuestionKind.values or any(form.errors for form in self.forms):
            return  # the form or a choice shows its own error first
        choices = [
            {"text": form.cleaned_data["text"], "is_correct": form.cleaned_data["is_correct"]}
            for form in self.forms
            if (form.instance.pk is not None or form.has_changed())
            and not self._should_delete_form(form)
        ]
        try:
            validate_question(
                {"kind": question.kind, "choices": choices, "answer": question.answer}
            )
        except serializers.ValidationError as exc:
            raise forms.ValidationError(
                [
                    f"{field}: {message}"
                    for field, messages in error_fields(exc.detail).items()
                    for message in messages
                ]
            ) from exc


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 0
    fields = ("position", "text", "is_correct")


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ("quiz", "position", "kind", "prompt", "explanation", "answer")


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """A question's path is its quiz's; its hash is refreshed once its choices are saved."""

    form = QuestionForm
    list_display = ("prompt", "kind", "quiz", "path")
    list_filter = ("kind", "path")
    search_fields = ("prompt", "quiz__title", "path__title")
    list_select_related = ("quiz", "path")
    inlines = (ChoiceInline,)

    def save_model(self, request, obj, form, change):
        obj.path_id = obj.quiz.path_id
        super().save_model(request, obj, form, change)  # re-hashed with its choices below

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        question_choices_changed(question=form.instance)

    def delete_model(self, request, obj):
        item_delete(item=obj)

    def delete_queryset(self, request, queryset):
        for question in queryset.select_related("path"):
            item_delete(item=question)


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    """Quiz attempts, read-only; regrading runs the same ``RegradeQuiz`` as the API."""

    list_display = ("id", "user", "quiz", "status", "score", "max_score", "keys_seen", "graded_at")
    list_filter = ("status", "keys_seen")
    list_select_related = ("user", "quiz")
    actions = ("regrade_quizzes",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Regrade the quizzes of the selected attempts (current keys)")
    def regrade_quizzes(self, request, queryset):
        quizzes = Quiz.objects.filter(pk__in=queryset.values("quiz_id"))
        changes = [change for quiz in quizzes for change in RegradeQuiz(quiz=quiz).execute()]
        self.message_user(
            request, f"{len(changes)} attempt(s) regraded with a new score.", messages.SUCCESS
        )
