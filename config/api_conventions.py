"""What every API answer keeps to, written once for all endpoints (README, "API conventions").

- :class:`ApiErrorsAsJson`: under ``/api/``, every error answer is the one error shape
  (``config.errors.error_body``), whatever raised it — an unknown URL, a body Django
  refused, a crash — in DEBUG as in production; a missing trailing slash is a 404 that
  says where the endpoint is, never a redirect that drops the body.
- :class:`TokenOrBearerAuthentication`: ``Authorization: Token <key>`` or ``Bearer <key>``;
  any other scheme is a 401, never silently anonymous. A token's user comes from the
  cache, forgotten when the token is deleted or its user saved (``config.apps``).
- :func:`error_responses_hook`: the schema documents the error shape on every operation.
"""

import hashlib
import json
import pickle
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.middleware.common import CommonMiddleware
from django.urls import Resolver404, resolve
from drf_spectacular.drainage import get_override
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema_serializer,
)
from rest_framework import exceptions, serializers
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.pagination import PageNumberPagination

from config.errors import InvalidInput, error_body
from config.local_cache import LocalFor

API_PREFIX = "/api/"

#: The code of an error answer by status, where nothing more precise was said.
CODES = {
    400: "invalid", 401: "not_authenticated", 403: "permission_denied", 404: "not_found",
    405: "method_not_allowed", 406: "not_acceptable", 409: "conflict",
    413: "request_too_large", 415: "unsupported_media_type", 429: "throttled",
    500: "server_error",
}  # fmt: skip


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


class ApiCommonMiddleware(CommonMiddleware):
    """Django's CommonMiddleware, without the trailing-slash redirect under ``/api/``: a
    redirect drops a POST's body (and DEBUG turns it into a 500). The 404 says instead."""

    def should_redirect_with_slash(self, request) -> bool:
        return not is_api(request) and super().should_redirect_with_slash(request)


