"""Throughput of the hot API endpoints under gunicorn and wrk, against a bare Django view
answering ``{}`` on the same server in the same run (SPEC §8: at least half of it).

    .venv/bin/python benchmarks/load.py                        # SQLite and PostgreSQL
    .venv/bin/python benchmarks/load.py --engines sqlite --duration 2 --rounds 1 --no-write
    .venv/bin/python benchmarks/load.py --only tree,review     # the bare view always runs

Per configuration — ``sqlite``: the embedded default (a SQLite file in a scratch
``STUDYTREE_DATA_DIR``, the filesystem broker, the local-memory cache); ``postgres``, when
PostgreSQL and Redis answer on 127.0.0.1: the database ``bench_load`` (created here and
dropped after) with Redis db 13 as cache, broker and result backend (flushed before and
after) —

1. a child process migrates, loads the platform's paths (``load_paths``), makes a learner
   with a token, clones ``activation-functions`` for them (``path_clone``) and starts
   enough quiz attempts (``attempt_start``) for every submission of the run to have its
   own: an attempt is submitted once (a second time is a 409);
2. gunicorn serves ``config.wsgi`` with 2 sync workers, ``DJANGO_DEBUG=0``, no access log,
   throttles raised out of reach, under ``benchmarks/loadsite/settings.py``: the product's
   settings and middleware, plus ``GET /bare/`` and two floors, ``GET /floor/read/`` (one
   query) and ``POST /floor/write/`` (one transaction of one INSERT), not in the
   product's URLconf: what the least read and the least write cost on this server;
3. one request of each endpoint checks it answers as it should (and warms the workers);
4. wrk (``benchmarks/load.lua``) drives each endpoint for ``--duration`` seconds with 16
   connections and 2 threads, ``--rounds`` times, interleaved: bare, preview, …, bare, ….

Every status is counted: any answer but the endpoint's own (200, or 201 for a review,
202 for a submission), any socket error, or a run out of attempts is printed loudly and
makes the exit status 1, so a broken endpoint never looks fast. The table (req/s, p50,
p99 and the ratio to the bare view, medians of the rounds) goes into the ``## load``
section of benchmarks/RESULTS.md (notes after its marker are kept).
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from engines import postgres_database
from results_file import write_section

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCRATCH = ROOT / "var" / "bench-load"
LUA = HERE / "load.lua"
WRK = "/usr/bin/wrk"
GUNICORN = Path(sys.executable).parent / "gunicorn"
BENCH_DB = "bench_load"
REDIS_URL = "redis://127.0.0.1:6379/13"
SOURCE = "activation-functions"
LEARNER = "bench-learner"
WORKERS, THREADS = 2, 2
#: Attempts started per second of submissions measured (``--attempts`` overrides): several
#: times what 2 cores serve; running out is reported, never hidden.
ATTEMPTS_PER_SECOND = 1000
#: Throttles out of reach: the bench measures the endpoints, not a 429.
UNTHROTTLED = {
    f"{scope}_THROTTLE_RATE": "1000000/s"
    for scope in ("AUTH", "SYNC", "IMPORT", "GRADING", "GENERATE")
}
ENGINE_LABELS = {
    "sqlite": "SQLite file, filesystem broker, local-memory cache (the embedded default)",
    "postgres": f"PostgreSQL 127.0.0.1:5432 `{BENCH_DB}`, Redis db 13 as cache and broker",
}


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # {clone}, {flashcard} filled in from the prepared data
    token: bool
    expect: int
    kind: str = "get"  # "review" and "submit" make each request's body or path (load.lua)
    label: str = ""
    gzip: bool = True  # sends Accept-Encoding: gzip, as mobile HTTP clients do
    floor: bool = False  # not a product endpoint: the least a request of its sort costs


ENDPOINTS = [
    Endpoint("bare", "GET", "/bare/", False, 200, label="bare Django view `{}` (the peer)"),
    Endpoint("floor-read", "GET", "/floor/read/", False, 200, label="floor: a view making one query (by primary key)", floor=True),
    Endpoint("floor-write", "POST", "/floor/write/", False, 201, label="floor: a view making one transaction of one INSERT", floor=True),
    Endpoint("preview", "GET", f"/api/v1/paths/{SOURCE}/", False, 200, label="path tree, preview (anonymous)"),
    Endpoint("tree", "GET", "/api/v1/paths/{clone}/", True, 200, label="path tree, whole (the owner's clone)"),
    Endpoint("tree-plain", "GET", "/api/v1/paths/{clone}/", True, 200, label="the same, not accepting gzip", gzip=False),
    Endpoint("list", "GET", "/api/v1/paths/", True, 200, label="path list"),
    Endpoint("item", "GET", "/api/v1/flashcards/{flashcard}/", True, 200, label="item read (a flashcard)"),
    Endpoint("due", "GET", "/api/v1/reviews/due/?path={clone}", True, 200, label="due queue of the clone"),
    Endpoint("review", "POST", "/api/v1/reviews/", True, 201, "review", label="review submission"),
    Endpoint("submit", "POST", "/api/v1/attempts/{id}/submit/", True, 202, "submit", label="attempt submission"),
]  # fmt: skip
BY_NAME = {e.name: e for e in ENDPOINTS}


# --- data, in a child process on the engine's settings --------------------------------


def prepare(attempts: int, out: Path) -> None:
    """Migrate, load the paths, make the learner, their clone and ``attempts`` attempts;
    write what the requests need to ``out`` (JSON)."""
    import io

    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from loadsite.urls import FLOOR_TABLE
    from rest_framework.authtoken.models import Token

    from learning.grading import CHOICE_KINDS, questions_with_choices
    from learning.models import Flashcard, Quiz
    from learning.models import Path as LearningPath
    from learning.services.attempts import attempt_start
    from learning.services.clone_path import path_clone

    call_command("migrate", verbosity=0)
    call_command("load_paths", stdout=io.StringIO())
    with connection.cursor() as cursor:  # for loadsite's floor-write
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {FLOOR_TABLE} (note varchar(40))")
    user = get_user_model().objects.create_user(LEARNER, password="bench-bench-bench")
    clone = path_clone(path=LearningPath.objects.get(slug=SOURCE), user=user)
    flashcards = list(
        Flashcard.objects.filter(path=clone).order_by("position", "id").values_list("pk", flat=True)
    )
    quiz = Quiz.objects.filter(path=clone).order_by("position", "id").first()
    with transaction.atomic():
        ids = [attempt_start(user=user, quiz=quiz).pk for _ in range(attempts)]
    answers = []  # every question answered with its key: what a learner who knows sends
    for question in questions_with_choices().filter(quiz=quiz).order_by("position", "id"):
        if question.kind in CHOICE_KINDS:
            given = {"choices": [c.pk for c in question.choices.all() if c.is_correct]}
        elif "expression" in (question.answer or {}):
            given = {"expression": question.answer["expression"]}
        else:
            given = {"value": question.answer["value"]}
        answers.append({"question": question.pk} | given)
    out.write_text(
        json.dumps(
            {
                "token": Token.objects.create(user=user).key,
                "clone": clone.slug,
                "flashcards": flashcards,
                "attempts": ids,
                "submission": {"answers": answers},
            }
        )
    )


# --- one configuration: its environment, the data, the server ------------------------


def engine_env(engine: str, scratch: Path, postgres: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "CACHE_URL")
    }
    env |= UNTHROTTLED | {
        "STUDYTREE_DATA_DIR": str(scratch),
        "DJANGO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONUNBUFFERED": "1",
    }
    if engine == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    else:
        env["DATABASE_URL"] = f"{postgres.rsplit('/', 1)[0]}/{BENCH_DB}"
        env |= {"CACHE_URL": REDIS_URL, "CELERY_BROKER_URL": REDIS_URL}
        env["CELERY_RESULT_BACKEND"] = REDIS_URL
    return env


def engines_answer() -> bool:
    try:
        for port in (5432, 6379):
            socket.create_connection(("127.0.0.1", port), 1).close()
    except OSError:
        return False
    return True


def redis_flush() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_start(env: dict[str, str], scratch: Path) -> tuple[subprocess.Popen, str]:
    """gunicorn on a free port, answering ``/bare/``; its errors go to ``gunicorn.log``."""
    port = free_port()
    command = [
        str(GUNICORN), "config.wsgi:application", "--pythonpath", str(HERE),
        "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--worker-class", "sync",
        "--timeout", "60", "--log-level", "warning",
        "--error-logfile", str(scratch / "gunicorn.log"),
    ]  # fmt: skip
    with open(scratch / "gunicorn.log", "ab") as log:  # the workers' own output too
        server = subprocess.Popen(
            command,
            env=env | {"DJANGO_SETTINGS_MODULE": "loadsite.settings"},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited ({server.returncode}): see {scratch}/gunicorn.log")
        try:
            with urllib.request.urlopen(f"{base}/bare/", timeout=2) as answer:
                if answer.status == 200:
                    return server, base
        except OSError:
            time.sleep(0.2)
    gunicorn_stop(server)
    raise SystemExit(f"gunicorn did not answer within 60 s: see {scratch}/gunicorn.log")


def gunicorn_stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def check_once(base: str, endpoint: Endpoint, data: dict, attempt: int) -> str | None:
    """One request of ``endpoint`` as wrk will make it (attempt ``attempt``, one kept out
    of wrk's list); what is wrong with the answer, or None."""
    path = endpoint.path.format(clone=data["clone"], flashcard=data["flashcards"][0], id=attempt)
    body = None
    if endpoint.kind == "review":
        body = {"flashcard": data["flashcards"][0], "rating": 3, "client_id": str(uuid.uuid4())}
    elif endpoint.kind == "submit":
        body = data["submission"]
    request = urllib.request.Request(
        base + path,
        method=endpoint.method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Token {data['token']}"} if endpoint.token else {}),
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            status, text = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read()
    if status != endpoint.expect:
        return f"{endpoint.method} {path}: {status}, expected {endpoint.expect}: {text[:300]!r}"
    return None


# --- wrk ---------------------------------------------------------------------------------


def wrk_run(base: str, endpoint: Endpoint, data: dict, args, files: dict[str, Path]) -> dict:
    """One wrk run of ``endpoint``; its figures and everything that went wrong."""
    script_args = [
        f"method={endpoint.method}",
        f"path={endpoint.path.format(clone=data['clone'], flashcard=data['flashcards'][0], id=0)}",
        f"expect={endpoint.expect}",
        f"kind={endpoint.kind}",
        f"threads={THREADS}",
        f"nonce={secrets.token_hex(4)}",
        f"gzip={int(endpoint.gzip)}",
    ]
    if endpoint.token:
        script_args.append(f"token={data['token']}")
    if endpoint.kind == "review":
        script_args.append("cards=" + ",".join(map(str, data["flashcards"])))
    if endpoint.kind == "submit":
        script_args += [f"body={files['submission']}", f"ids={files['ids']}"]
    command = [
        WRK, f"--threads={THREADS}", f"--connections={args.connections}",
        f"--duration={args.duration}s", "--timeout=10s", "--latency",
        f"--script={LUA}", base, "--", *script_args,
    ]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, timeout=args.duration + 60)
    found = re.search(r"^LOADJSON (\{.*\})$", out.stdout, re.M)
    if out.returncode != 0 or not found:
        raise SystemExit(f"wrk failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    run = json.loads(found.group(1))
    run["wrk_rps"] = float(re.search(r"^Requests/sec:\s+([\d.]+)", out.stdout, re.M).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out.stdout)
    run["wrk_non_2xx"] = int(non_2xx.group(1)) if non_2xx else 0
    run["rps"] = run["requests"] / (run["duration_us"] / 1e6)
    run["load"] = os.getloadavg()[0]  # others on the machine disturb every figure
    run["unexpected"] = sum(n for s, n in run["statuses"].items() if s != str(endpoint.expect))
    run["problems"] = problems_of(run, endpoint)
    return run


def problems_of(run: dict, endpoint: Endpoint) -> list[str]:
    problems = []
    if run["unexpected"]:
        others = {s: n for s, n in run["statuses"].items() if s != str(endpoint.expect)}
        problems.append(f"{run['unexpected']} answers not {endpoint.expect}: {others}")
        problems += [f"first: {sample}" for sample in run["samples"]]
    socket_errors = {k: n for k, n in run["errors"].items() if k != "status" and n}
    if socket_errors:
        problems.append(f"socket errors: {socket_errors}")
    if run["exhausted"]:
        problems.append(f"ran out of attempts {run['exhausted']} times: raise --attempts")
    if run["requests"] == 0:
        problems.append("no request completed")
    return problems


def measure_engine(engine: str, args) -> dict:
    """Prepare, serve and measure one configuration; its runs, in order."""
    scratch = args.scratch / engine
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    env = engine_env(engine, scratch, args.postgres)
    if engine == "postgres":
        postgres_database(args.postgres, BENCH_DB, create=True)
        redis_flush()
    server = None
    try:
        submissions = args.duration * args.rounds * ("submit" in args.only)
        attempts = args.attempts or max(200, math.ceil(ATTEMPTS_PER_SECOND * submissions))
        attempts += 1  # the spare one, submitted once before the run
        started = time.monotonic()
        subprocess.run(
            [sys.executable, __file__, "--prepare", str(attempts), "--scratch", str(scratch)],
            env=env,
            cwd=ROOT,
            check=True,
        )
        data = json.loads((scratch / "prepared.json").read_text())
        print(
            f"[{engine}] prepared in {time.monotonic() - started:.0f} s: clone {data['clone']}, "
            f"{len(data['flashcards'])} flashcards, {len(data['attempts']):,} attempts",
            flush=True,
        )
        *attempt_ids, spare = data["attempts"]
        files = {"submission": scratch / "submission.json", "ids": scratch / "attempt-ids.txt"}
        files["submission"].write_text(json.dumps(data["submission"]))
        server, base = gunicorn_start(env, scratch)
        for name in args.only:  # each endpoint answers as it should before it is timed
            for _ in range(2 * WORKERS if BY_NAME[name].kind == "get" else 1):
                wrong = check_once(base, BY_NAME[name], data, spare)
                if wrong:
                    raise SystemExit(f"[{engine}] {name} answers wrongly before the run: {wrong}")
        runs, used = [], 0
        for round_ in range(1, args.rounds + 1):
            for name in args.only:
                endpoint = BY_NAME[name]
                if endpoint.kind == "submit":
                    files["ids"].write_text("\n".join(map(str, attempt_ids[used:])) + "\n")
                run = wrk_run(base, endpoint, data, args, files)
                if endpoint.kind == "submit":
                    used += THREADS * max(run["sent"])
                run |= {"engine": engine, "endpoint": name, "round": round_}
                runs.append(run)
                print(progress_line(run), flush=True)
    finally:
        if server is not None:
            gunicorn_stop(server)
        if engine == "postgres":
            postgres_database(args.postgres, BENCH_DB, create=False)
            redis_flush()
    return {
        "engine": engine,
        "runs": runs,
        "clone": data["clone"],
        "flashcards": len(data["flashcards"]),
        "questions": len(data["submission"]["answers"]),
        "attempts": len(data["attempts"]),
        "used": used,
    }


def progress_line(run: dict) -> str:
    line = (
        f"[{run['engine']}] round {run['round']} {run['endpoint']:<8} {run['rps']:8.1f} req/s  "
        f"p50 {run['p50_us'] / 1000:7.2f} ms  p99 {run['p99_us'] / 1000:7.2f} ms  "
        f"{run['requests']:>6} requests {run['statuses']}  load {run['load']:.1f}"
    )
    if run["problems"]:
        line += "\n" + "\n".join(f"    !!! {p}" for p in run["problems"])
    return line


# --- the table ---------------------------------------------------------------------------


def summary_rows(runs: list[dict], only: list[str]) -> list[dict]:
    """Per endpoint: medians of the rounds, and the median of the per-round ratios to bare."""
    bare = {r["round"]: r["rps"] for r in runs if r["endpoint"] == "bare"}
    rows = []
    for name in only:
        mine = [r for r in runs if r["endpoint"] == name]
        rows.append(
            {
                "endpoint": name,
                "rps": statistics.median(r["rps"] for r in mine),
                "rounds": [r["rps"] for r in mine],
                "p50_ms": statistics.median(r["p50_us"] for r in mine) / 1000,
                "p99_ms": statistics.median(r["p99_us"] for r in mine) / 1000,
                "ratio": statistics.median(r["rps"] / bare[r["round"]] for r in mine),
                "requests": sum(r["requests"] for r in mine),
                "problems": [p for r in mine for p in r["problems"]],
            }
        )
    return rows


def table(rows: list[dict]) -> list[str]:
    lines = [
        "| endpoint | request | req/s | p50 ms | p99 ms | / bare | ≥ ½ bare | req/s by round | wrong answers |",
        "|---|---|---:|---:|---:|---:|:---:|---:|---|",
    ]  # fmt: skip
    for row in rows:
        endpoint = BY_NAME[row["endpoint"]]
        request = f"`{endpoint.method} {endpoint.path}`"
        verdict = (
            ""
            if row["endpoint"] == "bare" or endpoint.floor
            else ("✓" if row["ratio"] >= 0.5 else "✗")
        )
        wrong = "**" + "; ".join(row["problems"]) + "**" if row["problems"] else "0"
        lines.append(
            f"| {row['endpoint']}: {endpoint.label} | {request} | {row['rps']:,.0f} "
            f"| {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['ratio']:.2f} | {verdict} "
            f"| {' / '.join(f'{r:,.0f}' for r in row['rounds'])} | {wrong.replace('|', '/')} |"
        )
    return lines


def markdown(results: list[dict], skipped: list[str], args, command: str, loads) -> str:
    gunicorn_version = subprocess.run(
        [str(GUNICORN), "--version"], capture_output=True, text=True
    ).stdout.strip()
    wrk_version = subprocess.run([WRK, "--version"], capture_output=True, text=True)
    wrk_version = (wrk_version.stdout or wrk_version.stderr).split("[")[0].strip()
    before, after = loads
    lines = [
        "## load",
        "",
        f"`{command}` — {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, Python "
        f"{sys.version.split()[0]} on {os.cpu_count()} CPUs ({platform.machine()}, "
        f"{platform.system()}); load average {before[0]:.2f} / {before[1]:.2f} / "
        f"{before[2]:.2f} before, {after[0]:.2f} / {after[1]:.2f} / {after[2]:.2f} after.",
        f"Server: {gunicorn_version}, {WORKERS} sync workers, `config.wsgi` under "
        "`benchmarks/loadsite/settings.py` (the product's settings and middleware plus `GET "
        "/bare/` answering `{}` and two floors: `GET /floor/read/`, one query, and `POST "
        "/floor/write/`, one transaction of one INSERT, with no DRF), `DJANGO_DEBUG=0`, no "
        "access log, throttles out of reach.",
        f"Load: {wrk_version}, {THREADS} threads, {args.connections} connections, "
        f"{args.duration} s per endpoint, {args.rounds} round(s) interleaved (bare, preview, "
        "…, bare, …), `benchmarks/load.lua` counting every status; wrk and gunicorn share "
        "the machine's CPUs. Every request says `Accept-Encoding: gzip`, as mobile HTTP "
        "clients do, but `tree-plain`. Requests of a learner with a token on their clone of "
        "`activation-functions`; each review has a new `client_id` (the clone's flashcards "
        "in turn, ratings 1–4 in turn), each submission its own attempt with every question "
        "answered.",
        "req/s, p50 and p99 are medians of the rounds; `/ bare` is the median of the "
        "per-round ratios to the bare view. SPEC §8: each endpoint at least ½ of bare (the "
        "floors are not endpoints: they show how near ½ a read or a write can come here).",
    ]
    wrong = [r for result in results for r in result["runs"] if r["problems"]]
    if wrong:
        lines += [
            "",
            f"**WRONG ANSWERS in {len(wrong)} run(s): these figures do not measure working "
            "endpoints (see the last column).**",
        ]
    for result in results:
        lines += [
            "",
            f"### {result['engine']}: {ENGINE_LABELS[result['engine']]}",
            "",
            *table(summary_rows(result["runs"], args.only)),
            "",
            f"Clone `{result['clone']}`: {result['flashcards']} flashcards, a quiz of "
            f"{result['questions']} questions; attempts started: {result['attempts']:,}, of "
            f"which wrk used {result['used']:,}. One-minute load average after each run: "
            f"{min(r['load'] for r in result['runs']):.1f} to "
            f"{max(r['load'] for r in result['runs']):.1f}.",
        ]
    for engine in skipped:
        lines += ["", f"### {engine}: not measured (PostgreSQL or Redis not answering)"]
    return "\n".join(lines) + "\n"


# --- command line ------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--duration", type=int, default=8, help="seconds per endpoint and round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only", default=",".join(BY_NAME), help="endpoints (bare always runs)")
    parser.add_argument("--attempts", type=int, help="attempts to start (default: by duration)")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--scratch", type=Path, default=SCRATCH)
    parser.add_argument("--json", type=Path, help="also write every run here")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare is not None:
        prepare(args.prepare, args.scratch / "prepared.json")
        return 0
    unknown = set(args.only.split(",")) - set(BY_NAME)
    if unknown:
        parser.error(f"--only: no endpoint {', '.join(sorted(unknown))} (of {', '.join(BY_NAME)})")
    args.only = [n for n in BY_NAME if n == "bare" or n in args.only.split(",")]
    if not os.access(WRK, os.X_OK):
        raise SystemExit(f"{WRK} is missing: apt-get install wrk")
    command = " ".join([".venv/bin/python benchmarks/load.py", *sys.argv[1:]])
    load_before = os.getloadavg()
    results, skipped = [], []
    for engine in args.engines.split(","):
        if engine == "postgres" and not engines_answer():
            print("[postgres] skipped: PostgreSQL or Redis not answering on 127.0.0.1", flush=True)
            skipped.append(engine)
            continue
        results.append(measure_engine(engine, args))
    load_after = os.getloadavg()
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    section = markdown(results, skipped, args, command, (load_before, load_after))
    print(section)
    if not args.no_write:
        write_section("load", section)
    wrong = [r for result in results for r in result["runs"] if r["problems"]]
    for run in wrong:
        print(f"!!! [{run['engine']}] {run['endpoint']} round {run['round']}:", file=sys.stderr)
        for problem in run["problems"]:
            print(f"!!!     {problem}", file=sys.stderr)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
