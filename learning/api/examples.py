"""Examples for the OpenAPI schema, all drawn from one story: the learner ``ada`` clones
the activation-functions path (``activation-functions`` → ``activation-functions-ada``),
reviews the sigmoid card, takes its quiz and syncs. Uids are the bundle's own
(``learning/bundles/activation-functions.json``); ids are those of a fresh database.

Serializers take them with ``@extend_schema_serializer(examples=example(...))``, so every
operation that reads or answers one shows it; ``tests/api/test_schema.py`` holds every
operation to at least one example for its body and for its success answer.
"""

from drf_spectacular.utils import OpenApiExample

#: The statuses a success example documents (drf-spectacular's default leaves 202 out).
SUCCESS = ("200", "201", "202")


def example(summary: str, value, *, request: bool = False, response: bool = False) -> list:
    """One example, for requests only, answers only, or both (the default)."""
    return [
        OpenApiExample(
            summary,
            value=value,
            request_only=request,
            response_only=response,
            status_codes=None if request else SUCCESS,
        )
    ]


SLUG = "activation-functions"
TOKEN = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"
CLONE = "activation-functions-ada"
TITLE = "What are activation functions in deep learning?"
SUMMARY = (
    "Activation functions are the small nonlinear maps applied after each layer's weighted "
    "sum; they are what make a deep network more than a linear model."
)
KEY_POINTS = [
    "Without a nonlinearity, any stack of layers is one linear map.",
    "An activation's slope decides how gradients flow back through it.",
]
COUNTS = {"sections": 15, "flashcards": 15, "questions": 13, "resources": 24}

SECTION_UID = "df3d4e50-6aa1-59da-b362-1915d0f4a92a"
CARD_UID = "e804187d-b1df-59ec-93b3-c18ff2a541e2"
QUIZ_UID = "4d5a853a-7187-5690-b941-40177aab359b"
QUESTION_UID = "84c88a8e-033e-5303-b8b1-59adef88a52b"
RESOURCE_UID = "a614b379-7309-5a69-af0d-a459a79693c3"
PODCAST_UID = "55ce87b2-974d-57ae-9704-0720b0a3558d"

SECTION_TITLE = "Sigmoid and tanh"
SECTION_BODY = "The logistic sigmoid $\\sigma(z) = 1/(1 + e^{-z})$ is steepest at the origin."
SECTION_HTML = "<p>The logistic sigmoid <math>…</math> is steepest at the origin.</p>"
PROSE_CLAIM = {
    "text": "\\frac{1}{1 + e^{-z}}",
    "expression": "1/(1+exp(-z))",
    "variables": {"z": [-8, 8]},
    "compute": "sigmoid(z)",
}
CARD_FRONT = "What is the slope of the logistic sigmoid at the origin, where it is steepest?"
CARD_BACK = "$\\sigma'(0) = 1/4$."
CLAIM = {"compute": "sigmoid.derivative(0)", "value": 0.25, "tolerance": "1e-9"}
QUIZ_TITLE = "Activation functions: check your understanding"
QUESTION_PROMPT = "Write the derivative of $\\tanh(z)$ with respect to $z$ as a formula in $z$."
ANSWER = {
    "expression": "1 - tanh(z)**2",
    "variables": {"z": [-5, 5]},
    "tolerance": "1e-6",
    "compute": "tanh.derivative(z)",
}
EXPLANATION = "$\\tanh'(z) = 1 - \\tanh^2(z)$: the slope is 1 at the origin and fades outside."
RESOURCE = {
    "title": "A logical calculus of the ideas immanent in nervous activity",
    "authors": "Warren S. McCulloch, Walter Pitts",
    "year": 1943,
    "kind": "paper",
    "url": "https://doi.org/10.1007/BF02478259",
}
SEGMENT = {
    "start": 0.0,
    "end": 6.6,
    "speaker": "Maya",
    "text": "Welcome to Studytree Sessions. Today Theo and I are talking about activation "
    "functions.",
}
PODCAST_TITLE = "Bending the line: a short conversation about activation functions"

# --- paths ------------------------------------------------------------------------------------

