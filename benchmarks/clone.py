"""Time cloning a path and syncing the clone, for paths of 100, 1,000 and 10,000 items.

    .venv/bin/python benchmarks/clone.py                      # SQLite and PostgreSQL, all sizes
    .venv/bin/python benchmarks/clone.py --engines sqlite --sizes 100,1000 --no-write

Each engine runs in its own process on a scratch database: a SQLite file under
``var/bench-clone/`` (the embedded default's settings: WAL, IMMEDIATE transactions) and
the PostgreSQL database ``studytree_bench``, created and dropped here (``--postgres`` is
the server's URL). Per size and engine, the median of ``--runs`` runs of:

- **clone**: ``path_clone`` of a public path (the SPEC §8 bar: 10,000 items under 2 s);
- **sync**: ``path_sync`` of a fresh clone after upstream changed every 5th flashcard and
  resource, added 1% and removed 1% of the flashcards, while the learner edited 1% (which
  become conflicts);
- **re-sync**: the same sync again, which has nothing left to apply.

The peer, measured side by side in the same process: **naive clone**, the textbook ORM
copy (``pk = None; save()`` for the path and each item, choices included), median of
``min(runs, 3)`` runs. Queries are counted on one extra, untimed run. The table goes into the "## clone" section
of benchmarks/RESULTS.md (other sections are kept).
"""

from __future__ import annotations

import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path as FilePath

from engines import benchmark_main

ROOT = FilePath(__file__).resolve().parent.parent
SCRATCH = ROOT / "var" / "bench-clone"
BENCH_DB = "studytree_bench"


# --- one engine, in a child process ------------------------------------------------------


def measure(sizes: list[int], runs: int) -> list[dict]:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from learning.services.bundles import path_import
    from learning.services.clone_path import path_clone
    from learning.services.sync_path import path_sync
    from tests.helpers import sized_bundle

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench", password="bench-bench-bench")
    rows = []
    for size in sizes:
        source = path_import(data=sized_bundle(size, slug=f"bench-{size}"), visibility="public")
        clone_s, sync_s, resync_s = [], [], []
        for run in range(runs + 1):
            counted = run == runs  # the last run counts queries, untimed
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                clone = path_clone(path=source, user=user)
                elapsed = time.perf_counter() - start
            if counted:
                clone_queries = len(queries)
            else:
                clone_s.append(elapsed)
            upstream_changes(source, clone, run)
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                result = path_sync(path=clone, user=user)
                elapsed = time.perf_counter() - start
            if counted:
                sync_queries, applied = len(queries), result["applied"]
                conflicts = len(result["conflicts"])
            else:
                sync_s.append(elapsed)
            start = time.perf_counter()
            again = path_sync(path=clone, user=user)
            resync_s.append(time.perf_counter() - start)
            assert not any(again["applied"].values()), "a second sync applied something"
        naive_s = []
        for _ in range(min(runs, 3)):
            start = time.perf_counter()
            naive_clone(source, user)
            naive_s.append(time.perf_counter() - start)
        rows.append(
            {
                "engine": connection.vendor,
                "items": size,
                "clone_ms": statistics.median(clone_s) * 1000,
                "naive_ms": statistics.median(naive_s) * 1000,
                "clone_queries": clone_queries,
                "sync_ms": statistics.median(sync_s) * 1000,
                "sync_queries": sync_queries,
                "changed": len(applied["changed"]),
                "added": len(applied["added"]),
                "removed": len(applied["removed"]),
                "conflicts": conflicts,
                "resync_ms": statistics.median(resync_s) * 1000,
            }
        )
        print(json.dumps(rows[-1]), file=sys.stderr)
    return rows


