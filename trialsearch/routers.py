"""Send reads to the read replicas (DATABASE_REPLICA_URLS) and everything else to the primary.

Writes always go to `default`. A read inside a transaction on the primary (an atomic block: a
service, the admin's save, a test) stays on the primary, so it sees the transaction's own writes
and never a replica that lags behind. Without replicas every query goes to `default`.
"""

from __future__ import annotations

import random
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        replicas = replica_aliases()
        if not replicas or transaction.get_connection(DEFAULT_DB_ALIAS).in_atomic_block:
            return DEFAULT_DB_ALIAS
        return random.choice(replicas)  # noqa: S311 - load spreading, not security

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # Replicas hold the same rows as the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