PATH_SUMMARY = {
    "slug": CLONE,
    "title": TITLE,
    "summary": SUMMARY,
    "owner": "ada",
    "visibility": "private",
    "version": 3,
    "cloned_from": SLUG,
    "counts": COUNTS,
}
PATH_WRITE = {"title": "Activation functions, my notes", "visibility": "private"}
TREE = {
    "slug": SLUG,
    "title": TITLE,
    "summary": SUMMARY,
    "key_points": KEY_POINTS,
    "owner": None,
    "version": 12,
    "preview": True,
    "cloned_from": None,
    "counts": COUNTS,
    "sections": [
        {
            "id": 7,
            "origin_uid": SECTION_UID,
            "title": SECTION_TITLE,
            "body": SECTION_BODY,
            "html": SECTION_HTML,
            "children": [],
        }
    ],
    "flashcards": [
        {"id": 31, "origin_uid": CARD_UID, "front": CARD_FRONT, "back": CARD_BACK, "section": 7}
    ],
    "quizzes": [
        {
            "id": 4,
            "origin_uid": QUIZ_UID,
            "title": QUIZ_TITLE,
            "questions": [
                {
                    "id": 52,
                    "origin_uid": QUESTION_UID,
                    "kind": "expression",
                    "prompt": QUESTION_PROMPT,
                    "choices": [],
                }
            ],
        }
    ],
    "podcast": {
        "title": PODCAST_TITLE,
        "duration_seconds": 189.0,
        "audio_url": "http://127.0.0.1:8000/media/podcasts/activation-functions.mp3",
        "transcript_url": "http://127.0.0.1:8000/api/v1/paths/activation-functions/podcast.vtt",
        "transcript": [SEGMENT],
    },
    "resources": [{"id": 88, "origin_uid": RESOURCE_UID, **RESOURCE}],
}
BUNDLE = {
    "format": "studytree.path",
    "format_version": 1,
    "path": {
        "slug": CLONE,
        "title": TITLE,
        "summary": SUMMARY,
        "key_points": KEY_POINTS,
        "visibility": "private",
    },
    "sections": [
        {
            "origin_uid": SECTION_UID,
            "title": SECTION_TITLE,
            "body": SECTION_BODY,
            "claims": [PROSE_CLAIM],
            "children": [],
        }
    ],
    "flashcards": [
        {
            "origin_uid": CARD_UID,
            "front": CARD_FRONT,
            "back": CARD_BACK,
            "claim": CLAIM,
            "section": SECTION_UID,
        }
    ],
    "quizzes": [
        {
            "origin_uid": QUIZ_UID,
            "title": QUIZ_TITLE,
            "questions": [
                {
                    "origin_uid": QUESTION_UID,
                    "kind": "expression",
                    "prompt": QUESTION_PROMPT,
                    "explanation": EXPLANATION,
                    "choices": [],
                    "answer": ANSWER,
                }
            ],
        }
    ],
    "podcast": {
        "origin_uid": PODCAST_UID,
        "title": PODCAST_TITLE,
        "duration_seconds": 189.0,
        "transcript": [SEGMENT],
    },
    "resources": [{"origin_uid": RESOURCE_UID, **RESOURCE}],
}

# --- items ------------------------------------------------------------------------------------

SECTION_WRITE = {"title": SECTION_TITLE, "body": SECTION_BODY, "claims": [PROSE_CLAIM]}
SECTION_ITEM = {
    "id": 7,
    "origin_uid": SECTION_UID,
    "title": SECTION_TITLE,
    "body": SECTION_BODY,
    "html": SECTION_HTML,
    "parent": None,
    "position": 3,
    "claims": [PROSE_CLAIM],
}
FLASHCARD_WRITE = {"front": CARD_FRONT, "back": CARD_BACK, "claim": CLAIM, "section": 7}
FLASHCARD_ITEM = {
    "id": 31,
    "origin_uid": CARD_UID,
    "front": CARD_FRONT,
    "back": CARD_BACK,
    "section": 7,
    "position": 2,
    "claim": CLAIM,
}
QUIZ_WRITE = {"title": QUIZ_TITLE}
QUIZ_ITEM = {"id": 4, "origin_uid": QUIZ_UID, "title": QUIZ_TITLE, "position": 0}
QUESTION_WRITE = {
    "quiz": 4,
    "kind": "expression",
    "prompt": QUESTION_PROMPT,
    "explanation": EXPLANATION,
    "answer": ANSWER,
}
QUESTION_ITEM = {
    "id": 52,
    "origin_uid": QUESTION_UID,
    "quiz": 4,
    "position": 9,
    "kind": "expression",
    "prompt": QUESTION_PROMPT,
    "choices": [],
    "explanation": EXPLANATION,
    "answer": ANSWER,
}
RESOURCE_WRITE = RESOURCE
RESOURCE_ITEM = {"id": 88, "origin_uid": RESOURCE_UID, **RESOURCE, "position": 0}

# --- clones and sync --------------------------------------------------------------------------

CLONED = {"slug": CLONE, "cloned_from": SLUG}
CARD_ENTRY = {"origin_uid": CARD_UID, "kind": "flashcard", "title": CARD_FRONT}
CONFLICT = CARD_ENTRY | {
    "reason": "both changed",
    "upstream": {"front": CARD_FRONT, "back": CARD_BACK, "claim": CLAIM},
    "yours": {"front": CARD_FRONT, "back": "A quarter: σ'(0) = σ(0)(1 − σ(0)).", "claim": CLAIM},
}
UPDATES = {
    "added": [],
    "changed": [
        {"origin_uid": SECTION_UID, "kind": "section", "title": SECTION_TITLE},
    ],
    "removed": [],
    "conflicts": [CONFLICT],
    "upstream_version": 14,
    "source_version": 12,
}
SYNC_IN = {"decline": [CARD_UID]}
SYNCED = {
    "applied": {"added": [], "changed": UPDATES["changed"], "removed": []},
    "declined": [CARD_ENTRY],
    "conflicts": [],
    "source_version": 14,
    "upstream_version": 14,
    "version": 5,
}

