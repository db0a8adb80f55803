"""The second factor (TOTP, django-otp) for everyone who can see patients' data: staff and specialists.

Signing in is two steps. The password (`SignInView`, django-axes counts the failures), then a
six-digit code from an authenticator app (`second_factor`): the first time, the page enrols the
app with a QR code (inline SVG, so the strict Content-Security-Policy holds) and the first code
confirms it. Until the code is given the session is signed in but not verified: the admin site
(`trialsearch.admin_site`), the specialists' pages (`patients.access`) and the patients API over a
session all refuse it. `manage.py reset_second_factor USERNAME` removes a lost device.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

import segno
from django import forms
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from patients.selectors import is_specialist

DEVICE_NAME = "Authenticator app"


def needs_second_factor(user: Any) -> bool:
    """Whether this user must give a code before seeing anything: staff and specialists."""
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser or is_specialist(user)))


def is_verified(user: Any) -> bool:
    """Whether this session's user gave a code (django-otp's middleware sets `is_verified`)."""
    verified = getattr(user, "is_verified", None)
    return bool(verified is not None and verified())


def second_factor_url(next_url: str) -> str:
    return f"{reverse('second_factor')}?{urlencode({'next': next_url})}"


class SignInView(LoginView):
    """Django's sign-in; staff and specialists then go on to the second factor, with `next` kept."""

    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if needs_second_factor(self.request.user) and not is_verified(self.request.user):
            return second_factor_url(url)
        return url


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Six-digit code",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, device: TOTPDevice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        allowed, _ = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError("Too many wrong codes: wait a minute, then try the newest code.")
        if not code.isdigit() or not self.device.verify_token(code):
            raise forms.ValidationError("That code is not right. Type the code your app shows now.")
        return code


def _safe_next(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False):
        return url
    return reverse("patients:list") if is_specialist(request.user) else reverse("admin:index")


def _enrolment_device(user: Any) -> tuple[TOTPDevice, bool]:
    """The user's confirmed device, or the one being enrolled (made once, kept until confirmed)."""
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    if confirmed is not None:
        return confirmed, False
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device, True


@never_cache
@sensitive_post_parameters("code")
@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """Ask for the code (and, the first time, enrol the app); then go on to `next`."""
    next_url = _safe_next(request)
    if is_verified(request.user):
        return HttpResponseRedirect(next_url)
    device, enrolling = _enrolment_device(request.user)
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        if enrolling:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        otp_login(request, device)
        # A new session key for the verified session, as for any change of privilege.
        request.session.cycle_key()
        return HttpResponseRedirect(next_url)
    context: dict[str, Any] = {"form": form, "next": next_url, "enrolling": enrolling}
    if enrolling:
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=4, title="QR code")
        context["secret"] = " ".join(_chunks(b32encode(device.bin_key).decode().rstrip("="), 4))
    return render(request, "registration/second_factor.html", context)


def _chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


@transaction.atomic
def second_factor_reset(*, user: Any) -> tuple[int, int]:
    """Remove every TOTP device of the user and end their sessions; return how many of each.

    They enrol a new device at their next sign-in.
    """
    devices, _ = TOTPDevice.objects.filter(user=user).delete()
    # Sessions store the user's id as a string; the table is small (sessions last hours).
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now())
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return devices, len(ended)
