"""``manage.py generate_content <slug>…``: figures, verification and podcast audio.

Runs the job here with a progress bar, or with ``--enqueue`` hands it to a worker on the
``content`` queue and returns at once (``make run`` does that on first start).
``--all`` takes every path; ``--missing`` skips paths that already have a succeeded job.
The same :class:`~content.services.GeneratePath` as the API and the admin action.
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from content.models import GenerationJob, JobState
from content.services import GeneratePath, job_run
from learning.models import Path

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Generate paths' figures, verification and podcast audio."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Paths to generate.")
        parser.add_argument("--all", action="store_true", help="Every path.")
        parser.add_argument("--enqueue", action="store_true", help="Leave it to a worker.")
        parser.add_argument(
            "--missing", action="store_true", help="Skip paths with a succeeded job."
        )

    def handle(self, *args, slugs, all, enqueue, missing, **options):  # noqa: A002
        if not slugs and not all:
            raise CommandError("Name a path's slug, or --all.")
        paths = Path.objects.order_by("slug")
        if not all:
            paths = paths.filter(slug__in=slugs)
            unknown = set(slugs) - set(paths.values_list("slug", flat=True))
            if unknown:
                raise CommandError(f"No path {', '.join(sorted(unknown))}.")
        if missing:
            done = GenerationJob.objects.filter(state=JobState.SUCCEEDED).values("path")
            paths = paths.exclude(pk__in=done)
        failed = False
        for path in paths:
            job = GeneratePath(path, None).execute(skip_permission_checks=True, enqueue=enqueue)
            if enqueue:
                self.stdout.write(f"{path.slug}: job {job.pk} {job.state} on the content queue")
                continue
            job = job_run(job_id=job.pk, on_progress=self._bar(path.slug)) or job
            sys.stderr.write("\n")
            self.stdout.write(f"{path.slug}: job {job.pk} {job.state}")
            for name, step in job.steps.items():
                self.stdout.write(f"  {name}: {step['state']} {step.get('error', '')}".rstrip())
            failed |= job.state != JobState.SUCCEEDED
        if failed:
            raise CommandError("Some steps failed (see above).")

    def _bar(self, slug: str):
        def show(job) -> None:
            filled = BAR_WIDTH * job.progress // 100
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            sys.stderr.write(f"\r{slug} [{bar}] {job.progress:3d}% {job.step:<14}")
            sys.stderr.flush()

        return show
