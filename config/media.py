"""Media files (generated figures, podcast audio) served with byte ranges.

Django's ``static.serve`` answers every request with the whole file, and a browser cannot
seek in audio served that way: a click on a transcript line would start the episode
over. This view answers ``Range: bytes=…`` with a 206 and the part asked for (one range;
anything else gets the whole file, as HTTP allows).
"""

import re

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils._os import safe_join
from django.views.static import serve

ONE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def _chunks(name: str, first: int, length: int):
    with open(name, "rb") as file:
        file.seek(first)
        while length > 0:
            data = file.read(min(CHUNK, length))
            if not data:
                return
            length -= len(data)
            yield data


def media(request, path: str):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Accept-Ranges"] = "bytes"
    match = ONE_RANGE.match(request.headers.get("Range", "").strip())
    if response.status_code != 200 or match is None or match.groups() == ("", ""):
        return response
    response.close()
    size = int(response["Content-Length"])
    start, end = match.groups()
    if start == "":  # the last `end` bytes
        first, last = max(size - int(end), 0), size - 1
    else:
        first, last = int(start), min(int(end), size - 1) if end else size - 1
    if first > last or first >= size:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    partial = StreamingHttpResponse(
        _chunks(safe_join(settings.MEDIA_ROOT, path), first, last - first + 1),
        status=206,
        content_type=response["Content-Type"],
    )
    partial["Content-Length"] = str(last - first + 1)
    partial["Content-Range"] = f"bytes {first}-{last}/{size}"
    partial["Accept-Ranges"] = "bytes"
    partial["Last-Modified"] = response["Last-Modified"]
    return partial
