"""Who is asking: the client's address, the one answer for throttles, rate limits and the sign-in lockout.

X-Forwarded-For is a list the client starts and each proxy appends to, so only the entries our own
proxies appended can be believed. Without TRUSTED_PROXY_COUNT or TRUSTED_PROXIES the header is
ignored (a client rotating it would otherwise get a fresh allowance with each request).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from trialsearch.hygiene import clean_text

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# A username longer than this cannot exist (Django allows 150) and would not fit django-axes' column.
USERNAME_LIMIT = 150


def _address(text: str) -> IPAddress | None:
    """An address from a header entry: 192.0.2.1, 192.0.2.1:443, 2001:db8::1 or [2001:db8::1]:443."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: IPAddress | None) -> bool:
    return address is not None and any(address in network for network in settings.TRUSTED_PROXIES)


def client_ip(request: HttpRequest) -> str:
    """The client's address: the connection's, or the one our trusted proxies say they were sent by."""
    remote = request.META.get("REMOTE_ADDR") or ""
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if settings.TRUSTED_PROXIES:
        if not _trusted(_address(remote)):
            return remote
        # From the nearest hop back, skip our own proxies; the first other address is the client.
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                return remote
            if not _trusted(address):
                return str(address)
        return remote
    count: int = settings.TRUSTED_PROXY_COUNT
    if count and hops:
        address = _address(hops[-min(count, len(hops))])
        return str(address) if address is not None else remote
    return remote


def axes_client_ip(request: HttpRequest) -> str | None:
    """`client_ip` for django-axes (AXES_CLIENT_IP_CALLABLE), which stores no address as NULL."""
    return client_ip(request) or None


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """The username tried (AXES_USERNAME_CALLABLE), cleaned and cut so that any length can be recorded."""
    source: Any = credentials if credentials is not None else getattr(request, "data", request.POST)
    username = source.get(getattr(settings, "AXES_USERNAME_FORM_FIELD", "username"))
    if not isinstance(username, str):
        return None
    return clean_text(username)[:USERNAME_LIMIT]
