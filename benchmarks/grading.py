"""Time grading through real Celery workers, on the embedded default and on Redis.

    .venv/bin/python benchmarks/grading.py                    # embedded and Redis + PostgreSQL
    .venv/bin/python benchmarks/grading.py --engines embedded --checks 50 --attempts 40 --no-write

Each engine runs in its own process on scratch stores: the embedded default (a SQLite file
and the filesystem broker under ``var/bench-grading/``), or PostgreSQL (database
``studytree_bench_grading``, created and dropped here) with Redis (``--redis``, flushed
before and after). The child loads the activation-functions path, clones it and starts real
``celery worker`` processes (``--queues=celery,grading``, concurrency 1). It measures:

- **formula round trip**: one learner formula (the SiLU derivative question, answered
  ``sigmoid(z)*(1 + z*(1 - sigmoid(z)))``) sent as the practice check's task and its
  verdict read back — what ``POST questions/{id}/check/`` waits for; ``--checks`` of them
  one after another, p50 and p90 (SPEC §8: p50 under 50 ms on Redis). The peer, in the
  same run through the same worker: ``config.ping``, a task that does nothing, i.e. the
  broker's and result backend's own round trip.
- **attempts graded per second**: ``--attempts`` attempts on the path's quiz (all 13
  questions answered, 2 of them formulas) submitted through ``attempt_submit`` in one
  transaction, so that their grading tasks are all sent at its commit; from the commit to
  the last attempt graded by 2 workers (the submissions are timed apart).

The table goes into the "## grading" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path as FilePath

from results_file import write_section

ROOT = FilePath(__file__).resolve().parent.parent
SCRATCH = ROOT / "var" / "bench-grading"
BENCH_DB = "studytree_bench_grading"
BUNDLE = ROOT / "learning" / "bundles" / "activation-functions.json"
SILU_UID = "98483a36-dd5b-5046-8aea-c80a37b1a6e6"


# --- one engine, in a child process ------------------------------------------------------


def _start_workers(count: int) -> list[subprocess.Popen]:
    processes = []
    for index in range(count):
        log = open(SCRATCH / f"worker-{index}.log", "w")  # noqa: SIM115
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--concurrency=1",
                    "--queues=celery,grading",
                    "--without-mingle",
                    "--without-gossip",
                    "--loglevel=INFO",
                    f"--hostname=bench-{index}-{uuid.uuid4().hex[:4]}@%h",
                ],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        )
    return processes


def _wait_ready(count: int) -> None:
    """Until every worker's log says it is ready (the filesystem broker has no broadcast
    for ``control.ping``)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        logs = [(SCRATCH / f"worker-{index}.log").read_text() for index in range(count)]
        if all(" ready." in log for log in logs):
            return
        time.sleep(0.1)
    raise SystemExit(f"{count} workers did not start")


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _answers(quiz, questions) -> list[dict]:
    """A full, mostly right set of answers to the activation quiz."""
    answers = []
    for question in questions:
        if question.kind in ("single", "multiple", "true_false"):
            right = [c.pk for c in question.choices.all() if c.is_correct]
            answers.append({"question": question.pk, "choices": right})
        elif question.kind == "numeric":
            answers.append({"question": question.pk, "value": question.answer["value"]})
        else:
            answers.append({"question": question.pk, "expression": question.answer["expression"]})
    return answers


