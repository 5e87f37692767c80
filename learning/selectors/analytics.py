"""Item analytics for instructors: how a path's questions are answered and its cards recalled.

Learners answer and review their *clones*, so a path's analytics gather the path itself and
every path cloned from it, an item matched across them by its ``origin_uid`` (shared by all
copies). The queries do not grow with the number of items, attempts or learners: seven in
all (:func:`path_analytics`), the counting done by the database where it can be.

Per question (graded attempts only; an attempt still grading has no verdict yet):

- ``answered``: graded answers that gave something (a question left out is not counted);
- ``share_correct``: of those, the share graded correct (None when none was answered);
- ``wrong``: the three most common wrong answers, most frequent first (ties: the answer's
  text), each ``(text, count)`` — the chosen choices' texts joined by " + " for a choice
  question, the number as given, the expression as typed.

Per flashcard (live reviews: an undone review does not count):

- ``reviews``: live :class:`~learning.models.ReviewLog` rows, all learners;
- ``again_share``: the share of them rated Again (1);
- ``lapses``: the sum of the learners' :attr:`ReviewCard.lapses` — an Again given to a
  card in the *review* state, as ``learning.scheduling``'s decision table counts it
  (Again while learning or relearning is no lapse), replayed in time order;
- ``lapse_rate``: ``lapses / reviews``, the share of all live reviews that were lapses
  (None without reviews). The log keeps each review's state *after* it, not before, so
  "Again among reviews of review-state cards" is not stored; lapses per review is what
  the replayed state gives exactly, and a card that keeps lapsing still stands out;
- ``mean_interval_days``: over learners whose card is in the review state now, the mean
  of ``due - last_review`` in days (the interval FSRS gave at the last review), None if
  no learner's card is there yet; ``learners``: learners with a review card of it.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from learning.models import (
    Answer,
    AttemptStatus,
    CardState,
    Choice,
    Flashcard,
    Path,
    Question,
    ReviewCard,
    ReviewLog,
)

TOP_WRONG = 3
CHOICE_SEPARATOR = " + "


@dataclass(frozen=True)
class QuestionStats:
    question: Question
    answered: int = 0
    correct: int = 0
    wrong: list[tuple[str, int]] = field(default_factory=list)

    @property
    def share_correct(self) -> float | None:
        return self.correct / self.answered if self.answered else None


@dataclass(frozen=True)
class FlashcardStats:
    flashcard: Flashcard
    reviews: int = 0
    again: int = 0
    lapses: int = 0
    learners: int = 0
    mean_interval_days: float | None = None

    @property
    def again_share(self) -> float | None:
        return self.again / self.reviews if self.reviews else None

    @property
    def lapse_rate(self) -> float | None:
        return self.lapses / self.reviews if self.reviews else None


@dataclass(frozen=True)
class PathAnalytics:
    path: Path
    clones: int
    questions: list[QuestionStats]
    flashcards: list[FlashcardStats]


def _scope(path: Path) -> QuerySet[Path]:
    """The path and its clones, as a subquery (no query of its own)."""
    return Path.objects.filter(Q(pk=path.pk) | Q(cloned_from=path.pk)).values("pk")


def _answer_text(choices, value, expression, choice_texts: dict[int, str]) -> str:
    if choices is not None:
        texts = [choice_texts.get(pk, f"choice {pk}") for pk in choices]
        return CHOICE_SEPARATOR.join(texts) if texts else "(no choice)"
    if value is not None:
        return f"{value:g}"
    return expression


def question_analytics(path: Path) -> list[QuestionStats]:
    """Each question of ``path`` in quiz order, its answers gathered over its clones (three
    queries)."""
    questions = list(
        Question.objects.filter(path=path)
        .select_related("quiz")
        .order_by("quiz__position", "quiz_id", "position", "id")
    )
    uids = [q.origin_uid for q in questions]
    in_scope = Q(question__path__in=_scope(path), question__origin_uid__in=uids)
    choice_texts = dict(
        Choice.objects.filter(in_scope).values_list("pk", "text")
    )  # every copy's choices: an answer names its own copy's ids
    grouped = (
        Answer.objects.filter(in_scope, attempt__status=AttemptStatus.GRADED)
        .exclude(choices__isnull=True, value__isnull=True, expression="")
        .order_by()
        .values_list("question__origin_uid", "correct", "choices", "value", "expression")
        .annotate(n=Count("id"))
    )
    answered, correct = Counter(), Counter()
    wrong: dict = defaultdict(Counter)
    for uid, is_correct, choices, value, expression, n in grouped:
        answered[uid] += n
        if is_correct:
            correct[uid] += n
        else:
            wrong[uid][_answer_text(choices, value, expression, choice_texts)] += n
    return [
        QuestionStats(
            question=q,
            answered=answered[q.origin_uid],
            correct=correct[q.origin_uid],
            wrong=sorted(wrong[q.origin_uid].items(), key=lambda item: (-item[1], item[0]))[
                :TOP_WRONG
            ],
        )
        for q in questions
    ]


def flashcard_analytics(path: Path) -> list[FlashcardStats]:
    """Each flashcard of ``path`` in order, its reviews gathered over its clones (three
    queries)."""
    cards = list(Flashcard.objects.filter(path=path).order_by("position", "id"))
    uids = [card.origin_uid for card in cards]
    in_scope = Q(flashcard__path__in=_scope(path), flashcard__origin_uid__in=uids)
    logs = {
        uid: (reviews, again)
        for uid, reviews, again in ReviewLog.objects.filter(in_scope, undone_at__isnull=True)
        .order_by()
        .values_list("flashcard__origin_uid")
        .annotate(reviews=Count("id"), again=Count("id", filter=Q(rating=1)))
    }
    lapses, learners, intervals = Counter(), Counter(), defaultdict(list)
    for uid, state, lapsed, due, last_review in ReviewCard.objects.filter(in_scope).values_list(
        "flashcard__origin_uid", "state", "lapses", "due", "last_review"
    ):
        lapses[uid] += lapsed
        learners[uid] += 1
        if state == CardState.REVIEW and due and last_review:
            intervals[uid].append((due - last_review).total_seconds() / 86400)
    return [
        FlashcardStats(
            flashcard=card,
            reviews=logs.get(card.origin_uid, (0, 0))[0],
            again=logs.get(card.origin_uid, (0, 0))[1],
            lapses=lapses[card.origin_uid],
            learners=learners[card.origin_uid],
            mean_interval_days=(
                sum(intervals[card.origin_uid]) / len(intervals[card.origin_uid])
                if intervals[card.origin_uid]
                else None
            ),
        )
        for card in cards
    ]


def path_analytics(*, path: Path) -> PathAnalytics:
    """Questions and flashcards of ``path`` with their statistics (see the module)."""
    return PathAnalytics(
        path=path,
        clones=Path.objects.filter(cloned_from=path).count(),
        questions=question_analytics(path),
        flashcards=flashcard_analytics(path),
    )
