"""What a locked-out sign-in sees (django-axes calls `locked_out` instead of its own response)."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_username, get_cool_off  # type: ignore[import-untyped]
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """The lockout page, saying plainly for how long; 429 Too Many Requests."""
    cool_off = get_cool_off(request)
    minutes = round(cool_off.total_seconds() / 60) if cool_off else 0
    context = {"username": get_client_username(request, credentials) or "", "minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)
