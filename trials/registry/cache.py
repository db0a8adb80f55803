"""Cached answers of the search selector, invalidated by a generation number kept in PostgreSQL.

Every cached search answer (facet counts, result counts, vocabularies) is stored under a key that
holds the current generation. Any change to the registry (a trial, its criteria, sites or links,
a tumour type, an intervention, a hospital; from the services, the admin, an import or a sync in
another process) bumps the generation, so the next request computes fresh answers; old entries
simply expire.

The generation is a PostgreSQL sequence (`trials_registry_generation`), not a cache entry: every
process and every app server reads the same number, whether the cache is each process's own memory
(the default) or Redis (CACHE_URL). A bump is `nextval()`, which no rollback undoes (an extra bump
only costs a recomputation). A request reads the number once, at its first cached answer, and keeps
it until the request ends, so one page is computed from one generation.

A missing answer is computed once (`compute_once`): the first process to want it claims it in the
cache and computes it; the others that want it meanwhile wait for it to appear there rather than
compute it too. Without that, a change to the registry (or a cold start) under load sets every worker
computing the same costly counts at once, each slower for the others, until none finishes in time.
The claims and the answers live in the "answers" cache, which every worker shares (Redis with
CACHE_URL, else a PostgreSQL table), so a claim holds across processes and servers.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.core.cache import BaseCache, caches
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, connections, transaction

T = TypeVar("T")

SEQUENCE = "trials_registry_generation"
TIMEOUT = 600  # seconds; a bump makes entries unreachable long before they expire
CLAIM_SECONDS = 30  # a claim lapses after this (no longer than gunicorn lets a request run)
WAIT_SECONDS = 25.0  # how long a process waits for another's answer before computing it itself

# The generation this request has read (None outside a request, or before its first cached read).
_request_generation: ContextVar[int | None] = ContextVar("trials_request_generation", default=None)
_in_request: ContextVar[bool] = ContextVar("trials_in_request", default=False)


def answers_cache() -> BaseCache:
    """The cache every worker shares for the registry's answers (settings: CACHES["answers"])."""
    return caches["answers"]


def _read() -> int:
    # The primary's sequence: a replica's copy may lag behind a bump made a moment ago.
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(f"SELECT last_value FROM {SEQUENCE}")  # noqa: S608 (a constant name)
        (value,) = cursor.fetchone()
    return int(value)


def generation() -> int:
    """The registry's current generation (read once per request)."""
    value = _request_generation.get()
    if value is None:
        value = _read()
        if _in_request.get():
            _request_generation.set(value)
    return value


def _bump() -> None:
    _request_generation.set(None)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [SEQUENCE])


def bump_generation() -> None:
    """Invalidate every cached answer, in every process, now and again when the transaction commits.

    The second bump stops a request that read the old rows during the transaction from keeping
    its answer under the new generation.
    """
    _bump()
    transaction.on_commit(_bump)


def _request_starts(**kwargs: Any) -> None:
    _in_request.set(True)
    _request_generation.set(None)


def _request_ends(**kwargs: Any) -> None:
    _in_request.set(False)
    _request_generation.set(None)


@contextmanager
def generation_scope() -> Iterator[None]:
    """Read the generation once for everything inside, as a request does (for commands and tests)."""
    _request_starts()
    try:
        yield
    finally:
        _request_ends()


def connect() -> None:
    """Scope the generation to each request (called from the app's ready())."""
    request_started.connect(_request_starts, dispatch_uid="trials-generation-start")
    request_finished.connect(_request_ends, dispatch_uid="trials-generation-end")


def claim(key: str) -> bool:
    """Claim the computation of `key`'s value; False when another process has claimed it."""
    return bool(answers_cache().add(f"{key}:computing", 1, CLAIM_SECONDS))


def release(key: str) -> None:
    """Give up the claim on `key` (its value is stored, or will not be)."""
    answers_cache().delete(f"{key}:computing")


def wait_for(key: str) -> Any:
    """The value another process is computing for `key`, once it is stored.

    None when that process stops without storing one (an answer that is not kept, an error) or
    does not finish within WAIT_SECONDS: the caller then computes it itself.
    """
    deadline = time.monotonic() + WAIT_SECONDS
    pause = 0.01
    while time.monotonic() < deadline:
        time.sleep(pause)
        pause = min(pause * 2, 0.1)
        value = answers_cache().get(key)
        if value is not None:
            return value
        if answers_cache().get(f"{key}:computing") is None:
            return answers_cache().get(key)  # stored just before the claim was released, or never
    return None


def compute_once(key: str, compute: Callable[[], T], timeout: int = TIMEOUT) -> T:
    """`key`'s value from the cache; else computed, stored and returned, by one process at a time."""
    value = answers_cache().get(key)
    if value is not None:
        return value  # type: ignore[no-any-return]
    claimed = claim(key)
    if not claimed:
        value = wait_for(key)
        if value is not None:
            return value  # type: ignore[no-any-return]
    try:
        value = compute()
        answers_cache().set(key, value, timeout)
    finally:
        if claimed:
            release(key)
    return value


def cached(namespace: str, parts: Any, compute: Callable[[], T], timeout: int = TIMEOUT) -> T:
    """The cached value for (namespace, parts) in the current generation, computed (once) when missing."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return compute_once(f"trials:{generation()}:{namespace}:{digest}", compute, timeout)
