"""Application errors on the pages: what ``config.error_handler`` is to the API.

A view wrapped in :func:`pages` lets services and selectors raise ``config.errors``
classes: a path you may not see is Django's 404 page, one you may not change its 403, and
any other error (bad input, a sync whose upstream is gone) a page that says what went
wrong with the status the API would give.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from config.error_handler import status_of
from config.errors import ApplicationError, Forbidden, NotFound


def pages(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except Forbidden as exc:
            raise PermissionDenied(exc.message) from exc
        except ApplicationError as exc:
            return render(
                request, "web/error.html", {"message": exc.message}, status=status_of(exc)
            )

    return wrapped
