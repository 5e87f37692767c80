"""Django's PostgreSQL backend with a health check that costs no round trip.

Django checks a persistent connection at the start of each request that uses it
(``CONN_HEALTH_CHECKS``) with a ``SELECT 1``: one more round trip on every request, which
on the hot reads (SPEC §8) costs as much as the request's own query. A connection that
the server closed (a restart, ``pg_terminate_backend``, an idle timeout) has something to
read while it sits idle between requests: the server's farewell or the end of the
stream. So an idle connection with nothing to read is taken as healthy without asking;
one with something to read, or not idle, gets Django's ``SELECT 1`` (which reads a
``NOTIFY`` or a parameter change and passes).
"""

import select

import psycopg
from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if connection.info.transaction_status == TransactionStatus.IDLE and _quiet(connection):
            return True
        return super().is_usable()


def _quiet(connection: psycopg.Connection) -> bool:
    """Whether nothing waits to be read on ``connection``'s socket (without waiting)."""
    try:
        poll = select.poll()
        poll.register(connection.pgconn.socket, select.POLLIN | select.POLLPRI)
        return not poll.poll(0)
    except (OSError, psycopg.Error):
        return False