# --- attempts and practice --------------------------------------------------------------------

ATTEMPT = {
    "id": 17,
    "quiz": 4,
    "status": "in_progress",
    "score": None,
    "max_score": None,
    "created_at": "2026-11-30T09:12:00Z",
    "submitted_at": None,
    "graded_at": None,
    "keys_seen": False,
}
SUBMIT = {
    "answers": [
        {"question": 52, "expression": "1 - tanh(z)**2"},
        {"question": 53, "value": "0.1269"},
        {"question": 41, "choices": [161]},
    ]
}
GRADED = ATTEMPT | {
    "status": "graded",
    "score": 1.0,
    "max_score": 1.0,
    "submitted_at": "2026-11-30T09:20:00Z",
    "graded_at": "2026-11-30T09:20:01Z",
    "results": [
        {
            "question": 52,
            "answer": {"expression": "1 - tanh(z)**2"},
            "correct": True,
            "score": 1.0,
            "feedback": "Correct.",
            "explanation": EXPLANATION,
            "expected": {"expression": "1 - tanh(z)**2"},
        }
    ],
}
GRADING = {"status": "grading"}
CHECK_IN = {"expression": "1/cosh(z)**2"}
VERDICT = {"correct": True, "feedback": "Correct."}
STATS_ROW = {"attempts": 2, "best": 0.9, "mean": 0.75, "max_score": 1.0}
ATTEMPT_STATS = {"unseen_keys": STATS_ROW, "keys_seen": STATS_ROW | {"attempts": 1}}
PREVIEW_IN = {"expression": "1 - tanh(z)**2"}
PREVIEW = {
    "latex": "1 - \\tanh\\left(z\\right)^{2}",
    "mathml": "<math><mn>1</mn><mo>−</mo>…</math>",
    "variables": ["z"],
}
REGRADE_IN = {"dry_run": True}
REGRADE = {
    "dry_run": True,
    "changes": [
        {"attempt": 17, "user": "ada", "score_before": 0.5, "score_after": 1.0, "questions": [53]}
    ],
}

# --- reviews ----------------------------------------------------------------------------------

REVIEW_IN = {
    "flashcard": 31,
    "rating": 3,
    "client_id": "0b5f3c1e-8a47-4d51-9a0e-3f2d7c6b9e10",
    "reviewed_at": "2026-11-30T08:45:10Z",
    "duration_ms": 5400,
    "device": "ada's phone",
}
CARD_STATE = {
    "flashcard": 31,
    "state": "learning",
    "due": "2026-11-30T08:55:10Z",
    "stability": 2.31,
    "difficulty": 5.12,
    "step": 1,
    "last_review": "2026-11-30T08:45:10Z",
    "reps": 1,
    "lapses": 0,
    "leech": False,
    "suspended": False,
}
BATCH_IN = {"reviews": [REVIEW_IN]}
BATCH = {"results": [{"client_id": REVIEW_IN["client_id"], "created": True, "result": CARD_STATE}]}
DUE = {
    "flashcard": {"id": 31, "front": CARD_FRONT, "back": CARD_BACK, "path": CLONE},
    "due": None,
    "state": "new",
    "leech": False,
    "intervals": {"again": 60, "hard": 360, "good": 600, "easy": 691200},
}
UNDONE = {
    "undone": {
        "client_id": REVIEW_IN["client_id"],
        "flashcard": 31,
        "rating": 3,
        "reviewed_at": REVIEW_IN["reviewed_at"],
    },
    "card": CARD_STATE | {"state": "new", "due": None, "reps": 0, "last_review": None},
}
REVIEW_STATS = {
    "counts": {"new": 12, "learning": 2, "review": 1, "relearning": 0},
    "suspended": 0,
    "leeches": 0,
    "reviews_total": 9,
    "retention": 0.89,
    "forecast": [{"date": "2026-12-01", "due": 3}],
    "streak": 4,
}
SETTINGS_IN = {"desired_retention": 0.9, "new_per_day": 20}
SETTINGS = {
    "desired_retention": 0.9,
    "new_per_day": 20,
    "parameters": [0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722]
    + [0.1666, 0.796, 1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912]
    + [0.0658, 0.1542],
    "default_parameters": True,
    "last_optimization": None,
}
QUEUED = {"status": "queued"}
