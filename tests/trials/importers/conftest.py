from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.trials.importers.standin import StandIn
from trials.importers.http import RegistryClient, RetryPolicy


@pytest.fixture
def standin() -> Iterator[StandIn]:
    """A stand-in registry on 127.0.0.1, on a free port, for one test."""
    with StandIn() as server:
        yield server


@pytest.fixture
def sync_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The sync commands' client without its polite interval, recording the waits it would sleep."""
    sleeps: list[float] = []

    def client(base_url: str) -> RegistryClient:
        policy = RetryPolicy(attempts=4, backoff_factor=0.5, backoff_max=4, retry_after_max=30)
        return RegistryClient(
            base_url, retry=policy, connect_timeout=2, read_timeout=5, min_interval=0, sleeper=sleeps.append
        )

    monkeypatch.setattr("trials.importers.sync.registry_client", client)
    return sleeps
