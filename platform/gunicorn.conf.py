"""gunicorn settings for the web service; every value can be overridden from the environment.

A request gunicorn cannot read (a request line or headers over its limits, a malformed
request) is answered by gunicorn itself, before Django sees it. It answers in the API's
error shape ``{detail, code}`` (README, "API conventions") instead of its HTML page:
414 ``uri_too_long``, 431 ``headers_too_large``, 400 ``invalid``.
"""

import json
import multiprocessing
import os

from gunicorn import util

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"

#: The code of each status gunicorn may answer itself (as config.api_conventions.CODES).
ERROR_CODES = {
    400: "invalid", 403: "permission_denied", 414: "uri_too_long", 417: "expectation_failed",
    431: "headers_too_large", 500: "server_error", 501: "not_implemented",
}  # fmt: skip


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's ``util.write_error``, answering JSON in the API's error shape."""
    detail = f"{reason}: {mesg}" if mesg else f"{reason}."
    body = json.dumps({"detail": detail, "code": ERROR_CODES.get(status_int, "error")})
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, (head + body).encode("latin-1", "replace"))


# The workers call util.write_error by name at each error: this is the one they find.
util.write_error = write_json_error
