"""Making a path your own on the pages: clone it, see upstream's updates, pull them.

The views call the clone and sync services like the API does. A sync always pulls every
update the learner does not decline, so the updates page is one form: per item take or
decline (per conflict take, keep mine, or decide later), and a separate "pull all".
"""

import json

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from learning.selectors.clones import path_updates
from learning.selectors.paths import path_get_for_read, path_get_for_write
from learning.services.clone_path import path_clone
from learning.services.sync_path import path_sync
from learning.web.errors import pages

#: The sections of the updates page, in order: (listing key, heading).
LISTS = (
    ("added", "New upstream"),
    ("changed", "Changed upstream"),
    ("removed", "Removed upstream"),
)
#: The radio buttons' name for one item: ``item-<origin_uid>``.
CHOICE_PREFIX = "item-"


@require_POST
@pages
def clone(request, slug: str):
    source = path_get_for_read(slug=slug, user=request.user)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("web:path", args=[source.slug]))
    copy = path_clone(path=source, user=request.user)
    messages.success(request, f"This is your own copy of “{source.title}”: read, edit, review.")
    return redirect("web:path", slug=copy.slug)


def shown(value) -> str:
    """A content field as text: strings as they are, anything else as indented JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


def side_by_side(conflict: dict) -> list[dict]:
    """One row per content field: ``{field, upstream, yours, differs}``."""
    theirs, mine = conflict["upstream"] or {}, conflict["yours"] or {}
    rows = []
    for field in dict.fromkeys([*theirs, *mine]):
        upstream, yours = shown(theirs.get(field)), shown(mine.get(field))
        rows.append(
            {
                "field": field.replace("_", " "),
                "upstream": upstream,
                "yours": yours,
                "differs": upstream != yours,
            }
        )
    return rows


@pages
def updates(request, slug: str):
    path = path_get_for_write(slug=slug, user=request.user)
    listing = path_updates(path=path, user=request.user)
    groups = [
        {"key": key, "heading": heading, "items": listing[key]}
        for key, heading in LISTS
        if listing[key]
    ]
    conflicts = [c | {"rows": side_by_side(c)} for c in listing["conflicts"]]
    return render(
        request,
        "web/paths/updates.html",
        {
            "path": path,
            "listing": listing,
            "groups": groups,
            "conflicts": conflicts,
            "pending": bool(groups or conflicts),
        },
    )


def choices_posted(post) -> tuple[list[str], list[str]]:
    """``(take, decline)``: the origin_uids of the items the learner chose for."""
    take, decline = [], []
    for name, value in post.items():
        if not name.startswith(CHOICE_PREFIX):
            continue
        uid = name.removeprefix(CHOICE_PREFIX)
        if value == "take":
            take.append(uid)
        elif value == "decline":
            decline.append(uid)
    return take, decline


@require_POST
@pages
def sync(request, slug: str):
    path = path_get_for_write(slug=slug, user=request.user)
    take, decline = ([], []) if "pull_all" in request.POST else choices_posted(request.POST)
    result = path_sync(path=path, user=request.user, take=take, decline=decline)
    applied = result["applied"]
    messages.success(
        request,
        f"Pulled: {len(applied['added'])} new, {len(applied['changed'])} changed, "
        f"{len(applied['removed'])} removed; {len(result['declined'])} declined, "
        f"{len(result['conflicts'])} conflicts left.",
    )
    return redirect("web:updates", slug=path.slug)
