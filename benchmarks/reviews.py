"""Time the due queue of a learner with 1,000, 10,000 and 100,000 cards, and a batch of
1,000 offline reviews.

    .venv/bin/python benchmarks/reviews.py                    # SQLite and PostgreSQL, all sizes
    .venv/bin/python benchmarks/reviews.py --engines sqlite --sizes 1000 --no-write

Each engine runs in its own process on a scratch database (a SQLite file under
``var/bench-reviews/`` with the embedded default's settings, or the PostgreSQL database
``studytree_bench_reviews``, created and dropped here). Per size, a learner owns a path of
that many flashcards, studied in order: the first 90% reviewed once (ten of them overdue,
the others due over the next 120 days), the last 10% still new, so the queue of 20 is 10
due cards and 10 new ones.

- **due queue**: ``GET /api/v1/reviews/due/`` (limit 20) through Django's test client and
  DRF, token auth included — the SPEC §8 bar is under 20 ms at 100,000 cards — median of
  ``--runs``; and the same with ``?path=``;
- **peer, naive queue**: the textbook ORM reads a first version would make, in the same
  process: due cards found through the learner's paths (``flashcard__path__owner``, so
  no ``(user, due)`` index serves it) and new cards as the flashcards with no review
  (``NOT EXISTS`` over the log) instead of materialized ``new`` review cards;
- **selector**: what our endpoint reads, in process (refresh check + ``due_cards``,
  next intervals included), to compare with the peer like for like;
- **batch**: ``reviews_submit`` of 1,000 reviews of 1,000 different cards (each replayed
  with its whole history), median of 3 runs; and the same batch again, which is all
  repeats (idempotency) and changes nothing.

Queries are counted on one extra, untimed run. The table goes into the "## reviews"
section of benchmarks/RESULTS.md (other sections are kept).
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import statistics
import sys
import time
import uuid
from pathlib import Path as FilePath

from engines import benchmark_main

ROOT = FilePath(__file__).resolve().parent.parent
SCRATCH = ROOT / "var" / "bench-reviews"
BENCH_DB = "studytree_bench_reviews"
BATCH = 1000


# --- one engine, in a child process ------------------------------------------------------


def measure(sizes: list[int], runs: int) -> list[dict]:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    rows = []
    for size in sizes:
        user, path, token = learner_with_cards(size)
        client = api_client(token)
        url = "/api/v1/reviews/due/"
        row = {"engine": connection.vendor, "cards": size}
        for label, params in (("due", {}), ("due_path", {"path": path.slug})):
            timings = []
            for run in range(runs + 1):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    answer = client.get(url, params)
                    elapsed = time.perf_counter() - start
                assert answer.status_code == 200, answer.content[:300]
                assert len(answer.json()) == 20, len(answer.json())
                if run == 0:
                    row[f"{label}_queries"] = len(queries)  # the first run also warms up
                else:
                    timings.append(elapsed)
            row[f"{label}_ms"] = statistics.median(timings) * 1000
            row[f"{label}_min_ms"] = min(timings) * 1000
        for label, read in (("selector", our_queue), ("naive", naive_queue)):
            row |= timed_read(label, read, user, runs)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
    rows.append(batch_row(connection))
    print(json.dumps(rows[-1]), file=sys.stderr)
    return rows


def timed_read(label: str, read, user, runs: int) -> dict:
    """Median time and query count of one of the two queue reads, in process."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    for run in range(runs + 1):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            found = read(user)
            elapsed = time.perf_counter() - start
        assert len(found) == 20
        if run == 0:
            counted = len(queries)
        else:
            timings.append(elapsed)
    return {
        f"{label}_ms": statistics.median(timings) * 1000,
        f"{label}_min_ms": min(timings) * 1000,
        f"{label}_queries": counted,
    }


