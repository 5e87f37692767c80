"""Hostile input is refused at the door, in the one error shape, wherever it arrives.

- NUL characters: PostgreSQL cannot store NUL in text or jsonb, so one that got as far as
  a query would be a 500 on the real engine while SQLite took it. The JSON parser and a
  middleware for the URL and query string refuse it once for all (400).
- Bodies larger than ``API_MAX_BODY_BYTES``: 413 before the JSON is parsed (Django's own
  ``DATA_UPLOAD_MAX_MEMORY_SIZE`` guards forms, not the streams DRF parses).
- JSON nested too deep for the parser: 400, not a ``RecursionError``.
"""

from django.conf import settings
from django.http import JsonResponse
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

from config.errors import error_body

NUL = "\x00"


def contains_nul(value) -> bool:
    """Whether a parsed JSON value holds a NUL in any string or key."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "request_too_large"


class _Capped:
    """A stream that refuses to give more than ``limit`` bytes."""

    def __init__(self, stream, limit: int):
        self.stream, self.left = stream, limit

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(self.left + 1 if size is None or size < 0 else size)
        self.left -= len(data)
        if self.left < 0:
            raise RequestTooLarge(
                f"The request body is larger than {settings.API_MAX_BODY_BYTES} bytes."
            )
        return data


class NulFreeJSONParser(JSONParser):
    """DRF's JSON parser with a size cap, a depth guard, and no NUL inside strings."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise RequestTooLarge(f"The request body is larger than {limit} bytes.")
        try:
            data = super().parse(_Capped(stream, limit), media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - nested too deeply.") from exc
        if contains_nul(data):
            raise ParseError("JSON strings must not contain NUL (\\u0000) characters.")
        return data


class RejectNulMiddleware:
    """A 400 for a NUL in the path or the query string, before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.GET
        if NUL in request.path or any(NUL in key or NUL in value for key, value in query.items()):
            return JsonResponse(
                error_body("The URL must not contain NUL (%00) characters.", "parse_error"),
                status=400,
            )
        return self.get_response(request)
