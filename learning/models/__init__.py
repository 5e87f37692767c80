"""The learning models, by concept; every name is re-exported here."""

from learning.models.attempts import Answer, Attempt, AttemptStatus, KeyView
from learning.models.items import (
    CHOICE_KINDS,
    Choice,
    DeletedItem,
    Flashcard,
    PathItem,
    Podcast,
    Question,
    QuestionKind,
    Quiz,
    Resource,
    ResourceKind,
    Section,
    content_hash,
)
from learning.models.paths import Path, Visibility
from learning.models.reviews import CardState, ReviewCard, ReviewDeck, ReviewLog, ReviewSettings

__all__ = [
    "Answer",
    "Attempt",
    "AttemptStatus",
    "KeyView",
    "CHOICE_KINDS",
    "CardState",
    "Choice",
    "DeletedItem",
    "Flashcard",
    "Path",
    "PathItem",
    "Podcast",
    "Question",
    "QuestionKind",
    "Quiz",
    "Resource",
    "ResourceKind",
    "ReviewCard",
    "ReviewDeck",
    "ReviewLog",
    "ReviewSettings",
    "Section",
    "Visibility",
    "content_hash",
]
