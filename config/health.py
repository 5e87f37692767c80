"""``GET /healthz``: is the database, the broker and a worker reachable? 200 or 503, JSON."""

import time

from django.db import connection
from django.http import JsonResponse

from config.celery_app import app as celery_app
from config.celery_app import ping

WORKER_TIMEOUT_SECONDS = 3.0


def _check(probe) -> dict:
    started = time.perf_counter()
    try:
        probe()
    except Exception as exc:  # noqa: BLE001 - any failure is the answer we report
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _broker() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def _worker() -> None:
    answer = ping.apply_async(expires=WORKER_TIMEOUT_SECONDS * 2).get(
        timeout=WORKER_TIMEOUT_SECONDS, interval=0.01
    )
    if answer != "pong":
        raise RuntimeError(f"unexpected answer {answer!r}")


def healthz(request):
    checks = {"database": _check(_database), "broker": _check(_broker)}
    checks["worker"] = (
        _check(_worker) if checks["broker"]["ok"] else {"ok": False, "error": "broker down"}
    )
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
