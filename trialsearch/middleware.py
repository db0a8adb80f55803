"""Response headers for privacy: patients' pages are never stored; unused browser features are off."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers

# Pages and endpoints that carry a patient's facts: the questionnaire's answers (in its address),
# specialists' profiles and the eligibility API. No browser, proxy or shared cache may keep them.
PATIENT_PATHS = ("/check/", "/specialist/", "/api/v1/patients/", "/api/v1/eligibility/", "/accounts/")


class PrivacyHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.path_info.startswith(PATIENT_PATHS):
            add_never_cache_headers(response)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
