"""Grading in real worker processes, on the configured broker (filesystem or Redis).

Each test uses its own grading queue (``GRADING_QUEUE``, passed to the workers it starts),
so no other worker of the session takes its tasks. Workers are started and SIGKILLed for
real: with ``acks_late`` Redis delivers a dead worker's task again once the visibility
timeout has passed; the filesystem broker does not, and the periodic re-enqueue
(``requeue_stale_attempts``) picks the attempt up. Either way it is graded exactly once.
"""

import os
import signal
import time
import uuid
from pathlib import Path

import pytest
from celery import current_app
from django.conf import settings as django_settings

from learning.grading import GRADE_TASK, REQUEUE_TASK
from learning.models import Answer, Attempt, Question, Quiz
from learning.services.bundles import path_import
from learning.services.clone_path import path_clone
from tests.conftest import start_worker, stop_worker
from tests.helpers import client_for, small_bundle

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

ON_REDIS = django_settings.CELERY_BROKER_URL.startswith("redis")
VISIBILITY = 4  # seconds: longer than the injected task delay below
GRADED_WITHIN = 40


@pytest.fixture
def queue(settings):
    name = f"grading-test-{uuid.uuid4().hex[:8]}"
    settings.GRADING_QUEUE = name
    yield name
    with current_app.connection_for_write() as connection:
        connection.default_channel.queue_purge(name)


def _worker(queue: str, name: str, **env):
    env = {"GRADING_QUEUE": queue, "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY)} | {
        k: str(v) for k, v in env.items()
    }
    return start_worker(
        log_name=f"{name}.log", env=env, queues=f"celery,{queue}", start_new_session=True
    )


def _kill(process) -> None:
    """SIGKILL the worker and its pool children, as a machine losing power would."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    process.log.close()


@pytest.fixture
def learner_clone(make_user):
    learner = make_user()
    source = path_import(data=small_bundle(slug=f"q-{uuid.uuid4().hex[:6]}"), visibility="public")
    return learner, path_clone(path=source, user=learner)


def _submit(learner, clone) -> int:
    api = client_for(learner)
    quiz = Quiz.objects.get(path=clone)
    pk = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/").json()["id"]
    expression = Question.objects.get(path=clone, kind="expression")
    body = {"answers": [{"question": expression.pk, "expression": "sigmoid.derivative(z)"}]}
    assert api.post(f"/api/v1/attempts/{pk}/submit/", body).status_code == 202
    return pk


def _wait_graded(pk: int, seconds: float = GRADED_WITHIN) -> Attempt:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        attempt = Attempt.objects.get(pk=pk)
        if attempt.status == "graded":
            return attempt
        time.sleep(0.05)
    pytest.fail(f"attempt {pk} not graded within {seconds} s")


def _wait_for_log(process, text: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        process.log.flush()
        if text in Path(process.log.name).read_text():
            return
        time.sleep(0.05)
    pytest.fail(f"{text!r} not in the worker log")


def _graded_once(pk: int) -> None:
    attempt = Attempt.objects.get(pk=pk)
    assert (attempt.status, attempt.score, attempt.max_score, attempt.gradings) == (
        "graded",
        1.0,
        4.0,
        1,
    )
    assert Answer.objects.filter(attempt_id=pk).count() == 4
    assert Answer.objects.filter(attempt_id=pk, correct=True).count() == 1


def test_a_submitted_attempt_is_graded_by_the_worker(learner_clone, queue):
    worker = _worker(queue, "grading-worker")
    try:
        learner, clone = learner_clone
        pk = _submit(learner, clone)
        _wait_graded(pk)
        _graded_once(pk)
        for _ in range(3):  # more deliveries of the same task: counted once
            current_app.send_task(GRADE_TASK, args=[pk], queue=queue)
        time.sleep(1)
        _graded_once(pk)
        result = client_for(learner).get(f"/api/v1/attempts/{pk}/").json()
        assert result["status"] == "graded" and len(result["results"]) == 4
    finally:
        stop_worker(worker)


def test_practice_check_comes_back_from_the_worker(learner_clone, queue, make_user, settings):
    settings.GRADING_CHECK_WAIT = 30  # a loaded machine may take more than the default 3 s
    worker = _worker(queue, "check-worker")
    try:
        learner, clone = learner_clone
        api = client_for(learner)
        question = Question.objects.get(path=clone, kind="expression")
        url = f"/api/v1/questions/{question.pk}/check/"
        right = api.post(url, {"expression": "sigmoid(z)*sigmoid(-z)"})
        assert right.status_code == 200 and right.json()["correct"] is True
        wrong = api.post(url, {"expression": "sigmoid(z)"}).json()
        assert wrong["correct"] is False and "differentiate it once more" in wrong["feedback"]
    finally:
        stop_worker(worker)


def test_a_slow_check_is_polled_by_its_owner_only(learner_clone, queue, settings, make_user):
    settings.GRADING_CHECK_WAIT = 0.001
    learner, clone = learner_clone
    question = Question.objects.get(path=clone, kind="expression")
    waiting = client_for(learner).post(
        f"/api/v1/questions/{question.pk}/check/", {"expression": "sigmoid.derivative(z)"}
    )
    assert waiting.status_code == 202, waiting.json()
    poll = waiting.json()["poll"].removeprefix("http://testserver")
    assert client_for(learner).get(poll).status_code == 202  # no worker yet
    worker = _worker(queue, "poll-worker")
    try:
        deadline = time.monotonic() + GRADED_WITHIN
        while (answer := client_for(learner).get(poll)).status_code == 202:
            assert time.monotonic() < deadline, "no verdict"
            time.sleep(0.05)
        assert answer.status_code == 200 and answer.json()["correct"] is True
        assert client_for(make_user()).get(poll).status_code == 404
    finally:
        stop_worker(worker)


def test_with_no_worker_an_attempt_stays_grading_until_the_requeue(learner_clone, queue):
    learner, clone = learner_clone
    pk = _submit(learner, clone)
    time.sleep(0.5)
    assert Attempt.objects.get(pk=pk).status == "grading"
    with current_app.connection_for_write() as connection:  # the message is lost
        connection.default_channel.queue_purge(queue)
    worker = _worker(queue, "requeue-worker")
    try:
        time.sleep(1)
        assert Attempt.objects.get(pk=pk).status == "grading"
        current_app.send_task(REQUEUE_TASK, kwargs={"older_than": 0}, queue=queue)
        _wait_graded(pk)
        _graded_once(pk)
    finally:
        stop_worker(worker)


def test_a_worker_killed_mid_task_neither_loses_nor_double_counts(learner_clone, queue):
    learner, clone = learner_clone
    slow = _worker(queue, "doomed-worker", GRADING_FAULT_DELAY=3)
    pk = _submit(learner, clone)
    _wait_for_log(slow, f"{GRADE_TASK}[")  # the task was received and is running
    time.sleep(0.5)
    _kill(slow)
    assert Attempt.objects.get(pk=pk).status == "grading"
    time.sleep(VISIBILITY + 0.5)  # Redis gives the task back once this has passed
    worker = _worker(queue, "rescue-worker")
    try:
        if ON_REDIS:
            _wait_graded(pk, seconds=15)  # acks_late: redelivered, no requeue needed
        else:
            time.sleep(1)  # the filesystem broker gave the message to the dead worker
            assert Attempt.objects.get(pk=pk).status == "grading"
        current_app.send_task(REQUEUE_TASK, kwargs={"older_than": 0}, queue=queue)
        _wait_graded(pk)
        time.sleep(1)
        _graded_once(pk)
    finally:
        stop_worker(worker)
