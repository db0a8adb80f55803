"""Template context for the site's navigation."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from patients.selectors import is_specialist


def specialist(request: HttpRequest) -> dict[str, object]:
    """`is_specialist`, worked out (one query) only for a signed-in user and only when a template asks."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_specialist": False}
    return {"is_specialist": SimpleLazyObject(lambda: is_specialist(user))}
