"""benchmarks/load.py measures every hot endpoint, and says so loudly when one answers wrongly.

Short runs on the embedded default (gunicorn and wrk for real, one second per endpoint):
the figures mean nothing here, only that each endpoint was driven and answered as it
should, and that a run with wrong answers fails instead of looking fast.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOAD = ROOT / "benchmarks" / "load.py"
ENDPOINTS = {"bare", "preview", "tree", "tree-plain", "list", "item", "due", "review", "submit"}
FLOORS = {"floor-read", "floor-write"}

pytestmark = pytest.mark.skipif(not os.access("/usr/bin/wrk", os.X_OK), reason="no /usr/bin/wrk")


def load(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, list[dict]]:
    out = tmp_path / "runs.json"
    command = [sys.executable, str(LOAD), "--engines", "sqlite", "--duration", "1"]
    command += ["--rounds", "1", "--no-write", "--scratch", str(tmp_path), "--json", str(out)]
    done = subprocess.run([*command, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    return done, json.loads(out.read_text()) if out.exists() else []


def test_every_endpoint_is_measured_and_answers_as_it_should(tmp_path):
    done, results = load(tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [sqlite] = results
    runs = {run["endpoint"]: run for run in sqlite["runs"]}
    assert set(runs) == ENDPOINTS | FLOORS
    expected = {"review": "201", "submit": "202", "floor-write": "201"}
    for name, run in runs.items():
        assert run["rps"] > 0 and run["requests"] > 0, name
        assert run["statuses"] == {expected.get(name, "200"): run["requests"]}, name
        assert run["wrk_non_2xx"] == 0 and not run["problems"], (name, run["problems"])
    assert "## load" in done.stdout and "| tree: " in done.stdout
    # a floor has its ratio but no verdict: it is not an endpoint of SPEC §8
    [floor] = [line for line in done.stdout.splitlines() if line.startswith("| floor-write: ")]
    assert floor.split(" | ")[6] == "" and "✗" not in floor and "✓" not in floor


def test_a_run_with_wrong_answers_fails_loudly(tmp_path):
    # Five attempts for a second of submissions: the rest go to an attempt of nobody's.
    done, results = load(tmp_path, "--only", "submit", "--attempts", "5")
    assert done.returncode == 1
    [submit] = [run for run in results[0]["runs"] if run["endpoint"] == "submit"]
    assert submit["statuses"].get("404", 0) > 0 and submit["exhausted"] > 0
    assert any("ran out of attempts" in problem for problem in submit["problems"])
    assert "!!! [sqlite] submit" in done.stderr and "WRONG ANSWERS" in done.stdout
