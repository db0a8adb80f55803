"""Cached answers of the search selector, invalidated by a generation number.

Every cached search answer (facet counts, result counts, vocabularies) is stored under a key that
holds the current generation. Any change to the registry (a trial, its criteria, sites or links,
a tumour type, an intervention, a hospital; from the services, the admin or an import) bumps the
generation, so the next request computes fresh answers; old entries simply expire. The cache is
CACHE_URL (Redis) when set, else each process's local memory: with several app servers, set
CACHE_URL so that a bump reaches every one of them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

GENERATION_KEY = "trials:generation"
TIMEOUT = 600  # seconds; a bump makes entries unreachable long before they expire


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def _bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set (evicted, or a fresh cache)
        cache.set(GENERATION_KEY, 2, timeout=None)


def bump_generation() -> None:
    """Invalidate every cached answer, now and again when the current transaction commits.

    The second bump stops a request that read the old rows during the transaction from keeping
    its answer under the new generation.
    """
    _bump()
    transaction.on_commit(_bump)


def cached(namespace: str, parts: Any, compute: Callable[[], T], timeout: int = TIMEOUT) -> T:
    """The cached value for (namespace, parts) in the current generation, computed when missing."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"trials:{generation()}:{namespace}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value  # type: ignore[no-any-return]
