"""API tokens that expire: a token older than API_TOKEN_MAX_AGE_DAYS no longer signs anyone in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing tokens created more than API_TOKEN_MAX_AGE_DAYS ago."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        max_age = dt.timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS)
        if token.created < timezone.now() - max_age:
            raise AuthenticationFailed(
                f"This token is more than {settings.API_TOKEN_MAX_AGE_DAYS} days old and has expired: "
                "ask an admin for a new one."
            )
        return user, token
