"""Every worker we start consumes the grading queue, or grades would wait forever."""

import re
from pathlib import Path

from django.conf import settings

from tests.conftest import WORKER_QUEUES

ROOT = Path(__file__).resolve().parents[2]


def test_grading_tasks_are_routed_to_their_own_queue():
    routed = {name: route["queue"] for name, route in settings.CELERY_TASK_ROUTES.items()}
    for task in ("learning.grade_attempt", "learning.check_answer"):
        assert routed[task] == settings.GRADING_QUEUE
    assert routed["learning.requeue_stale_attempts"] == settings.GRADING_QUEUE


def queues_of(text: str, pattern: str) -> set[str]:
    found = re.search(pattern, text, re.M)
    assert found, pattern
    return set(found.group(1).split(","))


def test_every_worker_consumes_every_routed_queue():
    """The default queue and every queue a task is routed to, in each place we start a
    worker: make run, the container's entrypoint, the tests' worker."""
    wanted = {"celery"} | {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert {"grading", "content"} <= wanted
    makefile = (ROOT / "Makefile").read_text()
    assert "--queues=$(WORKER_QUEUES)" in makefile
    assert queues_of(makefile, r"^WORKER_QUEUES := (\S+)$") == wanted
    entrypoint = (ROOT / "platform" / "entrypoint.sh").read_text()
    assert queues_of(entrypoint, r'--queues="\$\{CELERY_WORKER_QUEUES:-([^}]+)\}"') == wanted
    assert set(WORKER_QUEUES.split(",")) == wanted


def test_beat_re_enqueues_stale_attempts():
    schedule = settings.CELERY_BEAT_SCHEDULE["requeue-stale-attempts"]
    assert schedule["task"] == "learning.requeue_stale_attempts"
    assert schedule["schedule"] <= settings.GRADING_STALE_SECONDS