class ApiErrorsAsJson:
    """Under ``/api/``, an error answer that is not JSON becomes the error shape."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not is_api(request) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        status = response.status_code
        detail = _detail(request, status)
        answer = JsonResponse(error_body(detail, CODES.get(status, "error")), status=status)
        for header in ("Retry-After", "Allow", "WWW-Authenticate"):
            if header in response:
                answer[header] = response[header]
        return answer


def _detail(request: HttpRequest, status: int) -> str:
    if status == 404:
        if not request.path.endswith("/"):
            try:
                resolve(request.path + "/")
            except Resolver404:
                pass
            else:
                return f"No endpoint at {request.path}; API URLs end with a slash: {request.path}/"
        return f"No endpoint at {request.path}."
    if status == 500:
        return "Something went wrong on our side; it has been logged."
    return {
        400: "Bad request.",
        405: f"Method {request.method} not allowed here.",
        413: "The request body is too large.",
    }.get(status, f"HTTP {status}.")


class TokenOrBearerAuthentication(TokenAuthentication):
    """``Token <key>`` as DRF has it, ``Bearer <key>`` as OAuth clients send it; an
    Authorization header with any other scheme is refused (401), not ignored."""

    SCHEMES = (b"token", b"bearer")

    def authenticate(self, request):
        auth = get_authorization_header(request).split()
        if not auth:
            return None
        if auth[0].lower() not in self.SCHEMES:
            raise exceptions.AuthenticationFailed(
                "Unknown authorization scheme: send 'Authorization: Token <key>' "
                "(or 'Bearer <key>')."
            )
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed(
                "Invalid token header: the scheme, one space, then the key."
            )
        try:
            key = auth[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token header.") from exc
        return self.authenticate_credentials(key)

    def authenticate_credentials(self, key):
        """DRF's check, its answer kept in the cache so a signed-in request costs no query;
        deleting the token or saving its user forgets it (``forget_tokens``)."""
        cache_key = token_cache_key(key)
        remembered = tokens_in_process.get(cache_key)
        if remembered is not None:
            # A copy per request, as a cache read gives: a view may change its user.
            token = pickle.loads(remembered)
        else:
            token = cache.get(cache_key)
            if token is None:
                user, token = super().authenticate_credentials(key)
                cache.set(cache_key, token, TOKEN_CACHE_SECONDS)
            tokens_in_process.set(cache_key, pickle.dumps(token))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return token.user, token


#: How long a token's user is trusted from the cache. The signals forget it at once where
#: the cache is shared (Redis); where each process keeps its own (the embedded locmem
#: default), another process may still accept a deleted token for this long.
TOKEN_CACHE_SECONDS = 300
#: Each process also remembers the tokens it saw for ``TOKEN_MEMORY_SECONDS`` (5; 0: not
#: at all) before asking the shared cache again: a signed-in request then costs no round
#: trip, and a token deleted by another process is refused here that much later.
tokens_in_process = LocalFor(settings.TOKEN_MEMORY_SECONDS)


def token_cache_key(key: str) -> str:
    # Hashed: the cache never holds a usable credential.
    return "auth-token:" + hashlib.sha256(key.encode()).hexdigest()


def forget_tokens(sender, instance, **kwargs) -> None:
    """Signal receiver: forget a deleted token, or every token of a saved or deleted user."""
    from rest_framework.authtoken.models import Token

    keys = [instance.key] if isinstance(instance, Token) else user_token_keys(instance)
    cache.delete_many([token_cache_key(key) for key in keys])
    for key in keys:
        tokens_in_process.discard(token_cache_key(key))


def user_token_keys(user) -> list[str]:
    from rest_framework.authtoken.models import Token

    return list(Token.objects.filter(user_id=user.pk).values_list("key", flat=True))


# --- the schema ----------------------------------------------------------------------------

_PAGES: dict[type, type] = {}


class Pages(PageNumberPagination):
    """Every list: ``PAGE_SIZE`` rows a page, ``?page_size=`` up to ``max_page_size``."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        # A list that can read its page and its count in one query is told the page first.
        read_ahead = getattr(queryset, "read_ahead", None)
        number = request.query_params.get(self.page_query_param, "1")
        size = self.get_page_size(request)
        if read_ahead and size and number.isascii() and number.isdigit():
            if 1 <= int(number) <= 2**31:
                start = (int(number) - 1) * size
                read_ahead(slice(start, start + size))
        return super().paginate_queryset(queryset, request, view)


#: The query parameters of every list.
PAGE = OpenApiParameter("page", OpenApiTypes.INT, description="Page number, from 1.")
PAGE_SIZE = OpenApiParameter(
    "page_size", OpenApiTypes.INT, description=f"Rows a page, at most {Pages.max_page_size}."
)


