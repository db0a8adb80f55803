"""Whole anonymous answers (public pages and API reads), cached per registry generation.

The public pages and the API's reads depend only on the published registry and on the request's
address (path and parameters) and representation. Such an answer is cached whole, rendered, under
a key that holds the registry's generation (trials.registry.cache): any change to the registry
makes every old answer unreachable, in every process, so nothing stale is ever served.

Only anonymous requests are answered from the cache: a request that carries a session or a
message cookie (a signed-in specialist or admin, a page with a flash message) is always computed.
Only a 200 answer that sets no cookie and used no CSP nonce is kept. Each answer gets an ETag of
its content; ConditionalGetMiddleware answers a matching If-None-Match with 304, so a returning
browser or client does not even receive the body. `X-Answer-Cache: hit|miss` says which path an
answer took (the load test counts it to report the hit rate).

A missing answer is computed by one process at a time (trials.registry.cache.claim): others that
ask for the same address meanwhile wait for it and are served it from the cache.

Rate limits and API throttles sit outside the cache: a cached answer still counts against them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.template.response import SimpleTemplateResponse
from django.utils.cache import set_response_etag

from trials.registry.cache import answers_cache, claim, generation, release, wait_for

HEADER = "X-Answer-Cache"
_PRIVATE_COOKIES = ("messages",)


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or not settings.ANSWER_CACHE_SECONDS:
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and not any(name in cookies for name in _PRIVATE_COOKIES)


def _cacheable_response(request: HttpRequest, response: HttpResponseBase) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and getattr(request, "_csp_nonce", None) is None
    )


def _key(request: HttpRequest, variant: str) -> str:
    address = request.get_full_path()
    digest = hashlib.sha256(f"{variant}\n{address}".encode()).hexdigest()[:40]
    return f"answers:{generation()}:{digest}"


def cached_answer(
    request: HttpRequest, compute: Callable[[], HttpResponseBase], *, variant: str = ""
) -> HttpResponseBase:
    """The answer to `request`: from the cache when this generation has it, else `compute()`d and kept.

    `variant` names what else, besides the address, the answer depends on (the API's negotiated
    representation, say).
    """
    if not _cacheable_request(request):
        return compute()
    key = _key(request, variant)
    response: HttpResponseBase | None = answers_cache().get(key)
    claimed = False
    if response is None:
        claimed = claim(key)
        if not claimed:
            response = wait_for(key)  # another process is computing it
    if response is not None:
        response[HEADER] = "hit"
        return response
    # Claimed (or waited in vain): compute it, keep it if it may be kept, then release our claim
    # (never another process's, which may still be computing).
    try:
        response = compute()
    except BaseException:
        if claimed:
            release(key)
        raise

    def keep(rendered: HttpResponseBase) -> None:
        try:
            if _cacheable_response(request, rendered):
                if not rendered.has_header("ETag"):
                    set_response_etag(rendered)
                answers_cache().set(key, rendered, settings.ANSWER_CACHE_SECONDS)
        finally:
            if claimed:
                release(key)

    if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
        response.add_post_render_callback(keep)
    else:
        keep(response)
    response[HEADER] = "miss"
    return response


View = Callable[..., Any]


def cache_answers(view: View) -> View:
    """Decorate a public page view: its anonymous answers are cached per registry generation."""

    @wraps(view)
    def cached_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return cached_answer(request, lambda: view(request, *args, **kwargs))

    return cached_view


def cache_read(method: View) -> View:
    """Decorate an API view's `get`: inside DRF's throttles, cached per negotiated representation."""

    @wraps(method)
    def cached_get(self: Any, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        variant = getattr(getattr(request, "accepted_renderer", None), "format", "")
        return cached_answer(request, lambda: method(self, request, *args, **kwargs), variant=variant)

    return cached_get
