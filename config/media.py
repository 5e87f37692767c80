"""Media files served so that players seek and downloads resume.

Django's ``static.serve`` sends whole files only. This view answers with
``Content-Length``, an ``ETag`` (size and modification time), ``Accept-Ranges: bytes``,
a ``206 Partial Content`` for one byte range (``bytes=a-b``, ``bytes=a-``, ``bytes=-n``),
``416`` for a range outside the file, and ``304`` for a matching ``If-None-Match``. A
range request with a stale ``If-Range`` gets the whole file. Several ranges in one request
are answered with the whole file (allowed by RFC 9110). Paths cannot leave MEDIA_ROOT.
"""

import mimetypes
import os
import re

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseNotModified,
    StreamingHttpResponse,
)
from django.utils._os import safe_join
from django.utils.http import parse_etags
from django.views.decorators.http import require_safe

mimetypes.add_type("text/vtt", ".vtt")
mimetypes.add_type("audio/mpeg", ".mp3")

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def _byte_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """``(first, last)`` for one satisfiable range, ``None`` to send the whole file
    (no range, or one we do not read), ``False`` when unsatisfiable."""
    match = _RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last n bytes
        length = int(last)
        return (max(size - length, 0), size - 1) if length and size else False
    first = int(first)
    last = min(int(last), size - 1) if last else size - 1
    if first >= size or first > last:
        return False
    return first, last


def _iter_range(handle, first: int, length: int):
    with handle:
        handle.seek(first)
        while length > 0:
            data = handle.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data


@require_safe
def media_serve(request, path: str):
    try:
        full = safe_join(settings.MEDIA_ROOT, path)
    except SuspiciousFileOperation:
        raise Http404("No such file.") from None
    if not os.path.isfile(full):
        raise Http404("No such file.")
    stat = os.stat(full)
    size = stat.st_size
    etag = f'"{size:x}-{stat.st_mtime_ns:x}"'
    content_type = mimetypes.guess_type(full)[0] or "application/octet-stream"
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    wanted = _byte_range(request.headers.get("Range", ""), size)
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range.strip() != etag:
        wanted = None  # the client holds another version: send it all
    if wanted is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif wanted is None:
        response = FileResponse(open(full, "rb"), content_type=content_type)  # noqa: SIM115
        response["Content-Length"] = str(size)
    else:
        first, last = wanted
        length = last - first + 1
        body = _iter_range(open(full, "rb"), first, length)  # noqa: SIM115
        response = StreamingHttpResponse(body, status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(length)
    response["ETag"] = etag
    response["Accept-Ranges"] = "bytes"
    return response
