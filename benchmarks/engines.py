"""Run a benchmark's measurements once per engine, each in its own process on a scratch
database: a SQLite file (the embedded default's settings) or a PostgreSQL database that is
created before and dropped after. Shared by the benchmarks that touch the database."""

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_in_child(
    script: str, engine: str, *, scratch: Path, database: str, postgres: str, args: list[str]
) -> list[dict]:
    """Run ``script --child *args`` on ``engine`` ("sqlite" or "postgres"); answers the
    JSON list it prints."""
    env = os.environ | {"STUDYTREE_DATA_DIR": str(scratch / engine)}
    if engine == "sqlite":
        shutil.rmtree(scratch / engine, ignore_errors=True)
        env["DATABASE_URL"] = f"sqlite:///{scratch / engine / 'bench.sqlite3'}"
    else:
        postgres_database(postgres, database, create=True)
        env["DATABASE_URL"] = f"{postgres.rsplit('/', 1)[0]}/{database}"
    env.pop("CELERY_BROKER_URL", None)
    try:
        out = subprocess.run(
            [sys.executable, script, "--child", *args],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
    finally:
        if engine == "postgres":
            postgres_database(postgres, database, create=False)
    return json.loads(out)


def postgres_database(url: str, name: str, *, create: bool) -> None:
    """Drop the database ``name`` on the server at ``url``, and create it afresh."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if create:
            conn.execute(f"CREATE DATABASE {name}")


def benchmark_main(
    script: str,
    *,
    name: str,
    measure,
    markdown,
    sizes: str,
    runs: int,
    scratch: Path,
    database: str,
    doc: str,
) -> int:
    """The command line of a benchmark measured on each engine: ``--engines``, ``--sizes``,
    ``--runs``, ``--postgres``, ``--no-write``. Each engine runs ``measure(sizes, runs)`` in
    a child process (``--child``); ``markdown(rows, command, runs)`` makes the section that
    replaces ``## name`` in RESULTS.md."""
    from results_file import write_section

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--sizes", default=sizes)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure([int(s) for s in args.sizes.split(",")], args.runs)))
        return 0
    rows = [
        row
        for engine in args.engines.split(",")
        for row in run_in_child(
            script,
            engine,
            scratch=scratch,
            database=database,
            postgres=args.postgres,
            args=["--sizes", args.sizes, "--runs", str(args.runs)],
        )
    ]
    command = " ".join([f".venv/bin/python benchmarks/{Path(script).name}", *sys.argv[1:]])
    section = markdown(rows, command, args.runs)
    print(section)
    if not args.no_write:
        write_section(name, section)
    return 0