def paginated(item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The schema of a page of ``item`` rows: ``{count, next, previous, results}``, as
    every list answers (one component per item serializer)."""
    if item not in _PAGES:
        name = item.__name__.removesuffix("Serializer").removesuffix("Out")
        page = type(
            f"Paginated{name}List",
            (serializers.Serializer,),
            {
                "count": serializers.IntegerField(min_value=0),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "results": item(many=True),
                "__module__": item.__module__,
            },
        )
        # The item's examples, each as a page of one row.
        examples = [
            OpenApiExample(
                e.name,
                value={"count": 1, "next": None, "previous": None, "results": [e.value]},
                response_only=True,
                status_codes=e.status_codes,
            )
            for e in get_override(item, "examples", [])
        ]
        _PAGES[item] = extend_schema_serializer(examples=examples)(page)
    return _PAGES[item]


ERROR_SCHEMA = {
    "type": "object",
    "required": ["detail", "code"],
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, for a person."},
        "code": {"type": "string", "description": "What went wrong, for a program."},
        "fields": {
            "type": "object",
            "description": "Bad input: each field (dotted path) with its messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}
ERROR_DESCRIPTIONS = {
    "400": "Bad input: `fields` names each bad field (a NUL in the URL is one too).",
    "401": "Missing, unknown or malformed credentials.",
    "403": "You can see this but not change it.",
    "404": "It does not exist, or is not yours to see.",
    "409": "It conflicts with the state it is in.",
    "413": "The body is larger than the API reads.",
    "429": "Too many requests: `Retry-After` says in how many seconds to ask again.",
}


def errors(*statuses: int, **described: str) -> dict:
    """The error answers an operation adds to those every operation documents, for
    ``extend_schema(responses={..., **errors(403)})``; ``described`` overrides a
    description (``_409="Already submitted."``). The hook gives each the error shape."""
    answers = {str(status): ERROR_DESCRIPTIONS[str(status)] for status in statuses}
    answers |= {name.removeprefix("_"): text for name, text in described.items()}
    return {int(status): OpenApiResponse(description=text) for status, text in answers.items()}


def _shape(path: str) -> str:
    """A path with its parameters unnamed: the generator's ``{pk}`` is the schema's ``{id}``."""
    return re.sub(r"{\w+}", "{}", path)


def error_responses_hook(result, generator, request, public):
    """drf-spectacular postprocessing: the error shape as a component, and on each
    operation the errors it can answer, so that the schema promises no status the API
    never gives (``tests/security/test_schema_fuzz.py`` reaches every one):

    - 400 on every operation: bad fields, bad query parameters, a NUL anywhere in the URL;
    - 401 on every operation that reads credentials (a bad token is refused, not ignored);
    - 404 on every operation with a path parameter (an unknown id or slug) or pages (a
      page past the last);
    - 413 on every operation with a body;
    - 429 on every operation whose view has a throttle;
    - 403, 409 and a 404 without a path parameter only where the view declares them
      (:func:`errors`), which the hook gives the error shape.
    """
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    throttled = {
        (_shape(path), method.lower())
        for path, _, method, view in getattr(generator, "endpoints", None) or []
        if getattr(getattr(view, "cls", None), "throttle_classes", None)
    }
    for path, methods in result.get("paths", {}).items():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            statuses = ["400"]
            if any(requirement for requirement in operation.get("security", [])):
                statuses.append("401")
            parameters = {parameter["name"] for parameter in operation.get("parameters", [])}
            if "{" in path or "page" in parameters:
                statuses.append("404")  # an unknown id or slug; a page past the last
            if "requestBody" in operation:
                statuses.append("413")
            if (_shape(path), method) in throttled:
                statuses.append("429")
            for status in statuses:
                operation["responses"].setdefault(
                    status, {"description": ERROR_DESCRIPTIONS[status]}
                )
            for status, answer in operation["responses"].items():
                if status >= "400" and not answer.get("content"):
                    answer["content"] = ref
            if operation.get("security") == [{}]:
                # Open to anyone (register, token): say "no scheme" as generators read it.
                operation["security"] = []
    return result


class TokenOrBearerScheme(OpenApiAuthenticationExtension):
    """:class:`TokenOrBearerAuthentication` in the schema: two schemes, either will do."""

    target_class = TokenOrBearerAuthentication
    name = ["tokenAuth", "bearerAuth"]

    def get_security_requirement(self, auto_schema):
        return [{name: []} for name in self.name]

    def get_security_definition(self, auto_schema):
        return [
            build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token"),
            {"type": "http", "scheme": "bearer", "description": "The same key: Bearer <key>."},
        ]


def parse_flag(value: str | None, name: str) -> bool:
    """A boolean query parameter: ``1/true/yes`` or ``0/false/no`` (any case), else a 400."""
    if value is None or value == "":
        return False
    lowered = value.lower()
    if lowered in ("1", "true", "yes"):
        return True
    if lowered in ("0", "false", "no"):
        return False
    problem = f"Expected true or false, got {json.dumps(value)}."
    raise InvalidInput(f"{name}: {problem}", fields={name: [problem]})
