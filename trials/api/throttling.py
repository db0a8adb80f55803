"""Throttles that read their rate from the settings at each request.

DRF's throttles copy DEFAULT_THROTTLE_RATES into a class attribute at import, so a changed setting
(API_ANON_THROTTLE_RATE at start-up is fine, but override_settings in tests is not) would be
ignored. These read DRF's live settings instead.
"""

from __future__ import annotations

from rest_framework import throttling
from rest_framework.settings import api_settings


def _rate(scope: str | None) -> str | None:
    rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope or "")
    return None if rate is None else str(rate)


class AnonRateThrottle(throttling.AnonRateThrottle):
    def get_rate(self) -> str | None:
        return _rate(self.scope)


class UserRateThrottle(throttling.UserRateThrottle):
    def get_rate(self) -> str | None:
        return _rate(self.scope)
