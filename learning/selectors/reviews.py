"""Reads of spaced-repetition reviews: the due queue, statistics, a learner's settings.

A learner reviews the flashcards of the paths they own (their clones and their own
paths); staff may review any path's. Someone else's card is a 404, like any path you
cannot see. "Today" is the UTC day.

The review page (``/paths/<slug>/flashcards/``) reads what the API reads:
``services.reviews.review_session_start`` (``queue_head``: the path with the learner's
deck version, settings and new cards today in one query; the deck refreshed if the path
changed; then ``due_cards(path=…)``, due and new cards in one query, each row with the
next interval of every rating for the buttons), and submits each answer with
``services.reviews.reviews_submit`` (a list of one, ``client_id`` made by the page so a
double click counts once); ``review_stats`` for the summary.
"""

from dataclasses import dataclass, fields
from datetime import datetime, time, timedelta
from functools import cache as cache_per_process

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value, Window
from django.db.models.functions import TruncDate

from config.errors import NotFound
from config.prepared import Prepared, PreparedInstance, columns_of
from learning import scheduling
from learning.models import (
    CardState,
    Flashcard,
    Path,
    ReviewCard,
    ReviewDeck,
    ReviewLog,
    ReviewSettings,
)
from learning.selectors.paths import paths_visible_to

FORECAST_DAYS = 30
RETENTION_WINDOW = timedelta(days=30)
STREAK_LOOKBACK_DAYS = 3660
MAX_DUE_LIMIT = 500


def iso(moment: datetime | None) -> str | None:
    """A datetime as the API writes it (DRF's style: UTC with a ``Z``)."""
    if moment is None:
        return None
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def day_start(now: datetime) -> datetime:
    return datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)


_SETTINGS = PreparedInstance(
    ReviewSettings, lambda user_id: ReviewSettings.objects.filter(user_id=user_id), user_id=int
)
_OWN_PATH = PreparedInstance(
    Path,
    lambda slug, user_id: Path.objects.filter(slug=slug, owner_id=user_id),
    slug=str,
    user_id=int,
)


def review_settings_of(*, user) -> ReviewSettings:
    """The learner's settings; the defaults (unsaved) when they never changed any."""
    return _SETTINGS.get(user_id=user.pk) or ReviewSettings(user=user)


def settings_row(settings: ReviewSettings) -> dict:
    return {
        "desired_retention": settings.desired_retention,
        "new_per_day": settings.new_per_day,
        "parameters": list(scheduling.parameters_or_default(settings.parameters)),
        "default_parameters": not settings.parameters,
        "last_optimization": settings.last_optimization,
    }


_CARD_COLUMNS = ("id", "path_id", "created_at")
#: What a review or the queue needs of a learner's settings (ReviewSettings' fields).
_SETTINGS_READ = ("desired_retention", "new_per_day", "parameters")


def _with_settings(cards: QuerySet, user_id: int) -> QuerySet:
    """``cards`` annotated with the learner's settings (``settings_<field>``; None where
    they never saved any), so they come in the same query."""
    saved = ReviewSettings.objects.filter(user_id=user_id)
    return cards.annotate(
        **{f"settings_{name}": Subquery(saved.values(name)[:1]) for name in _SETTINGS_READ}
    )


def _settings_from(user_id: int, values) -> ReviewSettings:
    """The settings read by :func:`_with_settings` (``values`` in ``_SETTINGS_READ`` order)."""
    settings = ReviewSettings(user_id=user_id)
    for name, value in zip(_SETTINGS_READ, values, strict=True):
        if value is not None:  # None: no settings saved, the defaults stand
            setattr(settings, name, value)
    return settings


_OWN_CARD = Prepared(
    lambda pk, user_id: (
        _with_settings(Flashcard.objects.filter(pk=pk, path__owner_id=user_id), user_id)
        .order_by()
        .values_list(*_CARD_COLUMNS, *(f"settings_{name}" for name in _SETTINGS_READ))
    ),
    pk=int,
    user_id=int,
)


def card_to_review(*, user, pk: int) -> tuple[Flashcard, ReviewSettings] | None:
    """Flashcard ``pk`` if ``user`` may review it (None if not), with their settings: one
    query for a learner (a review submission, SPEC §8's hot write)."""
    if user.is_staff:
        card = reviewable_flashcards(user=user, ids=[pk]).get(pk)
        return (card, review_settings_of(user=user)) if card is not None else None
    row = _OWN_CARD.first(pk=pk, user_id=user.pk) if 0 < pk < 2**63 else None
    if row is None:
        return None
    width = len(_CARD_COLUMNS)
    card = Flashcard.from_db(DEFAULT_DB_ALIAS, _CARD_COLUMNS, row[:width])
    return card, _settings_from(user.pk, row[width:])


