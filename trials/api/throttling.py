"""Throttles that read their rate from the settings at each request, per client address.

DRF's throttles copy DEFAULT_THROTTLE_RATES into a class attribute at import, so a changed setting
(API_ANON_THROTTLE_RATE at start-up is fine, but override_settings in tests is not) would be
ignored. These read DRF's live settings instead. The client is `trialsearch.clients.client_ip`, the
address the pages' rate limits and the sign-in lockout use too (DRF's own reading of
X-Forwarded-For trusts whatever the client sends). Counts live in the default cache: Redis, shared
by every worker, when CACHE_URL is set.
"""

from __future__ import annotations

from typing import Any

from rest_framework import throttling
from rest_framework.settings import api_settings

from trialsearch.clients import client_ip


def _rate(scope: str | None) -> str | None:
    rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope or "")
    return None if rate is None else str(rate)


class AnonRateThrottle(throttling.AnonRateThrottle):
    def get_rate(self) -> str | None:
        return _rate(self.scope)

    def get_ident(self, request: Any) -> str:
        return client_ip(request)


class UserRateThrottle(throttling.UserRateThrottle):
    def get_rate(self) -> str | None:
        return _rate(self.scope)

    def get_ident(self, request: Any) -> str:
        return client_ip(request)
