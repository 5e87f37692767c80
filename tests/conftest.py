"""Fixtures shared by every suite: API clients, users, a path and its clone, and a real
Celery worker process."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from config.api_conventions import tokens_in_process
from learning.selectors.paths import rows_in_process
from learning.selectors.trees import trees_in_process
from learning.services.bundles import path_import
from learning.services.clone_path import path_clone
from tests.helpers import client_for, small_bundle

ROOT = Path(__file__).resolve().parent.parent
WORKER_START_TIMEOUT = 60


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: no throttle counts left by an earlier test,
    no tree from a path an earlier test had under the same pk."""
    cache.clear()
    trees_in_process.clear()
    rows_in_process.clear()
    tokens_in_process.clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def make_user(django_user_model):
    def make(username: str | None = None, *, staff: bool = False):
        return django_user_model.objects.create_user(
            username=username or f"learner-{uuid.uuid4().hex[:8]}",
            password="correct horse battery staple",
            is_staff=staff,
            is_superuser=staff,
        )

    return make


@pytest.fixture
def learner(make_user):
    return make_user("ada")


@pytest.fixture
def staff(make_user):
    return make_user("grace", staff=True)


@pytest.fixture
def learner_api(learner) -> APIClient:
    return client_for(learner)


@pytest.fixture
def staff_api(staff) -> APIClient:
    return client_for(staff)


@pytest.fixture
def source():
    """A public platform path (no owner), like the ones instructors load."""
    return path_import(data=small_bundle(), visibility="public")


@pytest.fixture
def clone(source, learner):
    """The learner's clone of ``source``."""
    return path_clone(path=source, user=learner)


def _database_url(db: dict) -> str:
    """The URL of the *test* database, for a worker process to share it."""
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db.get("USER") or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    return f"postgres://{auth + '@' if auth else ''}{host}/{db['NAME']}"


#: Every worker we start consumes the default queue, the content and the grading queues.
WORKER_QUEUES = "celery,content,grading"


def start_worker(
    *, log_name: str = "test-worker.log", env: dict | None = None, queues=WORKER_QUEUES, **popen
):
    """Start a real ``celery worker`` process on the test database; wait until it answers."""
    from config.celery_app import ping

    env = os.environ | {"DATABASE_URL": _database_url(settings.DATABASES["default"])} | (env or {})
    log = open(Path(settings.DATA_DIR) / log_name, "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=1",
         f"--queues={queues}", "--without-mingle", "--without-gossip", "--loglevel=INFO",
         f"--hostname=test-{uuid.uuid4().hex[:6]}@%h"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, **popen,
    )  # fmt: skip
    process.log = log
    deadline = time.monotonic() + WORKER_START_TIMEOUT
    while True:
        if process.poll() is not None:
            log.close()
            pytest.fail(f"Celery worker exited: {Path(log.name).read_text()[-2000:]}")
        try:
            ping.apply_async(expires=5).get(timeout=2, interval=0.01)
            return process
        except Exception:  # noqa: BLE001 - not up yet
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"Celery worker did not answer: {Path(log.name).read_text()[-2000:]}")


def stop_worker(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.log.close()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real ``celery worker`` process on the test database and the configured broker."""
    from config.celery_app import app

    with django_db_blocker.unblock():
        app.control.purge()
    process = start_worker()
    yield process
    stop_worker(process)
