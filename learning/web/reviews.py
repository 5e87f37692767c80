"""The review page (``/paths/<slug>/flashcards/``) and the article's review prompts.

One card at a time: its front, "Show answer", then Again / Hard / Good / Easy, each with
the interval it would give. ``review.js`` runs the session in the browser and posts each
answer to the API's ``POST reviews/`` (the same log, a ``client_id`` per answer so a
double click counts once; a card rated Again comes back at the end of the session).
Without JavaScript the same buttons submit a form here: :func:`flashcards` stores the
review with ``reviews_submit`` and answers with the next card (post, redirect, get).
"""

import uuid

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from config.errors import InvalidInput
from learning.rendering import render_markdown_many
from learning.scheduling import RATINGS
from learning.services.reviews import review_session_start, reviews_submit
from learning.web.errors import pages

#: Cards one page session holds; the next page load brings the rest.
SESSION_SIZE = 100
LABELS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
_MINUTE, _HOUR, _DAY = 60, 3600, 86400


def interval_label(seconds: int | None) -> str:
    """``30`` → ``"<1 min"``, ``600`` → ``"10 min"``, ``259200`` → ``"3 d"``."""
    if seconds is None:
        return ""
    if seconds < _MINUTE:
        return "<1 min"
    if seconds < _HOUR:
        return f"{round(seconds / _MINUTE)} min"
    if seconds < _DAY:
        return f"{round(seconds / _HOUR)} h"
    if seconds < 30 * _DAY:
        return f"{round(seconds / _DAY)} d"
    if seconds < 365 * _DAY:
        return f"{round(seconds / (30 * _DAY))} mo"
    return f"{seconds / (365 * _DAY):.1f} y"


def review_cards(cards: list[dict], intervals: list[dict | None] | None = None) -> list[dict]:
    """What a card template shows: ``cards`` (``{id, front, back}``) with their Markdown and
    math rendered, a fresh ``client_id``, and the four ratings with their intervals."""
    intervals = intervals or [None] * len(cards)
    html = render_markdown_many([text for c in cards for text in (c["front"], c["back"])])
    return [
        {
            "id": card["id"],
            "front_html": html[2 * i],
            "back_html": html[2 * i + 1],
            "client_id": uuid.uuid4(),
            "ratings": [
                {
                    "value": value,
                    "label": LABELS[value],
                    "interval": interval_label((intervals[i] or {}).get(name)),
                }
                for value, name in RATINGS.items()
            ],
        }
        for i, card in enumerate(cards)
    ]


def _tally_key(slug: str) -> str:
    return f"review-tally:{slug}"


def _tally(request, slug: str) -> dict[str, int]:
    """This browser session's ratings today on the path (the no-JS summary)."""
    stored = request.session.get(_tally_key(slug)) or {}
    if stored.get("day") != timezone.now().date().isoformat():
        return {str(value): 0 for value in LABELS}
    return {str(value): stored.get(str(value), 0) for value in LABELS}


@login_required
@pages
def flashcards(request, slug: str):
    if request.method == "POST":
        return _answer(request, slug)
    _path, rows = review_session_start(
        user=request.user, slug=slug, now=timezone.now(), limit=SESSION_SIZE
    )
    cards = review_cards([row["flashcard"] for row in rows], [row["intervals"] for row in rows])
    tally = _tally(request, slug)
    return render(
        request,
        "web/paths/flashcards.html",
        {
            "slug": slug,
            "cards": cards,
            "summary": [{"value": v, "label": LABELS[v], "count": tally[str(v)]} for v in LABELS],
            "reviewed": sum(tally.values()),
        },
    )


def _parsed(post) -> dict:
    flashcard, rating, client_id = (
        post.get(name, "") for name in ("flashcard", "rating", "client_id")
    )
    fields = {}
    if not (flashcard.isascii() and flashcard.isdigit() and 0 < int(flashcard) < 2**63):
        fields["flashcard"] = ["A flashcard id."]
    if rating not in {"1", "2", "3", "4"}:
        fields["rating"] = ["1 Again, 2 Hard, 3 Good or 4 Easy."]
    try:
        client_id = uuid.UUID(client_id)
    except ValueError:
        fields["client_id"] = ["A UUID."]
    if fields:
        name, messages = next(iter(fields.items()))
        raise InvalidInput(f"{name}: {messages[0]}", fields=fields)
    return {"flashcard": int(flashcard), "rating": int(rating), "client_id": client_id}


def _answer(request, slug: str):
    review = _parsed(request.POST)
    [answer] = reviews_submit(user=request.user, reviews=[review], batch=False)
    if answer["created"]:
        tally = _tally(request, slug) | {"day": timezone.now().date().isoformat()}
        tally[str(review["rating"])] += 1
        request.session[_tally_key(slug)] = tally
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("web:flashcards", args=[slug])
    return redirect(target)


def sections_with_prompts(tree: dict) -> list[dict]:
    """The tree's sections, each with ``prompts``: the cards of its flashcards that name it
    (``Flashcard.section``), ready to review in place at the end of the section's text.
    The cached tree is copied, never changed."""
    cards = [card for card in tree["flashcards"] if card.get("section")]
    article = reverse("web:article", args=[tree["slug"]])
    prompts: dict[int, list[dict]] = {}
    for card, view in zip(cards, review_cards(cards)):
        view["next"] = f"{article}#section-{card['section']}"
        prompts.setdefault(card["section"], []).append(view)

    def row(section: dict) -> dict:
        return section | {
            "prompts": prompts.get(section["id"], []),
            "children": [row(child) for child in section["children"]],
        }

    return [row(section) for section in tree["sections"]]
