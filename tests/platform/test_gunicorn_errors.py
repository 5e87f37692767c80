"""A request gunicorn refuses before Django (platform/gunicorn.conf.py) is answered in the
API's error shape, not gunicorn's HTML page: a real gunicorn with the deployment's
settings, driven over a socket."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    env = os.environ | {
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "1",
        "STUDYTREE_DATA_DIR": str(settings.DATA_DIR),
    }
    log = open(Path(settings.DATA_DIR) / "gunicorn-errors.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [str(GUNICORN), "config.wsgi", "-c", "platform/gunicorn.conf.py"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
    yield port
    process.terminate()
    process.wait(10)
    log.close()


def _send(port: int, raw: bytes) -> tuple[int, dict, dict]:
    with socket.create_connection(("127.0.0.1", port), 10) as connection:
        connection.sendall(raw)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    return int(status_line.split()[1]), headers, json.loads(body)


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        (b"GET /api/v1/paths/?q=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414,
         "uri_too_long"),
        (b"GET /api/v1/paths/ HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n", 431,
         "headers_too_large"),
        (b"NOT A REQUEST\r\n\r\n", 400, "invalid"),
    ],
)  # fmt: skip
def test_gunicorn_refuses_in_the_error_shape(server, raw, status, code):
    got, headers, body = _send(server, raw)
    assert got == status
    assert headers["Content-Type"] == "application/json"
    assert body["code"] == code and body["detail"]