def naive_clone(source, user):
    """The peer: copy row by row with the ORM, as a first implementation would."""
    from django.db import transaction

    from learning.models import Choice, Path

    with transaction.atomic():
        sections = {s.pk: s for s in source.sections.order_by("parent_id", "position")}
        flashcards = list(source.flashcards.all())
        quizzes = {q.pk: q for q in source.quizzes.all()}
        questions = list(source.questions.prefetch_related("choices"))
        resources = list(source.resources.all())
        clone = Path.objects.get(pk=source.pk)
        clone.pk, clone.slug, clone.owner, clone.cloned_from = (
            None,
            f"naive-{time.time_ns()}",
            user,
            source,
        )
        clone.save()
        new_sections = {}
        for old_pk, section in sorted(sections.items(), key=lambda kv: kv[1].parent_id or 0):
            parent = new_sections.get(section.parent_id)
            section.pk, section.path, section.parent = None, clone, parent
            section.save()
            new_sections[old_pk] = section
        for item in [*flashcards, *resources]:
            item.pk, item.path = None, clone
            item.save()
        new_quizzes = {}
        for old_pk, quiz in quizzes.items():
            quiz.pk, quiz.path = None, clone
            quiz.save()
            new_quizzes[old_pk] = quiz
        for question in questions:
            choices = list(question.choices.all())
            question.pk, question.path, question.quiz = None, clone, new_quizzes[question.quiz_id]
            question.save(hash_with={"choices": choices})
            for choice in choices:
                choice.pk, choice.question = None, question
                Choice.save(choice)
    return clone


def upstream_changes(source, clone, run: int) -> None:
    """Edit, add and remove upstream items, and edit a few of the clone's (bulk writes)."""
    from learning.models import Flashcard, Resource
    from learning.services.paths import path_content_changed

    for model, field in ((Flashcard, "back"), (Resource, "authors")):
        items = list(model.objects.filter(path=source).order_by("id"))[run % 5 :: 5]
        for item in items:
            setattr(item, field, f"{getattr(item, field)} (v{run})")
            item.refresh_hash()
        model.objects.bulk_update(items, [field, "content_hash"])
        if model is Flashcard:
            edited = [item.origin_uid for item in items]
    cards = list(Flashcard.objects.filter(path=source).order_by("id"))
    hundredth = max(len(cards) // 100, 1)
    Flashcard.objects.filter(pk__in=[card.pk for card in cards[:hundredth]]).delete()
    new = [
        Flashcard(path=source, front=f"New {run}.{i}", back="card", position=i * 100)
        for i in range(hundredth)
    ]
    for card in new:
        card.refresh_hash()
    Flashcard.objects.bulk_create(new)
    mine = list(Flashcard.objects.filter(path=clone, origin_uid__in=edited[-hundredth:]))
    for card in mine:
        card.back += " (my words)"
        card.refresh_hash()
    Flashcard.objects.bulk_update(mine, ["back", "content_hash"])
    path_content_changed(source)


# --- the parent: one child per engine, then the table ----------------------------------


def markdown(rows: list[dict], command: str, runs: int) -> str:
    lines = [
        "## clone",
        "",
        f"`{command}` — {datetime.date.today():%Y-%m-%d}, median of {runs} runs, "
        f"Python {sys.version.split()[0]} on {os.cpu_count()} CPUs.",
        "Sync: upstream changed every 5th flashcard and resource, added and removed 1% of",
        "the flashcards; the learner had edited 1% (conflicts). Re-sync: the same sync again.",
        "",
        "| engine | items | clone ms | naive clone ms (peer) | clone / naive | clone queries "
        "| sync ms | sync queries | changed / added / removed / conflicts | re-sync ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['engine']} | {r['items']:,} | {r['clone_ms']:.0f} | {r['naive_ms']:.0f} "
            f"| {r['clone_ms'] / r['naive_ms']:.2f} | {r['clone_queries']} "
            f"| {r['sync_ms']:.0f} | {r['sync_queries']} "
            f"| {r['changed']} / {r['added']} / {r['removed']} / {r['conflicts']} "
            f"| {r['resync_ms']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    return benchmark_main(
        __file__,
        name="clone",
        measure=measure,
        markdown=markdown,
        sizes="100,1000,10000",
        runs=5,
        scratch=SCRATCH,
        database=BENCH_DB,
        doc=__doc__,
    )


if __name__ == "__main__":
    sys.exit(main())