def our_queue(user) -> list:
    """What the endpoint reads: the refresh check, then the due queue selector."""
    from django.utils import timezone

    from learning.selectors.reviews import due_cards
    from learning.services.reviews import review_decks_refresh

    review_decks_refresh(user=user)
    return due_cards(user=user, limit=20, now=timezone.now())


def learner_with_cards(size: int, name: str | None = None):
    """A learner owning one path of ``size`` flashcards, 10% new, the rest reviewed once."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from learning.models import Flashcard, Path, ReviewCard, ReviewLog
    from learning.services.reviews import review_decks_refresh

    name = name or f"bench-{size}"
    user = get_user_model().objects.create_user(name, password="bench-bench-bench")
    path = Path.objects.create(slug=name, title=name, owner=user)
    Flashcard.objects.bulk_create(
        [
            Flashcard(path=path, front=f"Front {i}", back=f"Back {i}", position=i)
            for i in range(size)
        ],
        batch_size=5000,
    )
    now = timezone.now()
    Flashcard.objects.filter(path=path).update(created_at=now - datetime.timedelta(days=365))
    cards, logs = [], []
    ids = list(
        Flashcard.objects.filter(path=path).order_by("position").values_list("pk", flat=True)
    )
    learnt = size - size // 10  # studied in order: the last 10% are still new
    for i, pk in enumerate(ids):
        if i >= learnt:
            cards.append(ReviewCard(user=user, flashcard_id=pk, path=path))
            continue
        reviewed = now - datetime.timedelta(days=61 + i % 30)
        # ten cards overdue, the rest due over the next 120 days: the queue has both
        # due and new cards, whatever the size
        due = now + datetime.timedelta(minutes=-i if i < 10 else 10 + (i * 7919) % (120 * 1440))
        cards.append(
            ReviewCard(
                user=user, flashcard_id=pk, path=path, state="review", due=due, stability=10.0,
                difficulty=5.0, last_review=reviewed, first_review=reviewed, reps=1,
            )
        )  # fmt: skip
        logs.append(
            ReviewLog(
                user=user, flashcard_id=pk, rating=3, reviewed_at=reviewed,
                client_id=uuid.uuid4(), result={},
            )
        )  # fmt: skip
    ReviewCard.objects.bulk_create(cards, batch_size=5000)
    ReviewLog.objects.bulk_create(logs, batch_size=5000)
    review_decks_refresh(user=user)  # up to date, as after the learner's first queue
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would gather
        cursor.execute("ANALYZE")
    return user, path, Token.objects.create(user=user).key


def api_client(token: str):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def naive_queue(user, limit: int = 20) -> list:
    """The peer: what a first version would read, with no denormalized index and no
    materialized new cards."""
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from learning.models import Flashcard, ReviewCard, ReviewLog

    due = list(
        ReviewCard.objects.filter(
            flashcard__path__owner=user, suspended=False, due__lte=timezone.now()
        )
        .select_related("flashcard")
        .order_by("due", "id")[:limit]
    )
    reviewed = ReviewLog.objects.filter(user=user, flashcard=OuterRef("pk"))
    new = list(
        Flashcard.objects.filter(path__owner=user)
        .exclude(Exists(reviewed))
        .order_by("path_id", "position", "id")[: limit - len(due)]
    )
    return [*due, *new]


def batch_row(connection) -> dict:
    """1,000 reviews of 1,000 different cards in one batch, then the same batch again."""
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from learning.models import ReviewCard
    from learning.services.reviews import reviews_submit

    user, _, _ = learner_with_cards(BATCH * 10 // 9 + 1, name="bench-batch")
    cards = list(
        ReviewCard.objects.filter(user=user, reps__gt=0).values_list("flashcard_id", flat=True)
    )[:BATCH]
    timings, repeat_timings = [], []
    for run in range(4):
        at = timezone.now() - datetime.timedelta(minutes=10 - run)
        batch = [
            {"flashcard": pk, "rating": 1 + (i + run) % 4, "client_id": uuid.uuid4(), "reviewed_at": at}
            for i, pk in enumerate(cards)
        ]  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            answer = reviews_submit(user=user, reviews=batch)
            elapsed = time.perf_counter() - start
        assert all(row["created"] for row in answer)
        with CaptureQueriesContext(connection) as repeat_queries:
            start = time.perf_counter()
            again = reviews_submit(user=user, reviews=batch)
            repeat_elapsed = time.perf_counter() - start
        assert not any(row["created"] for row in again)
        if run == 0:
            counted = (len(queries), len(repeat_queries))
        else:
            timings.append(elapsed)
            repeat_timings.append(repeat_elapsed)
    return {
        "engine": connection.vendor,
        "batch": BATCH,
        "batch_ms": statistics.median(timings) * 1000,
        "batch_min_ms": min(timings) * 1000,
        "batch_queries": counted[0],
        "repeat_ms": statistics.median(repeat_timings) * 1000,
        "repeat_queries": counted[1],
    }


# --- the parent: one child per engine, then the table ----------------------------------


def markdown(rows: list[dict], command: str, runs: int) -> str:
    queues = [r for r in rows if "cards" in r]
    batches = [r for r in rows if "batch" in r]
    load = os.getloadavg()
    lines = [
        "## reviews",
        "",
        f"`{command}` — {datetime.date.today():%Y-%m-%d}, median of {runs} runs, "
        f"Python {sys.version.split()[0]} on {os.cpu_count()} CPUs ({platform.machine()}, "
        f"{platform.system()}); load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} when "
        "written (the machine is shared: a load above the CPU count inflates every figure;",
        "the minimum of the runs is the least disturbed).",
        "Due queue: `GET reviews/due/` (20 cards) through the test client, token auth included;",
        "the learner studied in order: the last 10% are new, ten are overdue: 10 due + 10 new. The",
        "peer is the naive ORM read (through the learner's flashcards, new cards by `NOT EXISTS`",
        "over the log), against our selector (refresh check + `due_cards`, intervals included),",
        "both in the same process. SPEC §8: under 20 ms at 100,000 cards.",
        "",
        "Times are median / minimum in ms.",
        "",
        "| engine | cards | endpoint | queries | with `?path=` | queries "
        "| selector | queries | naive read (peer) | queries | naive / selector (median) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in queues:
        lines.append(
            f"| {r['engine']} | {r['cards']:,} | {r['due_ms']:.1f} / {r['due_min_ms']:.1f} "
            f"| {r['due_queries']} | {r['due_path_ms']:.1f} / {r['due_path_min_ms']:.1f} "
            f"| {r['due_path_queries']} | {r['selector_ms']:.1f} / {r['selector_min_ms']:.1f} "
            f"| {r['selector_queries']} | {r['naive_ms']:.1f} / {r['naive_min_ms']:.1f} "
            f"| {r['naive_queries']} "
            f"| {r['naive_ms'] / r['selector_ms']:.1f}× |"
        )
    lines += [
        "",
        "Batch: `reviews_submit` of 1,000 reviews of 1,000 different cards (each card "
        "replayed with its history), then the same batch again (all repeats: nothing changes).",
        "",
        "| engine | reviews | batch ms (median / min) | queries | repeated batch ms | queries |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in batches:
        lines.append(
            f"| {r['engine']} | {r['batch']:,} | {r['batch_ms']:.0f} / {r['batch_min_ms']:.0f} "
            f"| {r['batch_queries']} "
            f"| {r['repeat_ms']:.0f} | {r['repeat_queries']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    return benchmark_main(
        __file__,
        name="reviews",
        measure=measure,
        markdown=markdown,
        sizes="1000,10000,100000",
        runs=20,
        scratch=SCRATCH,
        database=BENCH_DB,
        doc=__doc__,
    )


if __name__ == "__main__":
    sys.exit(main())
