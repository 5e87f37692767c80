"""Writes of spaced-repetition reviews: submit (one or a batch), undo, suspend, settings.

One way in for every review: :func:`reviews_submit` takes a batch (a single review is a
batch of one), and in one transaction

1. refuses the whole batch — nothing stored — if any review names a card that is not
   yours or does not exist (404), or was given in the future (beyond
   :data:`CLOCK_SKEW`) or before its card existed (400);
2. locks the review cards it touches (``select_for_update``, in id order so two batches
   never deadlock; SQLite's IMMEDIATE transactions serialize writers anyway), so two
   reviews of one card at the same moment are both kept: the second waits and replays
   with the first;
3. answers a ``client_id`` already in the log with that review's first answer and changes
   nothing (idempotency; a retry after a lost response is harmless);
4. appends the new reviews to the log and brings each touched card's state up to date
   (``learning.scheduling``):

   ======================================================  ===============================
   the card's new reviews                                  its new state
   ======================================================  ===============================
   all after its last review (or it has none)              stepped on from the stored state
   one at or before its last review (a late offline one)   its live reviews replayed in
                                                           ``reviewed_at`` order
   ======================================================  ===============================

   Both give the same state: the stored one is always the replay of the live reviews
   (``review_undo`` and new parameters replay too), so a review costs the same however
   long the card's history.

A review's answer is its card's state once the review is merged.

A single review, the hot case of SPEC §8, costs four statements in its transaction: the
card with the learner's settings (before it), the lock with the look-up of its
``client_id``, the log, then the card's state. Its look-up shares the lock's statement,
so on PostgreSQL it sees the log as it was when that statement began: the same review
sent twice at once can find nothing there and still lose the race to log it. Its log is
written first, skipping a conflict, so the loser writes nothing and answers the winner's
first answer, as a serialized retry would. Inserts and the upsert are compiled once
(``config.prepared.PreparedInsert``).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from config.errors import Conflict, InvalidInput, NotFound
from config.prepared import Prepared, PreparedInsert, columns_of
from learning import scheduling
from learning.models import Flashcard, Path, ReviewCard, ReviewDeck, ReviewLog, ReviewSettings
from learning.selectors.reviews import (
    card_row,
    card_state,
    card_to_review,
    deck_version,
    due_cards,
    iso,
    queue_head,
    review_settings_of,
    reviewable_flashcards,
    settings_row,
)

CLOCK_SKEW = timedelta(minutes=5)
BATCH_MAX = 1000
STATE_FIELDS = (
    "state",
    "due",
    "stability",
    "difficulty",
    "step",
    "last_review",
    "first_review",
    "reps",
    "lapses",
    "leech",
)


def reviews_submit(
    *, user, reviews: list[dict], now: datetime | None = None, batch: bool = True
) -> list[dict]:
    """Apply ``reviews`` (``{flashcard, rating, client_id, reviewed_at?, duration_ms?,
    device?}``, already type-checked) and answer, in their order, ``{client_id, created,
    result}``: ``created`` is False for a ``client_id`` seen before, whose ``result`` is the
    first answer. Bad fields are named ``reviews.<i>.<field>`` in a batch, ``<field>`` for
    a single review (``batch=False``)."""
    now = now or timezone.now()
    if len(reviews) > BATCH_MAX:
        raise InvalidInput(f"reviews: at most {BATCH_MAX} in one batch.")
    reviews = [r | {"reviewed_at": r.get("reviewed_at") or now} for r in reviews]
    cards, settings = _check(user, reviews, now, batch)
    client_ids = {r["client_id"] for r in reviews}
    with transaction.atomic():
        if len(reviews) == 1:  # one review, the hot case: its lock and client_id in one query
            [(pk, flashcard)] = cards.items()
            [client_id] = client_ids
            card, logged = _lock_one(user, flashcard, client_id)
            locked, seen = {pk: card}, ({client_id: logged} if logged is not None else {})
        else:
            locked, seen = _lock_cards(user, cards), _logged(user, client_ids)
        fresh: dict[UUID, dict] = {}
        for review in reviews:
            if review["client_id"] not in seen:
                fresh.setdefault(review["client_id"], review)
        if fresh:
            settings = settings or review_settings_of(user=user)
            logs = _append_and_replay(user, list(fresh.values()), locked, settings)
            seen |= {log.client_id: log.result for log in logs}
            if raced := fresh.keys() - seen.keys():
                # A single review whose client_id was logged after this one looked (the
                # same review sent twice at once: on PostgreSQL the look, inside the
                # lock's statement, saw the log as it was before the lock was granted).
                # Its log went nowhere and its card is untouched: answer the first.
                seen |= _logged(user, raced)
                for client_id in raced:
                    del fresh[client_id]
    answers = []
    for review in reviews:
        client_id = review["client_id"]
        answers.append(
            {
                "client_id": str(client_id),
                "created": fresh.pop(client_id, None) is not None,  # its first time only
                "result": seen[client_id],
            }
        )
    return answers


_REVIEW_CARD_COLUMNS = columns_of(ReviewCard)
_LOCK_ONE_LOGGED = Prepared(
    lambda user_id, flashcard_id, client_id: (
        ReviewCard.objects.select_for_update()
        .filter(user_id=user_id, flashcard_id=flashcard_id)
        .annotate(
            logged=Subquery(
                ReviewLog.objects.filter(user_id=user_id, client_id=client_id).values("result")[:1]
            )
        )
        .order_by()
        .values_list(*_REVIEW_CARD_COLUMNS, "logged")
    ),
    user_id=int,
    flashcard_id=int,
    client_id=UUID,
)


def _lock_one(user, flashcard: Flashcard, client_id: UUID) -> tuple[ReviewCard, dict | None]:
    """The learner's review card of ``flashcard``, locked (made first if missing), and the
    first answer already logged under ``client_id`` (None if none): one query."""
    for _ in range(2):
        found = _LOCK_ONE_LOGGED.rows(
            user_id=user.pk, flashcard_id=flashcard.pk, client_id=client_id
        )
        if found:
            [row] = found
            card = ReviewCard.from_db(DEFAULT_DB_ALIAS, _REVIEW_CARD_COLUMNS, row[:-1])
            return card, row[-1]
        _card_create(user, {flashcard.pk: flashcard})
    raise AssertionError("A review card made in this transaction is missing.")


def _logged(user, client_ids: set[UUID]) -> dict[UUID, dict]:
    """The first answers of the reviews already in the log among ``client_ids``."""
    logs = ReviewLog.objects.filter(user=user, client_id__in=client_ids)
    return dict(logs.values_list("client_id", "result"))


def _check(
    user, reviews: list[dict], now: datetime, batch: bool
) -> tuple[dict[int, Flashcard], ReviewSettings | None]:
    """The flashcards reviewed, each one the learner may review, and, for one card, the
    learner's settings read with it (None: read them when needed)."""
    wanted = {r["flashcard"] for r in reviews}
    if len(wanted) == 1:  # the hot case: one query for the card and the settings
        [pk] = wanted
        found = card_to_review(user=user, pk=pk)
        cards, settings = ({pk: found[0]}, found[1]) if found else ({}, None)
    else:
        cards, settings = reviewable_flashcards(user=user, ids=wanted), None
    fields: dict[str, list[str]] = {}
    for index, review in enumerate(reviews):
        card = cards.get(review["flashcard"])
        if card is None:
            raise NotFound(f"No flashcard {review['flashcard']} of yours to review.")
        at, name = review["reviewed_at"], f"reviews.{index}.reviewed_at" if batch else "reviewed_at"
        if at > now + CLOCK_SKEW:
            fields[name] = ["In the future."]
        elif at < card.created_at - CLOCK_SKEW:
            fields[name] = ["Before the card existed."]
    if fields:
        name, messages = next(iter(fields.items()))
        raise InvalidInput(f"{name}: {messages[0]}", fields=fields)
    return cards, settings


