"""``/healthz`` against a real worker process and the configured broker and database."""

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_healthz_reports_everything_up(client, celery_worker_process):
    answer = client.get("/healthz")
    body = answer.json()
    assert answer.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "worker"}
    assert all(check["ok"] for check in body["checks"].values())


def test_healthz_is_503_when_no_worker_answers(client, celery_worker_process, monkeypatch):
    from config import health

    monkeypatch.setattr(health.ping, "name", "config.no_such_task_so_nobody_answers")
    monkeypatch.setattr(health, "WORKER_TIMEOUT_SECONDS", 0.3)
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["worker"]["ok"] is False
