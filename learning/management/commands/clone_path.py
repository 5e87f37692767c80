"""``manage.py clone_path SLUG --user NAME``: clone a path, or pull a clone's upstream updates.

The same actions as the API (``learning.services.clone_path``, ``sync_path``), so the rules are the same:
the user must be able to see the path to clone it, and own the clone (or be staff) to
sync it.
"""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from config.errors import ApplicationError
from learning.models import Path
from learning.selectors.clones import path_updates
from learning.services.clone_path import path_clone
from learning.services.sync_path import path_sync


class Command(BaseCommand):
    help = "Clone a path for a user, or list (--updates) or pull (--sync) a clone's updates."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The path to clone, or the clone to sync.")
        parser.add_argument(
            "--user", help="Who clones or syncs (for --updates/--sync: the clone's owner)."
        )
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--updates", action="store_true", help="List upstream updates.")
        action.add_argument("--sync", action="store_true", help="Pull upstream updates.")
        parser.add_argument("--decline", nargs="*", default=[], metavar="ORIGIN_UID")
        parser.add_argument("--take", nargs="*", default=[], metavar="ORIGIN_UID")

    def handle(self, *args, slug, user, updates, sync, decline, take, **options):
        path = Path.objects.select_related("owner").filter(slug=slug).first()
        if path is None:
            raise CommandError(f"No path {slug!r}.")
        who = self._user(user) if user else path.owner
        if who is None:
            raise CommandError("--user is required.")
        try:
            if updates:
                self.stdout.write(json.dumps(path_updates(path=path, user=who), indent=2))
            elif sync:
                result = path_sync(path=path, user=who, decline=decline, take=take)
                self.stdout.write(json.dumps(result, indent=2))
            else:
                clone = path_clone(path=path, user=who)
                self.stdout.write(f"cloned  {path.slug} -> {clone.slug}  (for {who.username})")
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def _user(self, username: str):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        return user
