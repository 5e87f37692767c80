"""Every worker we start consumes the grading queue, or grades would wait forever."""

from pathlib import Path

from django.conf import settings

from tests.conftest import WORKER_QUEUES

ROOT = Path(__file__).resolve().parents[2]


def test_grading_tasks_are_routed_to_their_own_queue():
    routed = {name: route["queue"] for name, route in settings.CELERY_TASK_ROUTES.items()}
    assert routed == dict.fromkeys(
        ["learning.grade_attempt", "learning.check_answer", "learning.requeue_stale_attempts"],
        settings.GRADING_QUEUE,
    )


def test_every_worker_consumes_the_grading_queue():
    assert "grading" in WORKER_QUEUES.split(",") and "celery" in WORKER_QUEUES.split(",")
    makefile = (ROOT / "Makefile").read_text()
    assert "worker" in makefile and "--queues=celery,grading" in makefile
    entrypoint = (ROOT / "platform" / "entrypoint.sh").read_text()
    assert '--queues="${CELERY_WORKER_QUEUES:-celery,grading}"' in entrypoint


def test_beat_re_enqueues_stale_attempts():
    schedule = settings.CELERY_BEAT_SCHEDULE["requeue-stale-attempts"]
    assert schedule["task"] == "learning.requeue_stale_attempts"
    assert schedule["schedule"] <= settings.GRADING_STALE_SECONDS
