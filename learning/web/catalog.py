"""The catalog (``/``) and my paths (``/me/``): a card per path, with its counts."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from learning.selectors.paths import path_summaries, paths_listed
from learning.selectors.reviews import day_end, due_counts

#: Cards on one page; a search narrows the rest.
CATALOG_SIZE = 200
QUERY_LENGTH = 200


def catalog(request):
    q = request.GET.get("q", "").strip()[:QUERY_LENGTH]
    paths = paths_listed(user=request.user, q=q)[:CATALOG_SIZE]
    return render(request, "web/catalog.html", {"paths": path_summaries(paths), "q": q})


@login_required
def me(request):
    paths = list(paths_listed(user=request.user, mine=True))
    now = timezone.now()
    due = due_counts(user=request.user, paths=paths, until=day_end(now), now=now)
    rows = [
        row | {"due_today": due[p.pk]} for p, row in zip(paths, path_summaries(paths), strict=True)
    ]
    return render(request, "web/me.html", {"paths": rows})
