"""Who may use the specialists' workspace: members of the Specialists group, on pages and in the API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from patients.selectors import is_specialist
from patients.two_factor import is_verified, second_factor_url

View = Callable[..., HttpResponseBase]


def specialist_required(view: View) -> View:
    """Anonymous users go to the login page; signed-in non-specialists get a 403 page that says why;
    specialists who have not given the second factor yet go on to give it.

    Nothing here is cached by browsers or proxies: the pages hold patients' facts.
    """

    @wraps(view)
    @never_cache
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_specialist(request.user):
            return render(request, "patients/not_specialist.html", status=403)
        if not is_verified(request.user):
            return HttpResponseRedirect(second_factor_url(request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper


class IsSpecialist(BasePermission):
    """Specialists only; over a session (a browser), only once the second factor is given.

    An API token is a credential of its own, issued by an admin and expiring (trialsearch.tokens).
    """

    message = "Only members of the Specialists group can use patient profiles."

    def has_permission(self, request: Request, view: Any) -> bool:
        if not is_specialist(request.user):
            return False
        if isinstance(request.successful_authenticator, SessionAuthentication) and not is_verified(request.user):
            self.message = "Give the second factor first: sign in at /accounts/login/."
            return False
        return True
