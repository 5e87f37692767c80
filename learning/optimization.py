"""Fit a learner's FSRS parameters to their own reviews, and judge them before use.

Pure (no Django): it takes each card's history — ``(reviewed_at, rating)`` pairs — and uses
``fsrs-rs-python``, the Rust FSRS optimiser that Anki itself runs (no PyTorch). The
reviews are split in time: the most recent :data:`HOLDOUT` share of them is held out; new
parameters are fitted on the older part, and both the current and the new parameters
predict the held-out reviews. The new ones are adopted only when their log loss is lower.

Rules:

- a card's history becomes one training item per review after the first (its history up
  to that review, intervals in whole UTC days), as FSRS trains; an item belongs to the
  held-out part when its last review does;
- "enough history" is the optimiser's own minimum: when it has too little data it answers
  its defaults unchanged, and we refuse (``reason: "not enough history"``), as we do when
  nothing is left to hold out;
- the optimiser's float32 parameters are clamped into the scheduler's bounds
  (``scheduling.clamp_parameters``) before they are judged, so what is judged is what runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

import fsrs_rs_python as fsrs_rs

from learning.scheduling import clamp_parameters, parameters_or_default

HOLDOUT = 0.2
NOT_ENOUGH = "not enough history"


@dataclass(frozen=True)
class Evaluation:
    reviews: int
    log_loss_before: float | None
    log_loss_after: float | None
    adopted: bool
    reason: str
    parameters: list[float] | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def training_items(
    histories: Mapping[int, Sequence[tuple[datetime, int]]],
) -> list[tuple[datetime, fsrs_rs.FSRSItem]]:
    """``(time of the item's last review, item)`` for every review after a card's first."""
    items = []
    for history in histories.values():
        reviews: list[fsrs_rs.FSRSReview] = []
        previous = None
        for at, rating in sorted(history):
            days = (at.date() - previous.date()).days if previous else 0
            reviews.append(fsrs_rs.FSRSReview(rating, days))
            previous = at
            item = fsrs_rs.FSRSItem(list(reviews))
            if item.long_term_review_cnt() > 0:
                items.append((at, item))
    return items


def log_loss(parameters: Sequence[float], items: Sequence[fsrs_rs.FSRSItem]) -> float:
    return float(fsrs_rs.FSRS(list(parameters)).evaluate(list(items)).log_loss)


def evaluate(
    histories: Mapping[int, Sequence[tuple[datetime, int]]],
    *,
    current: Sequence[float] | None,
) -> Evaluation:
    """Fit on the older reviews, judge on the most recent: adopt only if better."""
    reviews = sum(len(h) for h in histories.values())
    times = sorted(at for history in histories.values() for at, _ in history)
    if not times:
        return Evaluation(reviews, None, None, False, NOT_ENOUGH)
    cut = times[min(int(len(times) * (1 - HOLDOUT)), len(times) - 1)]
    items = training_items(histories)
    train = [item for at, item in items if at < cut]
    test = [item for at, item in items if at >= cut]
    if not train or not test:
        return Evaluation(reviews, None, None, False, NOT_ENOUGH)
    fitted = fsrs_rs.FSRS(list(fsrs_rs.DEFAULT_PARAMETERS)).compute_parameters(train)
    if list(fitted) == list(fsrs_rs.DEFAULT_PARAMETERS):
        return Evaluation(reviews, None, None, False, NOT_ENOUGH)
    candidate = clamp_parameters(fitted)
    before = log_loss(parameters_or_default(current), test)
    after = log_loss(candidate, test)
    adopted = after < before
    reason = "predicts recent reviews better" if adopted else "does not predict them better"
    return Evaluation(reviews, before, after, adopted, reason, candidate)
