"""Spaced-repetition scheduling: a card's state is its reviews replayed with FSRS-6.

This is the one module that imports ``fsrs`` (py-fsrs, FSRS-6). It is pure — no Django,
no clock: everything it needs comes in as arguments — so the services, the selectors, the
optimisation task and the tests all schedule the same way.

The review log is append-only and a card's state is a fold over it: :func:`replay` sorts
the events by ``(reviewed_at, client_id)`` and reviews a blank card with each in turn. The
result depends only on the *set* of events, never on the order they arrived in, so a phone
that syncs yesterday's offline reviews after today's web reviews puts them where they
belong in time, and two devices synced in any order give the same card.

Decision table (what one review does; "steps" are the learning steps 1 min, 10 min and the
relearning step 10 min; an interval in days is FSRS's for the desired retention, no fuzz so
that a replay is reproducible):

============  ========================  =======================================  ===========
state before  rating                    state after, next due                    lapses
============  ========================  =======================================  ===========
new           Again                     learning, step 0, due in 1 min           —
new           Hard                      learning, step 0, due in 5.5 min         —
new           Good                      learning, step 1, due in 10 min          —
new           Easy                      review, due in FSRS interval             —
learning      Again                     learning, step 0, due in 1 min           —
learning      Hard                      learning, same step, due in that step    —
learning      Good (not last step)      learning, next step                      —
learning      Good (last step), Easy    review, due in FSRS interval             —
review        Again                     relearning, step 0, due in 10 min        +1
review        Hard, Good, Easy          review, due in FSRS interval             —
relearning    Again                     relearning, step 0, due in 10 min        —
relearning    Hard                      relearning, due in 15 min                —
relearning    Good, Easy                review, due in FSRS interval             —
============  ========================  =======================================  ===========

Every review adds one to ``reps``. A card is a **leech** once it has lapsed
:data:`LEECH_LAPSES` (8) times, as in Anki: it is flagged, not suspended; the learner
decides (rewrite the card, or suspend it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

LEECH_LAPSES = 8
RATINGS = {1: "again", 2: "hard", 3: "good", 4: "easy"}
NEW, LEARNING, REVIEW, RELEARNING = "new", "learning", "review", "relearning"
STATES = (NEW, LEARNING, REVIEW, RELEARNING)
_STATE_NAME = {State.Learning: LEARNING, State.Review: REVIEW, State.Relearning: RELEARNING}
_FSRS_STATE = {name: state for state, name in _STATE_NAME.items()}
#: The FSRS-6 defaults, used until a learner's own parameters are adopted.
DEFAULT_WEIGHTS: tuple[float, ...] = tuple(DEFAULT_PARAMETERS)


@dataclass(frozen=True)
class Review:
    """One event of the log: what replay needs of a ReviewLog row."""

    rating: int
    reviewed_at: datetime
    client_id: str = ""


@dataclass(frozen=True)
class CardState:
    """A card's scheduling state; ``due`` is None only for a new card."""

    state: str = NEW
    due: datetime | None = None
    stability: float | None = None
    difficulty: float | None = None
    step: int | None = None
    last_review: datetime | None = None
    first_review: datetime | None = None
    reps: int = 0
    lapses: int = 0
    leech: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


NEW_CARD = CardState()


def parameters_or_default(parameters: Sequence[float] | None) -> tuple[float, ...]:
    """The learner's parameters (21 of them), else FSRS-6's defaults."""
    return tuple(parameters) if parameters else DEFAULT_WEIGHTS


def clamp_parameters(parameters: Sequence[float]) -> list[float]:
    """Parameters inside py-fsrs's bounds (an optimiser's float32 may stray by an ulp)."""
    if len(parameters) != len(DEFAULT_WEIGHTS):
        raise ValueError(f"FSRS-6 takes {len(DEFAULT_WEIGHTS)} parameters, not {len(parameters)}.")
    return [
        min(max(float(p), low), high)
        for p, low, high in zip(parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS)
    ]


def _scheduler(parameters: Sequence[float] | None, desired_retention: float) -> Scheduler:
    return _cached_scheduler(parameters_or_default(parameters), desired_retention)