def reviewable_flashcards(*, user, ids) -> dict[int, Flashcard]:
    """The flashcards among ``ids`` that ``user`` may review (their own paths'; staff any)."""
    ids = [pk for pk in ids if 0 < pk < 2**63]  # beyond a bigint no card exists
    cards = Flashcard.objects.filter(pk__in=ids).only(*_CARD_COLUMNS)
    if not user.is_staff:
        cards = cards.filter(path__owner=user)
    return {card.pk: card for card in cards}


def reviewable_path(*, user, slug: str) -> Path:
    """A path whose cards ``user`` reviews: one they own, or any they can see for staff."""
    if user.is_staff:
        path = paths_visible_to(user).filter(slug=slug).first()
    else:
        path = _OWN_PATH.get(slug=slug, user_id=user.pk)
    if path is None:
        raise NotFound(f"No path {slug!r} of yours to review. Clone it first.")
    return path


_CARD_STATE_FIELDS = tuple(field.name for field in fields(scheduling.CardState))


def card_state(card: ReviewCard) -> scheduling.CardState:
    return scheduling.CardState(**{name: getattr(card, name) for name in _CARD_STATE_FIELDS})


def card_row(card: ReviewCard) -> dict:
    """What the API says of a card's state (also stored as a review's first answer)."""
    return {
        "flashcard": card.flashcard_id,
        "state": card.state,
        "due": iso(card.due),
        "stability": card.stability,
        "difficulty": card.difficulty,
        "step": card.step,
        "last_review": iso(card.last_review),
        "reps": card.reps,
        "lapses": card.lapses,
        "leech": card.leech,
        "suspended": card.suspended,
    }


_STATE_COLUMNS = (
    "flashcard_id", "path_id", "state", "due", "stability", "difficulty", "step",
    "last_review", "first_review", "reps", "lapses", "leech",
)  # fmt: skip


def _cards(user, path: Path | None):
    cards = ReviewCard.objects.filter(user=user, suspended=False)
    return cards.filter(path=path) if path is not None else cards


#: The version of a path for which a learner's deck is complete (services.reviews).
deck_version = Prepared(
    lambda user_id, path_id: (
        ReviewDeck.objects.filter(user_id=user_id, path_id=path_id)
        .order_by()
        .values_list("version")
    ),
    user_id=int,
    path_id=int,
)


_NEW_SINCE = Prepared(
    lambda user_id, since: (
        ReviewCard.objects.filter(user_id=user_id, first_review__gte=since)
        .order_by()
        .annotate(n=Window(Count("pk")))
        .values_list("n")
    ),
    user_id=int,
    since=datetime,
)


def new_introduced_today(*, user, now: datetime) -> int:
    found = _NEW_SINCE.first(user_id=user.pk, since=day_start(now))
    return found[0] if found else 0


_PATH_COLUMNS = columns_of(Path)


