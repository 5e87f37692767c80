"""The one place that maps errors to HTTP statuses: DRF's exception handler for the API.

Application errors (``config.errors``), Django's and DRF's own all answer in the one error
shape (``error_body``).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from config.errors import (
    ApplicationError,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    error_body,
    error_fields,
)

#: The status each application error means; a subclass takes its nearest base's.
STATUS_OF: dict[type[ApplicationError], int] = {
    InvalidInput: status.HTTP_400_BAD_REQUEST,
    NotFound: status.HTTP_404_NOT_FOUND,
    Forbidden: status.HTTP_403_FORBIDDEN,
    Conflict: status.HTTP_409_CONFLICT,
    ApplicationError: status.HTTP_400_BAD_REQUEST,
}


def status_of(exc: ApplicationError) -> int:
    return next(STATUS_OF[cls] for cls in type(exc).__mro__ if cls in STATUS_OF)


def api_exception_handler(exc, context):
    """DRF exception handler: application errors, Django errors and DRF errors, one shape."""
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.message, exc.code, exc.fields), status=status_of(exc))
    if isinstance(exc, DjangoValidationError):
        fields = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(fields)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = error_fields(exc.detail)
        first = next(iter(fields.items()), ("", ["Invalid input."]))
        detail = f"{first[0]}: {first[1][0]}" if first[0] != "non_field_errors" else first[1][0]
        response.data = error_body(detail, "invalid", fields)
    else:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        response.data = error_body(
            str(detail), getattr(exc.detail, "code", None) or exc.default_code
        )
    return response