@lru_cache(maxsize=256)
def _cached_scheduler(parameters: tuple[float, ...], desired_retention: float) -> Scheduler:
    """Schedulers are immutable in use; building one checks all 21 parameters."""
    return Scheduler(
        parameters=parameters, desired_retention=desired_retention, enable_fuzzing=False
    )


def _to_fsrs(state: CardState) -> Card:
    if state.state == NEW:
        return Card(card_id=0, due=datetime(1970, 1, 1, tzinfo=UTC))
    return Card(
        card_id=0,
        state=_FSRS_STATE[state.state],
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
    )


def _step(scheduler: Scheduler, state: CardState, review: Review) -> CardState:
    at = review.reviewed_at.astimezone(UTC)
    card, _ = scheduler.review_card(_to_fsrs(state), Rating(review.rating), at)
    lapses = state.lapses + (state.state == REVIEW and review.rating == 1)
    return CardState(
        state=_STATE_NAME[card.state],
        due=card.due,
        stability=card.stability,
        difficulty=card.difficulty,
        step=card.step,
        last_review=at,
        first_review=state.first_review or at,
        reps=state.reps + 1,
        lapses=lapses,
        leech=lapses >= LEECH_LAPSES,
    )


def replay(
    reviews: Iterable[Review],
    *,
    parameters: Sequence[float] | None = None,
    desired_retention: float = 0.9,
    start: CardState = NEW_CARD,
) -> CardState:
    """The state that a card's reviews give, replayed in ``(reviewed_at, client_id)``
    order (then rating: a total order, so ties cannot depend on arrival) whatever order
    they come in. ``start`` is the state its earlier reviews gave, when every one of
    ``reviews`` comes after all of those."""
    scheduler = _scheduler(parameters, desired_retention)
    state = start
    for review in sorted(reviews, key=lambda r: (r.reviewed_at, r.client_id, r.rating)):
        state = _step(scheduler, state, review)
    return state


def next_intervals(
    state: CardState,
    *,
    now: datetime,
    parameters: Sequence[float] | None = None,
    desired_retention: float = 0.9,
) -> dict[str, int]:
    """Seconds until the card would be due again after each rating given ``now``: what the
    review page shows on its Again / Hard / Good / Easy buttons.

    FSRS reads a review's moment only as whole days since the last one, so the answer is
    memoised on the state and that day count: a due queue of 20 cards cost 1 ms of FSRS
    steps on every request before."""
    review_at = max(now, state.last_review) if state.last_review else now
    days = (review_at - state.last_review).days if state.last_review else None
    return dict(
        _intervals(
            state.state,
            state.stability,
            state.difficulty,
            state.step,
            days,
            parameters_or_default(parameters),
            desired_retention,
        )
    )


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=65536)
def _intervals(
    state: str,
    stability: float | None,
    difficulty: float | None,
    step: int | None,
    days: int | None,
    parameters: tuple[float, ...],
    desired_retention: float,
) -> tuple[tuple[str, int], ...]:
    """:func:`next_intervals` for a card last reviewed ``days`` whole days before."""
    scheduler = _scheduler(parameters, desired_retention)
    last = _EPOCH if days is not None else None
    review_at = _EPOCH + timedelta(days=days or 0)
    card = CardState(
        state=state, stability=stability, difficulty=difficulty, step=step, last_review=last
    )
    return tuple(
        (
            name,
            round(
                (_step(scheduler, card, Review(rating, review_at)).due - review_at).total_seconds()
            ),
        )
        for rating, name in RATINGS.items()
    )


def retrievability(
    state: CardState, *, at: datetime, parameters: Sequence[float] | None = None
) -> float | None:
    """The predicted probability of recall at ``at`` (None for a new card)."""
    if state.state == NEW:
        return None
    return _scheduler(parameters, 0.9).get_card_retrievability(_to_fsrs(state), at)


__all__ = [
    "DEFAULT_WEIGHTS",
    "LEECH_LAPSES",
    "NEW_CARD",
    "RATINGS",
    "STATES",
    "CardState",
    "Review",
    "clamp_parameters",
    "next_intervals",
    "parameters_or_default",
    "replay",
    "retrievability",
]
