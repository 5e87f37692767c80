"""The application errors services raise, and the one shape every error answer takes.

Services raise :class:`ApplicationError` subclasses and know nothing of HTTP: which status
each one means is decided in one place, ``config.error_handler``. Every error answer reads
``{"detail": str, "code": str, "fields": {name: [messages]}}`` (``fields`` only for bad
input), so the mobile app and the web pages parse one shape. This module imports nothing
of Django or DRF, so any layer may raise these.
"""


class ApplicationError(Exception):
    """Base of every error a service raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidInput(ApplicationError):
    code = "invalid"


class NotFound(ApplicationError):
    code = "not_found"


class Forbidden(ApplicationError):
    code = "permission_denied"


class Conflict(ApplicationError):
    code = "conflict"


def error_fields(detail) -> dict[str, list[str]]:
    """Flatten nested error detail (DRF's shape) into ``{"a.b.0.c": [messages]}``."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), sub)
        elif isinstance(value, list) and value and not all(isinstance(v, str) for v in value):
            for index, sub in enumerate(value):
                if sub:
                    walk(f"{prefix}.{index}" if prefix else str(index), sub)
        else:
            messages = value if isinstance(value, list) else [value]
            flat.setdefault(prefix or "non_field_errors", []).extend(str(m) for m in messages)

    walk("", detail)
    return flat


def error_body(detail: str, code: str, fields: dict[str, list[str]] | None = None) -> dict:
    body = {"detail": detail, "code": code}
    if fields:
        body["fields"] = fields
    return body
