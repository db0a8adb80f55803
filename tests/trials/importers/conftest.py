from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.trials.importers.standin import StandIn


@pytest.fixture
def standin() -> Iterator[StandIn]:
    """A stand-in registry on 127.0.0.1, on a free port, for one test."""
    with StandIn() as server:
        yield server
