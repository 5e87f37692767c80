"""``GET /bare/`` answering ``{}`` (the SPEC §8 peer), two floors, then every URL of the
product.

The floors are not product endpoints: they show what the least request of each sort
costs on the same server, so an endpoint's ratio to the bare view can be read against
what is possible at all. ``GET /floor/read/`` makes one query (one row by primary key);
``POST /floor/write/`` one transaction of one INSERT (into ``bench_floor``, made by
``load.py`` when it prepares the data)."""

from django.db import connection, transaction
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

import config.urls

FLOOR_TABLE = "bench_floor"


def bare(request):
    """A Django view with nothing to do: the ceiling of the server, project and middleware."""
    return JsonResponse({})


def floor_read(request):
    """One query: the first path's slug by its primary key."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, slug FROM learning_path WHERE id = %s", [1])
        row = cursor.fetchone()
    return JsonResponse({"id": row[0], "slug": row[1]} if row else {})


@csrf_exempt
def floor_write(request):
    """One transaction of one INSERT."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FLOOR_TABLE} (note) VALUES (%s)", ["floor"])
    return JsonResponse({}, status=201)


urlpatterns = [
    path("bare/", bare, name="bare"),
    path("floor/read/", floor_read, name="floor-read"),
    path("floor/write/", floor_write, name="floor-write"),
    *config.urls.urlpatterns,
]
