"""Who may use the specialists' workspace: members of the Specialists group, on pages and in the API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from patients.selectors import is_specialist

View = Callable[..., HttpResponseBase]


def specialist_required(view: View) -> View:
    """Anonymous users go to the login page; signed-in non-specialists get a 403 page that says why.

    Nothing here is cached by browsers or proxies: the pages hold patients' facts.
    """

    @wraps(view)
    @never_cache
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_specialist(request.user):
            return render(request, "patients/not_specialist.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


class IsSpecialist(BasePermission):
    message = "Only members of the Specialists group can use patient profiles."

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_specialist(request.user)
