"""One JSON error shape for the whole API: {"field": ["message", ...]} with the right status."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler (which adds `Retry-After` to 429s), plus Django ValidationErrors as 400s."""
    if isinstance(exc, DjangoValidationError):
        detail: Any = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    return exception_handler(exc, context)


def form_errors(form: Any) -> dict[str, list[str]]:
    """Return a Django form's errors in the API's shape."""
    return {field: [str(message) for message in messages] for field, messages in form.errors.items()}