def measure(checks: int, attempts: int) -> dict:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from celery import current_app
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from learning.grading import CHECK_TASK
    from learning.models import Attempt, Question, Quiz
    from learning.services.attempts import attempt_start, attempt_submit
    from learning.services.bundles import path_import
    from learning.services.clone_path import path_clone

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench", password="bench-bench-bench")
    source = path_import(data=json.loads(BUNDLE.read_text()), visibility="public")
    clone = path_clone(path=source, user=user)
    quiz = Quiz.objects.get(path=clone)
    questions = list(Question.objects.filter(quiz=quiz).prefetch_related("choices"))
    silu = next(q for q in questions if str(q.origin_uid) == SILU_UID)
    formula = {"expression": "sigmoid(z)*(1 + z*(1 - sigmoid(z)))"}
    current_app.control.purge()

    workers = _start_workers(2)
    try:
        _wait_ready(2)

        def round_trips(send) -> list[float]:
            times = []
            for run in range(checks + 5):
                start = time.perf_counter()
                result = send().get(timeout=30, interval=0.001)
                elapsed = time.perf_counter() - start
                if run >= 5:  # the first few warm the workers up
                    times.append(elapsed * 1000)
                assert result
            return times

        check_ms = round_trips(
            lambda: current_app.send_task(
                CHECK_TASK, args=[silu.pk, formula, user.pk], queue="grading"
            )
        )
        assert current_app.send_task(
            CHECK_TASK, args=[silu.pk, formula, user.pk], queue="grading"
        ).get(timeout=30)["correct"]
        ping_ms = round_trips(lambda: current_app.send_task("config.ping"))

        body = _answers(quiz, questions)
        ids = []
        begin = time.perf_counter()
        with transaction.atomic():  # the grading tasks are all sent when this commits
            for _ in range(attempts):
                attempt = attempt_start(user=user, quiz=quiz)
                attempt_submit(attempt=attempt, answers=body)
                ids.append(attempt.pk)
            start = time.perf_counter()
        submitted = start - begin
        while Attempt.objects.filter(pk__in=ids).exclude(status="graded").exists():
            time.sleep(0.01)
            if time.perf_counter() - start > 600:
                raise SystemExit("attempts not graded in 10 minutes")
        elapsed = time.perf_counter() - start
        scores = set(Attempt.objects.filter(pk__in=ids).values_list("score", flat=True))
        assert scores == {float(len(questions))}, scores
    finally:
        _stop(workers)

    def cut(values):
        ordered = sorted(values)
        return {
            "p50": statistics.median(ordered),
            "p90": ordered[int(0.9 * (len(ordered) - 1))],
        }

    return {
        "check": cut(check_ms),
        "ping": cut(ping_ms),
        "attempts": attempts,
        "questions": len(questions),
        "submit_s": submitted,
        "graded_s": elapsed,
        "per_second": attempts / elapsed,
    }


# --- the parent: one child per engine ------------------------------------------------------


def _psql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql)


def child(engine: str, args) -> dict:
    shutil.rmtree(SCRATCH, ignore_errors=True)
    SCRATCH.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "CELERY_"))}
    env |= {"STUDYTREE_DATA_DIR": str(SCRATCH), "LOG_LEVEL": "WARNING"}
    if engine == "redis":
        base = args.postgres.rsplit("/", 1)[0]
        _psql(args.postgres, f"DROP DATABASE IF EXISTS {BENCH_DB}")
        _psql(args.postgres, f"CREATE DATABASE {BENCH_DB}")
        import redis

        redis.Redis.from_url(args.redis).flushdb()
        env |= {
            "DATABASE_URL": f"{base}/{BENCH_DB}",
            "CELERY_BROKER_URL": args.redis,
            "CELERY_RESULT_BACKEND": args.redis,
        }
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child", "--checks", str(args.checks),
             "--attempts", str(args.attempts)],
            env=env, cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if out.returncode:
            raise SystemExit(f"{engine} failed:\n{out.stderr[-3000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        if engine == "redis":
            _psql(args.postgres, f"DROP DATABASE IF EXISTS {BENCH_DB}")
            redis.Redis.from_url(args.redis).flushdb()


LABELS = {"embedded": "SQLite + filesystem broker", "redis": "PostgreSQL + Redis"}


def report(results: dict[str, dict], args) -> str:
    import celery
    import numpy

    lines = [
        "## grading",
        "",
        f"Command: `python benchmarks/grading.py --checks {args.checks} --attempts {args.attempts}`  ",
        f"Date: {datetime.date.today()}; machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, celery {celery.__version__}, numpy {numpy.__version__}; "
        f"load average {os.getloadavg()[0]:.1f} at the end (the cores are shared).",
        "",
        "One formula answer's round trip through a worker (practice check task, verdict read "
        "back), against the peer `config.ping` through the same worker; then attempts of the "
        "activation quiz (13 questions, 2 formulas) submitted in one transaction, then graded "
        "by 2 workers (concurrency 1 each), timed from the commit to the last one graded. SPEC §8 bar: p50 under 50 ms on Redis.",
        "",
        "| engine | formula p50 ms | formula p90 ms | ping p50 ms | ping p90 ms "
        "| attempts | submitting s | grading s | attempts/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for engine, r in results.items():
        lines.append(
            f"| {LABELS[engine]} | {r['check']['p50']:.1f} | {r['check']['p90']:.1f} "
            f"| {r['ping']['p50']:.1f} | {r['ping']['p90']:.1f} | {r['attempts']} "
            f"| {r['submit_s']:.2f} | {r['graded_s']:.2f} | {r['per_second']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="embedded,redis")
    parser.add_argument("--checks", type=int, default=200)
    parser.add_argument("--attempts", type=int, default=200)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.checks, args.attempts)))
        return 0
    results = {engine: child(engine, args) for engine in args.engines.split(",")}
    section = report(results, args)
    print(section)
    if not args.no_write:
        write_section("grading", section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
