"""`manage.py check --deploy`: warn when rate limits would count per worker process."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Without CACHE_URL each gunicorn worker keeps its own counts: N workers allow N times the rate."""
    if settings.CACHE_URL:
        return []
    return [
        checks.Warning(
            "CACHE_URL is not set: API throttles and page rate limits count in each worker process's memory.",
            hint="Set CACHE_URL=redis://host:6379/0, or silence trialsearch.W001 if only one process serves.",
            id="trialsearch.W001",
        )
    ]
