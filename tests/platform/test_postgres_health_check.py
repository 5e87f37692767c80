"""A persistent PostgreSQL connection is checked at each request without a round trip
(config/postgresql), and one the server closed is still replaced before it is used."""

import time

import psycopg
import pytest
from django.db import connection
from django.db.backends.postgresql import base as django_postgresql

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _next_request():
    """What Django does between two requests: the connection is kept (CONN_MAX_AGE) and
    checked again on its next use."""
    connection.close_if_unusable_or_obsolete()
    assert connection.connection is not None and connection.health_check_enabled


@pytest.fixture
def selects_1(monkeypatch) -> list:
    """Django's own check (``SELECT 1``), counted each time it runs."""
    calls = []
    original = django_postgresql.DatabaseWrapper.is_usable

    def counted(self):
        calls.append(self)
        return original(self)

    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "is_usable", counted)
    return calls


def test_a_healthy_idle_connection_is_reused_without_a_select_1(selects_1):
    pid = _backend_pid()
    for _ in range(3):
        _next_request()
        assert _backend_pid() == pid
    assert selects_1 == []


def test_a_connection_the_server_closed_is_replaced_before_the_request_uses_it(selects_1):
    pid = _backend_pid()
    _next_request()
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.01)  # the server's farewell is on its way
    assert _backend_pid() != pid  # no error reached the request: a new connection answered
    assert selects_1  # the readable socket was asked with Django's check


def test_a_connection_inside_a_transaction_is_checked_the_ordinary_way(selects_1):
    _backend_pid()
    connection.set_autocommit(False)
    try:
        connection.cursor().execute("SELECT 1")
        assert connection.is_usable()
        assert len(selects_1) == 1
    finally:
        connection.rollback()
        connection.set_autocommit(True)