def _queue_head_query(slug: str, user_id: int, since: datetime) -> QuerySet:
    new_today = (
        ReviewCard.objects.filter(user_id=user_id, first_review__gte=since)
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    deck = ReviewDeck.objects.filter(user_id=user_id, path_id=OuterRef("pk"))
    paths = Path.objects.filter(slug=slug, owner_id=user_id).order_by()
    return (
        _with_settings(paths, user_id)
        .annotate(deck=Subquery(deck.values("version")[:1]), new_today=Subquery(new_today))
        .values_list(
            *_PATH_COLUMNS, "deck", *(f"settings_{name}" for name in _SETTINGS_READ), "new_today"
        )
    )


_QUEUE_HEAD = Prepared(_queue_head_query, slug=str, user_id=int, since=datetime)


@dataclass(frozen=True)
class QueueHead:
    """What a review session of one path starts from."""

    path: Path
    #: The path's version when the learner's deck was last made complete (None: never).
    deck_version: int | None
    settings: ReviewSettings
    new_today: int


def queue_head(*, user, slug: str, now: datetime) -> QueueHead:
    """The learner's path ``slug`` to review (404 if it is not one of theirs), with their
    deck's version, their settings and the new cards they began today: one query (the
    hot case of SPEC §8; staff reviewing any path read them one by one)."""
    if user.is_staff:
        path = reviewable_path(user=user, slug=slug)
        deck = deck_version.first(user_id=user.pk, path_id=path.pk)
        return QueueHead(
            path,
            deck[0] if deck else None,
            review_settings_of(user=user),
            new_introduced_today(user=user, now=now),
        )
    row = _QUEUE_HEAD.first(slug=slug, user_id=user.pk, since=day_start(now))
    if row is None:
        raise NotFound(f"No path {slug!r} of yours to review. Clone it first.")
    width = len(_PATH_COLUMNS)
    deck, *chosen, new_today = row[width:]
    path = Path.from_db(DEFAULT_DB_ALIAS, _PATH_COLUMNS, row[:width])
    return QueueHead(path, deck, _settings_from(user.pk, chosen), new_today or 0)


def due_cards(
    *,
    user,
    path: Path | None = None,
    limit: int = 20,
    now: datetime,
    settings: ReviewSettings | None = None,
    new_today: int | None = None,
) -> list[dict]:
    """The cards to review now: those due, oldest due first, then new cards (in the order
    they were added) up to the learner's daily new limit less the new cards already
    introduced today. Each row carries the interval each rating would give. ``settings``
    and ``new_today``, when the caller read them already (``queue_head``), are not read
    again."""
    settings = settings or review_settings_of(user=user)
    if new_today is None:
        new_today = new_introduced_today(user=user, now=now)
    new_room = max(min(limit, settings.new_per_day - new_today), 0)
    values = {"user_id": user.pk} | ({"path_id": path.pk} if path is not None else {})
    rows = _queue_query(path is not None, limit, new_room).rows(now=now, **values)
    # One query for both (UNION ALL, which keeps no order): each sorted as it was chosen.
    due = sorted((row for row in rows if row[0] == DUE), key=_in_order(DUE))
    new = sorted((row for row in rows if row[0] == NEW), key=_in_order(NEW))
    width = len(_QUEUE_COLUMNS)
    return [
        # The queue of one path does not join it: its slug is known (a third table costs
        # PostgreSQL more to plan than the query costs to run).
        _queue_row(row[1 : 1 + width], settings, now, path.slug if path is not None else row[-1])
        for row in [*due, *new[: limit - len(due)]]
    ]


DUE, NEW = "due", "new"
_QUEUE_COLUMNS = ("id", *_STATE_COLUMNS, "flashcard__front", "flashcard__back")
_QUEUE_ORDER = {DUE: ("due", "id"), NEW: ("path_id", "flashcard_id")}


def _in_order(which: str):
    """The sort key of ``which`` queue's rows (``queue`` then ``_QUEUE_COLUMNS``)."""
    at = [1 + _QUEUE_COLUMNS.index(column) for column in _QUEUE_ORDER[which]]
    return lambda row: tuple(row[i] for i in at)


@cache_per_process
def _queue_query(of_path: bool, limit: int, new_limit: int) -> Prepared:
    """The first ``limit`` due cards and ``new_limit`` new cards of a learner (of one
    path), with their flashcard and path, as one prepared query (one per pair of limits:
    they sit inside the SQL). Each row starts with ``DUE`` or ``NEW``, then
    ``_QUEUE_COLUMNS``.

    Each limit is applied in a subquery before the join: joined directly, PostgreSQL may
    merge-join the index of new cards with the whole flashcard table (200 ms for 100,000
    cards instead of 0.1)."""

    def chosen(which: str, how_many: int, values: dict) -> QuerySet:
        cards = ReviewCard.objects.filter(user_id=values["user_id"], suspended=False)
        if of_path:
            cards = cards.filter(path_id=values["path_id"])
        if which == DUE:
            cards = cards.filter(due__isnull=False, due__lte=values["now"])
        else:
            cards = cards.filter(state=CardState.NEW)
        first = cards.order_by(*_QUEUE_ORDER[which]).values("pk")[:how_many]
        return (
            ReviewCard.objects.filter(pk__in=first)
            .annotate(queue=Value(which))
            .order_by()
            .values_list("queue", *_QUEUE_COLUMNS, *(() if of_path else ("path__slug",)))
        )

    def both(**values) -> QuerySet:
        due = chosen(DUE, limit, values)
        return due.union(chosen(NEW, new_limit, values), all=True) if new_limit else due

    kinds = {"user_id": int} | ({"path_id": int} if of_path else {})
    return Prepared(both, **kinds, now=datetime)


def _queue_row(row: tuple, settings: ReviewSettings, now: datetime, slug: str) -> dict:
    card = dict(zip(_QUEUE_COLUMNS, row, strict=True))
    state = scheduling.CardState(**{name: card[name] for name in _CARD_STATE_FIELDS})
    return {
        "flashcard": {
            "id": card["flashcard_id"],
            "front": card["flashcard__front"],
            "back": card["flashcard__back"],
            "path": slug,
        },
        "due": iso(card["due"]),
        "state": card["state"],
        "leech": card["leech"],
        "intervals": scheduling.next_intervals(
            state,
            now=now,
            parameters=settings.parameters,
            desired_retention=settings.desired_retention,
        ),
    }


def review_stats(*, user, path: Path | None = None, now: datetime) -> dict:
    """Counts by state (suspended cards apart), the number of reviews, measured retention
    (the share of reviews in the last 30 days not rated Again), a 30-day forecast of due
    cards (overdue ones count today) and the streak of days in a row with a review."""
    cards = ReviewCard.objects.filter(user=user)
    logs = ReviewLog.objects.filter(user=user, undone_at__isnull=True)
    if path is not None:
        cards, logs = cards.filter(path=path), logs.filter(flashcard__path=path)
    by_state = dict(
        cards.filter(suspended=False).values_list("state").annotate(n=Count("id")).order_by()
    )
    totals = cards.aggregate(
        suspended=Count("id", filter=Q(suspended=True)), leeches=Count("id", filter=Q(leech=True))
    )
    recent = logs.filter(reviewed_at__gte=now - RETENTION_WINDOW).aggregate(
        total=Count("id"), passed=Count("id", filter=Q(rating__gt=1))
    )
    today = day_start(now)
    horizon = today + timedelta(days=FORECAST_DAYS)
    per_day = dict(
        cards.filter(suspended=False, due__isnull=False, due__lt=horizon, due__gte=today)
        .annotate(day=TruncDate("due"))
        .values_list("day")
        .annotate(n=Count("id"))
        .order_by()
    )
    overdue = cards.filter(suspended=False, due__lt=today).count()
    forecast = [
        {
            "date": (today + timedelta(days=d)).date().isoformat(),
            "due": per_day.get((today + timedelta(days=d)).date(), 0) + (overdue if d == 0 else 0),
        }
        for d in range(FORECAST_DAYS)
    ]
    return {
        "counts": {state: by_state.get(state, 0) for state in scheduling.STATES},
        "suspended": totals["suspended"],
        "leeches": totals["leeches"],
        "reviews_total": logs.count(),
        "retention": recent["passed"] / recent["total"] if recent["total"] else None,
        "forecast": forecast,
        "streak": _streak(logs, now),
    }


def _streak(logs, now: datetime) -> int:
    """Days in a row with a review, ending today (or yesterday, if none yet today)."""
    since = day_start(now) - timedelta(days=STREAK_LOOKBACK_DAYS)
    days = set(
        logs.filter(reviewed_at__gte=since)
        .annotate(day=TruncDate("reviewed_at"))
        .values_list("day", flat=True)
        .distinct()
    )
    day = now.date() if now.date() in days else now.date() - timedelta(days=1)
    streak = 0
    while day in days:
        streak, day = streak + 1, day - timedelta(days=1)
    return streak


def learners_with_reviews(*, at_least: int):
    """Ids of the learners with at least ``at_least`` live reviews (an iterator)."""
    return (
        ReviewLog.objects.filter(undone_at__isnull=True)
        .values("user_id")
        .annotate(n=Count("id"))
        .filter(n__gte=at_least)
        .values_list("user_id", flat=True)
        .iterator()
    )


def due_counts(*, user, paths, until: datetime, now: datetime) -> dict[int, int]:
    """Per path id of ``paths`` (the learner's), how many cards the review page would offer
    by ``until``: reviews due by then, plus the new cards still allowed today (a flashcard
    with no review card yet counts as new, so a fresh clone shows its cards before its
    first review session). The daily new limit is the learner's, shared by every path, so
    each path's new share is capped by what is left of it, not split between paths."""
    ids = [p.pk for p in paths]
    if not ids:
        return {}
    settings = review_settings_of(user=user)
    room = max(settings.new_per_day - new_introduced_today(user=user, now=now), 0)
    due = dict(
        _cards(user, None)
        .filter(path_id__in=ids, due__isnull=False, due__lte=until)
        .values_list("path_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    started = ReviewCard.objects.filter(user=user, flashcard=OuterRef("pk")).filter(
        ~Q(state=CardState.NEW) | Q(suspended=True)
    )
    new = dict(
        Flashcard.objects.filter(path_id__in=ids)
        .exclude(Exists(started))
        .values_list("path_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {pk: due.get(pk, 0) + min(new.get(pk, 0), room) for pk in ids}


def day_end(now: datetime) -> datetime:
    return day_start(now) + timedelta(days=1)
