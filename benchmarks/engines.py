"""Run a benchmark's measurements once per engine, each in its own process on a scratch
database: a SQLite file (the embedded default's settings) or a PostgreSQL database that is
created before and dropped after. Shared by the benchmarks that touch the database."""

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
