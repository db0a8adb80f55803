"""Send reads to the read replicas (DATABASE_REPLICA_URLS) and everything else to the primary.

Writes always go to `default`. A read inside a transaction on the primary (an atomic block: a
service, the admin's save, a test) stays on the primary, so it sees the transaction's own writes
and never a replica that lags behind. Without replicas every query goes to `default`.

The answers cache's table (Django's database cache, used without CACHE_URL) is unlogged, so a
replica has no rows for it: it is always read on the primary.
"""

from __future__ import annotations

import random
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction

# The app label of the model Django's database cache reads and writes through.
DATABASE_CACHE_APP = "django_cache"


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        replicas = replica_aliases()
        on_primary = model._meta.app_label == DATABASE_CACHE_APP
        if on_primary or not replicas or transaction.get_connection(DEFAULT_DB_ALIAS).in_atomic_block:
            return DEFAULT_DB_ALIAS
        return random.choice(replicas)  # noqa: S311 - load spreading, not security

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # Replicas hold the same rows as the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
