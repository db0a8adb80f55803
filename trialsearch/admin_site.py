"""The admin site, open only to staff who have given the second factor (django-otp) in this session.

Its own sign-in page hands over to the site's two-step sign-in (`patients.two_factor`): the password
at `LOGIN_URL`, then the code at the `second_factor` page, and back to the admin page asked for.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


class VerifiedAdminSite(admin.AdminSite):
    site_header = "TrialSearch administration"
    site_title = "TrialSearch admin"

    def has_permission(self, request: HttpRequest) -> bool:
        verified = getattr(request.user, "is_verified", None)
        return super().has_permission(request) and verified is not None and bool(verified())

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.method != "GET" or (request.user.is_authenticated and not request.user.is_staff):
            # Signed in without staff rights: Django's page says so ("not authorised").
            return super().login(request, extra_context)
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("admin:index", current_app=self.name)
        step = reverse("second_factor") if request.user.is_authenticated else str(settings.LOGIN_URL)
        return HttpResponseRedirect(f"{step}?{urlencode({'next': next_url})}")


class VerifiedAdminConfig(AdminConfig):
    """`django.contrib.admin` with `VerifiedAdminSite` as `admin.site`."""

    default_site = "trialsearch.admin_site.VerifiedAdminSite"
