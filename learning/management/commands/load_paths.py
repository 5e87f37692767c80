"""``manage.py load_paths [bundle.json …]``: load the repository's learning paths (idempotent)."""

from pathlib import Path as FilePath

from django.core.management.base import BaseCommand, CommandError

from config.errors import InvalidInput
from learning.services.bundles import BUNDLE_DIR, bundled_paths_load


class Command(BaseCommand):
    help = "Load (create or update) the platform's learning paths from JSON bundles."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", default=str(BUNDLE_DIR), help="Folder of *.json bundles (default: %(default)s)"
        )

    def handle(self, *args, **options):
        directory = FilePath(options["dir"])
        if not directory.is_dir():
            raise CommandError(f"No folder {directory}")
        try:
            outcomes = bundled_paths_load(directory)
        except InvalidInput as exc:
            raise CommandError(f"{exc.message} {exc.fields or ''}") from exc
        for path, outcome in outcomes:
            self.stdout.write(f"{outcome:>9}  {path.slug}  (version {path.version})")
        if not outcomes:
            self.stdout.write(f"No bundles in {directory}")
