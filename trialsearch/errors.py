"""The site's error pages (handler400/403/404/500): JSON under /api/, HTML everywhere else.

DRF answers the errors its own views raise with JSON; these cover what happens outside them (an
unknown address, a crash, a refused request), so that the API keeps its promise of JSON.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults

from trialsearch.hygiene import echo

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    # Only our own BadRequest messages are written for people; others (a bad Host header) are not shown.
    message = str(exception) if type(exception) is BadRequest else ""
    if _is_api(request):
        return JsonResponse({"detail": message or "Bad request."}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        detail = f"Not found: {echo(request.path, limit=200)} is not an address of this API."
        return JsonResponse({"detail": detail}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Server error: it has been logged. Please try again later."}, status=500)
    return defaults.server_error(request)