def _lock_cards(user, cards: dict[int, Flashcard]) -> dict[int, ReviewCard]:
    """The learner's review cards of ``cards``, locked for the transaction (in id order);
    those missing are created first."""

    def lock() -> dict[int, ReviewCard]:
        rows = ReviewCard.objects.select_for_update().filter(user=user, flashcard_id__in=cards)
        return {card.flashcard_id: card for card in rows.order_by("id")}

    locked = lock()
    if len(locked) < len(cards):
        _card_create(user, {pk: card for pk, card in cards.items() if pk not in locked})
        locked = lock()
    return locked


def _card_create(user, cards: dict[int, Flashcard]) -> None:
    """Review cards for ``cards`` (one made meanwhile by another request is kept)."""
    ReviewCard.objects.bulk_create(
        [
            ReviewCard(user=user, flashcard_id=pk, path_id=card.path_id)
            for pk, card in cards.items()
        ],
        ignore_conflicts=True,
    )


def _events(user, flashcards: Iterable[int]) -> dict[int, list[scheduling.Review]]:
    events = defaultdict(list)
    live = ReviewLog.objects.filter(user=user, flashcard_id__in=flashcards, undone_at__isnull=True)
    for flashcard, rating, at, client_id in live.values_list(
        "flashcard_id", "rating", "reviewed_at", "client_id"
    ):
        events[flashcard].append(scheduling.Review(rating, at, str(client_id)))
    return events


