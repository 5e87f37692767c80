"""A path's pages: the outline (preview or whole), the article and the podcast.

Each reads the same tree as the API (``path_tree``, cached per version): owner and staff
get it whole, everyone else the preview, which the pages show as it is.
"""

from django.shortcuts import render
from django.utils import timezone

from config.errors import ApplicationError
from learning.extensions import article_figures
from learning.selectors.attempts import quiz_best_scores
from learning.selectors.clones import path_updates
from learning.selectors.paths import path_get_for_read, path_sees_whole
from learning.selectors.reviews import due_counts
from learning.selectors.trees import path_tree
from learning.web.errors import pages
from learning.web.links import optional_url, path_parts
from learning.web.reviews import sections_with_prompts


def _read(request, slug: str) -> tuple:
    path = path_get_for_read(slug=slug, user=request.user)
    whole = path_sees_whole(path, request.user)
    return path, path_tree(path, preview=not whole), whole


def pending_updates(path, user) -> dict:
    """``{count, error}``: how many upstream updates wait for a clone, or why none can."""
    if path.cloned_from_id is None:
        return {"count": 0, "error": None}
    try:
        listing = path_updates(path=path, user=user)
    except ApplicationError as exc:
        return {"count": 0, "error": exc.message}
    count = sum(len(listing[name]) for name in ("added", "changed", "removed", "conflicts"))
    return {"count": count, "error": None}


def due_now(path, user) -> int:
    """How many of the path's cards the review page would offer now."""
    now = timezone.now()
    return due_counts(user=user, paths=[path], until=now, now=now)[path.pk]


@pages
def outline(request, slug: str):
    path, tree, whole = _read(request, slug)
    context = {"tree": tree, "whole": whole, "path": path}
    if whole:
        context |= {
            "parts": path_parts(tree),
            "updates": pending_updates(path, request.user),
            "due_now": due_now(path, request.user),
        }
        context["quiz_scores"] = quiz_scores(tree, quiz_best_scores(user=request.user, path=path))
    return render(request, "web/paths/outline.html", context)


def quiz_scores(tree: dict, best: dict[int, dict]) -> list[dict]:
    """``[{quiz, url, best}]``: each quiz of the path with your best graded score, if any."""
    return [
        {
            "quiz": quiz,
            "url": optional_url("web:quiz", tree["slug"], quiz["id"]),
            "best": best.get(quiz["id"]),
        }
        for quiz in tree["quizzes"]
    ]


def with_figures(sections: list[dict], figures: dict[str, list[dict]]) -> list[dict]:
    """The sections (and their children) each with the figures placed beside it; a
    section whose body the reader may not see gets none."""
    return [
        s
        | {
            "figures": figures.get(s["origin_uid"], []) if s["html"] is not None else [],
            "children": with_figures(s.get("children", []), figures),
        }
        for s in sections
    ]


@pages
def article(request, slug: str):
    path, tree, whole = _read(request, slug)
    tree["sections"] = with_figures(tree["sections"], article_figures(path))
    # Review prompts for whoever reviews the path: its owner and staff, who see it whole.
    sections = sections_with_prompts(tree) if whole else tree["sections"]
    return render(
        request, "web/paths/article.html", {"tree": tree, "whole": whole, "sections": sections}
    )


def clock(seconds) -> str:
    """``75.5`` → ``"1:15"``."""
    seconds = int(seconds or 0)
    return f"{seconds // 60}:{seconds % 60:02d}"


@pages
def podcast(request, slug: str):
    _path, tree, whole = _read(request, slug)
    episode = tree["podcast"]
    segments = [
        segment | {"clock": clock(segment.get("start"))}
        for segment in (episode["transcript"] if episode else [])
    ]
    return render(
        request,
        "web/paths/podcast.html",
        {
            "tree": tree,
            "whole": whole,
            "episode": episode,
            "segments": segments,
            "duration": clock(episode["duration_seconds"]) if episode else None,
        },
    )
