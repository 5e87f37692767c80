"""NUL characters are refused at the door, with a 400, wherever they arrive.

PostgreSQL cannot store NUL in text or jsonb, so one that got as far as a query would be a
500 on the real engine while SQLite took it. Rather than guard every field, the JSON
parser and a middleware for the URL and query string refuse it once for all.
"""

from django.http import JsonResponse
from rest_framework.exceptions import ParseError
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


class NulFreeJSONParser(JSONParser):
    """DRF's JSON parser, refusing NUL characters inside strings."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
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