def _replay_into(cards: Iterable[ReviewCard], events, settings: ReviewSettings) -> None:
    for card in cards:
        state = scheduling.replay(
            events.get(card.flashcard_id, ()),
            parameters=settings.parameters,
            desired_retention=settings.desired_retention,
        )
        _set_state(card, state)


def _set_state(card: ReviewCard, state: scheduling.CardState) -> None:
    for name in STATE_FIELDS:
        setattr(card, name, getattr(state, name))


def _all_after(card: ReviewCard, reviews: list[scheduling.Review]) -> bool:
    """Whether every one of ``reviews`` comes after all the card's live reviews."""
    if card.last_review is None:
        return card.reps == 0
    return min(r.reviewed_at for r in reviews) > card.last_review


_STATE_UPSERT = {"unique_fields": ["id"], "update_fields": [*STATE_FIELDS, "updated_at"]}
_SAVE_STATE = PreparedInsert(ReviewCard, **_STATE_UPSERT)
_APPEND = PreparedInsert(ReviewLog, ignore_conflicts=True)


def _save_states(cards: list[ReviewCard]) -> None:
    """Write the replayed states of existing cards: an upsert on the primary key, one
    statement per batch (``bulk_update``'s ``CASE WHEN`` grows with the square of the
    batch: 4 s for 1,000 cards on SQLite); prepared for one card."""
    if len(cards) == 1:  # one review, the hot case
        _SAVE_STATE.save(cards[0])
        return
    ReviewCard.objects.bulk_create(cards, update_conflicts=True, **_STATE_UPSERT, batch_size=500)


def _append_and_replay(
    user, fresh: list[dict], locked: dict[int, ReviewCard], settings: ReviewSettings
) -> list[ReviewLog]:
    new = defaultdict(list)
    for review in fresh:
        new[review["flashcard"]].append(
            scheduling.Review(review["rating"], review["reviewed_at"], str(review["client_id"]))
        )
    late = [pk for pk, reviews in new.items() if not _all_after(locked[pk], reviews)]
    earlier = _events(user, late) if late else {}
    for pk, reviews in new.items():
        card = locked[pk]
        _set_state(
            card,
            scheduling.replay(
                [*earlier[pk], *reviews] if pk in late else reviews,
                parameters=settings.parameters,
                desired_retention=settings.desired_retention,
                start=scheduling.NEW_CARD if pk in late else card_state(card),
            ),
        )
    logs = [
        ReviewLog(
            user=user,
            flashcard_id=r["flashcard"],
            rating=r["rating"],
            reviewed_at=r["reviewed_at"],
            duration_ms=r.get("duration_ms"),
            client_id=r["client_id"],
            device=r.get("device") or "",
            result=card_row(locked[r["flashcard"]]),
        )
        for r in fresh
    ]
    if len(logs) == 1:  # one review, the hot case: the log first, the card if it went in
        if not _APPEND.save(logs[0]):
            return []  # its client_id was logged meanwhile (see reviews_submit)
        _save_states([locked[pk] for pk in new])
        return logs
    _save_states([locked[pk] for pk in new])
    try:
        ReviewLog.objects.bulk_create(logs)
    except IntegrityError as error:
        # Only a client_id sent at this very moment for another card gets here; the
        # Conflict leaves the transaction, which rolls the whole batch back.
        raise Conflict("client_id: already used for another review; send a new one.") from error
    return logs


def review_undo(*, user) -> dict:
    """Undo the learner's last review (the last one received): it stays in the log,
    marked undone, and its card is replayed without it. Nothing to undo is a 404."""
    with transaction.atomic():
        log = (
            ReviewLog.objects.select_for_update()
            .filter(user=user, undone_at__isnull=True)
            .order_by("-received_at", "-id")
            .first()
        )
        if log is None:
            raise NotFound("Nothing to undo.")
        card = ReviewCard.objects.select_for_update().get(user=user, flashcard_id=log.flashcard_id)
        log.undone_at = timezone.now()
        log.save(update_fields=["undone_at"])
        _replay_into([card], _events(user, [card.flashcard_id]), review_settings_of(user=user))
        card.save(update_fields=[*STATE_FIELDS, "updated_at"])
    return {
        "undone": {
            "client_id": str(log.client_id),
            "flashcard": log.flashcard_id,
            "rating": log.rating,
            "reviewed_at": iso(log.reviewed_at),
        },
        "card": card_row(card),
    }


