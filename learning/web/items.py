"""Editing your path's items on the pages: its sections (Markdown, previewed as the
article will show it) and its flashcards, written by ``learning.services.items``.

The preview is rendered on the server by the article's own renderer, so it needs no
script and shows exactly what saving will show, formulas included.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from config.errors import NotFound
from learning.models import Flashcard, Section
from learning.rendering import render_markdown
from learning.selectors.items import item_get_for_write
from learning.selectors.paths import path_get_for_write
from learning.selectors.trees import path_tree
from learning.services.items import item_update
from learning.web.errors import pages


class SectionForm(forms.Form):
    title = forms.CharField(max_length=Section._meta.get_field("title").max_length)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 18}),
        required=False,
        strip=False,
        help_text="Markdown; $…$ for a formula in the text, $$…$$ for one on its own line.",
    )


class FlashcardForm(forms.Form):
    front = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    back = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))


#: What each kind of editable item is: its model, its form, what one is called.
EDITABLE = {
    "sections": (Section, SectionForm, "section"),
    "flashcards": (Flashcard, FlashcardForm, "flashcard"),
}


@login_required
@pages
def editor(request, slug: str):
    path = path_get_for_write(slug=slug, user=request.user)
    return render(
        request,
        "web/paths/edit.html",
        {"path": path, "tree": path_tree(path, preview=False), "whole": True},
    )


def _saved_at(item, kind: str) -> str:
    """Where to go after saving: the section in the article, or back to the editor."""
    if kind == "sections":
        return reverse("web:article", args=[item.path.slug]) + f"#section-{item.pk}"
    return reverse("web:edit", args=[item.path.slug])


@login_required
@pages
def item_edit(request, slug: str, kind: str, pk: int):
    model, form_class, noun = EDITABLE[kind]
    item = item_get_for_write(model, pk=pk, user=request.user)
    if item.path.slug != slug:
        raise NotFound(f"No {noun} {pk} in {slug!r}.")
    initial = {name: getattr(item, name) for name in form_class.base_fields}
    form = form_class(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST and "body" in form.cleaned_data:
            preview = render_markdown(form.cleaned_data["body"])
        else:
            item_update(item=item, data=form.cleaned_data)
            messages.success(request, f"Saved the {noun}.")
            return redirect(_saved_at(item, kind))
    return render(
        request,
        "web/paths/edit_item.html",
        {"path": item.path, "item": item, "form": form, "noun": noun, "preview": preview},
    )
