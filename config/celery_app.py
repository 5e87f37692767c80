"""The Celery application: configured from Django settings (``CELERY_*``), tasks autodiscovered."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("studytree")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="config.ping")
def ping() -> str:
    """Answer ``pong``: proves a worker is consuming the queue (used by ``/healthz``)."""
    return "pong"


@signals.task_prerun.connect
@signals.task_postrun.connect
def _database_connections_as_django_requests_do(**kwargs) -> None:
    """Close connections that are broken or older than ``CONN_MAX_AGE``, as Django does
    around a request; the rest are reused (see ``CELERY_DB_REUSE_MAX``)."""
    from django.db import close_old_connections

    close_old_connections()
