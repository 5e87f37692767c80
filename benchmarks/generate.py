"""Time the content pipeline: each figure, and a whole generation job, cold and cached.

    .venv/bin/python benchmarks/generate.py            # writes the "## generate" section
    .venv/bin/python benchmarks/generate.py --no-write

Runs in this process on a scratch embedded setup (SQLite and media under
``var/bench-generate/``, wiped first), with the bundled activation-functions path:

- after one untimed warm-up draw (imports, font cache), **figure, cold**: ``figure_draw`` of each catalog function the path covers, nothing
  stored yet (draw PNG and SVG, store both, one row); **cached**: the same again (a
  lookup by key). The peer, side by side: matplotlib alone, ``plot_activation`` and
  ``render`` to PNG and SVG, nothing stored.
- **job, cold**: ``job_run`` of a fresh job (figures, verification, podcast audio) with
  empty media; **cached**: a second job, which reuses every figure and the audio. Steps
  are timed from the job's own records (``started``/``finished`` per step, below).

The job runs inline (``job_run``), so the times are the pipeline's, not the broker's.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path as FilePath

from results_file import write_section

ROOT = FilePath(__file__).resolve().parent.parent
SCRATCH = ROOT / "var" / "bench-generate"
SLUG = "activation-functions"


def setup():
    shutil.rmtree(SCRATCH, ignore_errors=True)
    os.environ["STUDYTREE_DATA_DIR"] = str(SCRATCH)
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "MEDIA_ROOT"):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_paths", verbosity=0)


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def matplotlib_alone(kernel: str) -> None:
    """The peer: draw once, render PNG and SVG, store nothing."""
    from kernels import plotting

    drawing = plotting.plot_activation(kernel)
    for fmt in ("png", "svg"):
        plotting.render(drawing, fmt)


def measure() -> dict:
    from content.figure_specs import figure_specs
    from content.models import Figure
    from content.services import GeneratePath, job_run
    from content.steps.figures import figure_draw
    from learning.models import Path
    from learning.selectors.bundles import path_export

    path = Path.objects.get(slug=SLUG)
    specs = figure_specs(path_export(path))
    rows = []
    figure_draw(specs[0])  # warm-up (imports, fonts), then forget it
    Figure.objects.all().delete()
    for spec in specs:
        cold = timed(lambda s=spec: figure_draw(s))
        cached = timed(lambda s=spec: figure_draw(s))
        peer = timed(lambda s=spec: matplotlib_alone(s.kernel))
        rows.append({"kernel": spec.kernel, "peer": peer, "cold": cold, "cached": cached})

    for figure in Figure.objects.all():  # the job's cold run draws them again
        figure.png.delete(save=False)
        figure.svg.delete(save=False)
    Figure.objects.all().delete()
    shutil.rmtree(SCRATCH / "media" / "podcasts", ignore_errors=True)
    jobs = {}
    for label in ("cold", "cached"):
        job = GeneratePath(path, None).execute(skip_permission_checks=True, enqueue=False)
        stamps = {}
        last = [time.perf_counter()]

        def note(job, stamps=stamps, last=last):
            now = time.perf_counter()
            stamps[job.step] = stamps.get(job.step, 0.0) + (now - last[0]) * 1000
            last[0] = now

        total = timed(lambda job=job, note=note: job_run(job_id=job.pk, on_progress=note))
        job.refresh_from_db()
        jobs[label] = {"total": total, "steps": stamps, "state": job.state, "error": job.error}
    return {"figures": rows, "jobs": jobs}


def table(result: dict) -> str:
    import matplotlib
    import numpy

    figures = result["figures"]
    median = {k: statistics.median(r[k] for r in figures) for k in ("peer", "cold", "cached")}
    lines = [
        "## generate",
        "",
        "Command: `python benchmarks/generate.py`  ",
        f"Date: {datetime.date.today()}; machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, numpy {numpy.__version__}, "
        f"matplotlib {matplotlib.__version__}; embedded default (SQLite, media on disk).",
        "",
        f"Figures of the `{SLUG}` path ({len(figures)} functions, each with its derivative, "
        f"PNG and SVG). Median per figure: cold **{median['cold']:.0f} ms** (draw, store, "
        f"row), cached **{median['cached']:.1f} ms** (lookup by key); peer, matplotlib "
        f"alone (draw and render both formats, nothing stored): {median['peer']:.0f} ms.",
        "",
        "| function | cold ms | cached ms | peer: matplotlib alone ms |",
        "|---|---:|---:|---:|",
        *[
            f"| {r['kernel']} | {r['cold']:.0f} | {r['cached']:.1f} | {r['peer']:.0f} |"
            for r in figures
        ],  # fmt: skip
        "",
        "Whole job, run inline (`job_run`), per step from its progress reports (the machine is shared, so single runs are noisy):",
        "",
        "| job | total s | figures s | verification s | podcast s | state |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for label, job in result["jobs"].items():
        steps = job["steps"]
        cells = " | ".join(
            f"{steps.get(n, 0) / 1000:.2f}" for n in ("figures", "verification", "podcast")
        )
        lines.append(f"| {label} | {job['total'] / 1000:.2f} | {cells} | {job['state']} |")
    failed = [f"{label}: {job['error']}" for label, job in result["jobs"].items() if job["error"]]
    if failed:
        lines += ["", "Errors: " + "; ".join(failed)]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only")
    options = parser.parse_args()
    setup()
    section = table(measure())
    print(section)
    if not options.no_write:
        write_section("generate", section)


if __name__ == "__main__":
    main()