def card_suspend(*, user, flashcard: int, suspended: bool) -> dict:
    """Suspend (out of every queue) or unsuspend one of your cards; doing it twice is
    harmless."""
    cards = reviewable_flashcards(user=user, ids=[flashcard])
    if flashcard not in cards:
        raise NotFound(f"No flashcard {flashcard} of yours to review.")
    with transaction.atomic():
        card = _lock_cards(user, cards)[flashcard]
        if card.suspended != suspended:
            card.suspended = suspended
            card.save(update_fields=["suspended", "updated_at"])
    return card_row(card)


def review_settings_update(*, user, data: dict) -> dict:
    """Change ``desired_retention`` and/or ``new_per_day`` (checked by the caller). A new
    retention applies to each card from its next review, as in Anki."""
    with transaction.atomic():
        settings, _ = ReviewSettings.objects.select_for_update().get_or_create(user=user)
        for name in ("desired_retention", "new_per_day"):
            if name in data:
                setattr(settings, name, data[name])
        settings.save()
    return settings_row(settings)


def review_cards_reschedule(*, user) -> int:
    """Replay every card of the learner with their current settings (after new parameters
    are adopted); answers how many cards were replayed."""
    settings = review_settings_of(user=user)
    with transaction.atomic():
        cards = list(ReviewCard.objects.select_for_update().filter(user=user, reps__gt=0))
        _replay_into(cards, _events(user, [c.flashcard_id for c in cards]), settings)
        _save_states(cards)
    return len(cards)


def review_decks_refresh(*, user, path: Path | None = None) -> None:
    """Give the learner a new review card for every flashcard of their paths (or of
    ``path``) that has none yet. A path whose version has not changed since the last
    refresh is not looked at again, so this costs one query when nothing is new."""
    if path is not None:
        deck = deck_version.first(user_id=user.pk, path_id=path.pk)
        stale = {} if deck == (path.version,) else {path.pk: path.version}
    else:
        paths = Path.objects.filter(owner=user)
        fresh = ReviewDeck.objects.filter(
            user=user, path=OuterRef("pk"), version=OuterRef("version")
        )
        stale = dict(paths.exclude(Exists(fresh)).values_list("pk", "version"))
    if not stale:
        return
    with transaction.atomic():
        # Two plain scans and a set difference: a correlated NOT EXISTS here is at the
        # mercy of the planner's statistics, which right after a clone are stale (seen:
        # minutes for 100,000 cards on PostgreSQL).
        have = set(
            ReviewCard.objects.filter(user=user, path__in=stale).values_list(
                "flashcard_id", flat=True
            )
        )
        cards = Flashcard.objects.filter(path__in=stale).values_list("pk", "path_id")
        ReviewCard.objects.bulk_create(
            [
                ReviewCard(user=user, flashcard_id=pk, path_id=path_id)
                for pk, path_id in cards.iterator(chunk_size=5000)
                if pk not in have
            ],
            ignore_conflicts=True,
            batch_size=2000,
        )
        ReviewDeck.objects.bulk_create(
            [ReviewDeck(user=user, path_id=pk, version=version) for pk, version in stale.items()],
            update_conflicts=True,
            unique_fields=["user", "path"],
            update_fields=["version"],
        )


def review_session_start(*, user, slug: str, now: datetime, limit: int) -> tuple[Path, list[dict]]:
    """What a review session opens with (the review page, ``GET reviews/due/?path=``):
    the learner's path ``slug`` (404 if it is not one they review), its deck brought up
    to date, and its due queue (``due_cards`` rows). Two queries when the deck is up to
    date (SPEC §8's hot read)."""
    head = queue_head(user=user, slug=slug, now=now)
    if head.deck_version != head.path.version:
        review_decks_refresh(user=user, path=head.path)
    queue = due_cards(
        user=user,
        path=head.path,
        limit=limit,
        now=now,
        settings=head.settings,
        new_today=head.new_today,
    )
    return head.path, queue
