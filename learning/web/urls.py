"""The learner's pages (SPEC §7), under the namespace ``web``."""

from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import path as route

from learning.web import accounts, catalog, clones, items, paths, quizzes, reviews

app_name = "web"

urlpatterns = [
    route("", catalog.catalog, name="catalog"),
    # Browsers ask for it on pages that name no icon (the admin's); the static URL is
    # looked up per request, since with the manifest storage it exists after collectstatic.
    route("favicon.ico", lambda request: redirect(static("web/favicon.svg"), permanent=True)),
    route("me/", catalog.me, name="me"),
    route("accounts/signup/", accounts.signup, name="signup"),
    route("accounts/login/", accounts.login_view, name="login"),
    route("accounts/logout/", accounts.logout_view, name="logout"),
    route("paths/<slug:slug>/", paths.outline, name="path"),
    route("paths/<slug:slug>/article/", paths.article, name="article"),
    route("paths/<slug:slug>/podcast/", paths.podcast, name="podcast"),
    route("paths/<slug:slug>/flashcards/", reviews.flashcards, name="flashcards"),
    route("paths/<slug:slug>/quizzes/<int:pk>/", quizzes.quiz, name="quiz"),
    route(
        "paths/<slug:slug>/quizzes/<int:pk>/attempts/<int:attempt_id>/",
        quizzes.attempt,
        name="quiz-attempt",
    ),
    route("paths/<slug:slug>/clone/", clones.clone, name="clone"),
    route("paths/<slug:slug>/updates/", clones.updates, name="updates"),
    route("paths/<slug:slug>/sync/", clones.sync, name="sync"),
    route("paths/<slug:slug>/edit/", items.editor, name="edit"),
    route(
        "paths/<slug:slug>/edit/sections/<int:pk>/",
        items.item_edit,
        {"kind": "sections"},
        name="edit-section",
    ),
    route(
        "paths/<slug:slug>/edit/flashcards/<int:pk>/",
        items.item_edit,
        {"kind": "flashcards"},
        name="edit-flashcard",
    ),
]
