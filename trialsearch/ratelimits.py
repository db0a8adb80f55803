"""Rate limits for the public pages that cost the most: search results, "Could I join?" and the feed.

Counted by django-ratelimit per client address (trialsearch.clients) in the default cache: shared
by every worker when CACHE_URL is set. The rates are PAGE_RATE_LIMITS, read at each request.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage  # type: ignore[import-untyped]

from trialsearch.clients import client_ip

View = Callable[..., HttpResponse]


def _client(group: str, request: HttpRequest) -> str:
    return client_ip(request)


def page_rate_limit(name: str) -> Callable[[View], View]:
    """Limit a view to PAGE_RATE_LIMITS[name] requests per client; over it, a 429 page."""

    def rate(group: str, request: HttpRequest) -> str:
        return str(settings.PAGE_RATE_LIMITS[name])

    def decorator(view: View) -> View:
        @wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            usage = get_usage(request, group=f"page:{name}", key=_client, rate=rate, increment=True)
            if usage is not None and usage["should_limit"]:
                return too_many_requests(request, retry_after=max(1, int(usage["time_left"])))
            return view(request, *args, **kwargs)

        return limited

    return decorator


def too_many_requests(request: HttpRequest, *, retry_after: int) -> HttpResponse:
    """The 429 page, saying when to try again."""
    response = render(request, "429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
