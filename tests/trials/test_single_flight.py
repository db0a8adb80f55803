"""A missing answer is computed by one process at a time; the others wait for it (trials.registry.cache).

Run against the real Redis that CACHE_URL would name (never a mock): a second process is simulated
by a thread that holds the claim and stores the value, as another gunicorn worker would.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client, RequestFactory, override_settings

from tests.conftest import REPO
from tests.factories import TrialFactory
from tests.test_rate_limits import _redis_cache, redis_prefix  # noqa: F401 (a fixture)
from trials.registry import answers
from trials.registry import cache as registry_cache
from trials.registry.cache import answers_cache, claim, compute_once, release


@pytest.fixture
def shared_cache(redis_prefix: str) -> Iterator[None]:  # noqa: F811
    with override_settings(CACHES=_redis_cache(redis_prefix)):
        yield


def _never() -> dict[str, int]:
    raise AssertionError("computed although another process was computing it")


def _later(seconds: float, action: Callable[[], Any]) -> threading.Thread:
    def run() -> None:
        time.sleep(seconds)
        action()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_value_another_process_is_computing_is_waited_for_not_computed_again(shared_cache: None) -> None:
    assert claim("facets:q=tumour")  # the other process's claim

    def other_process_finishes() -> None:
        answers_cache().set("facets:q=tumour", {"open": 3})
        release("facets:q=tumour")

    finishing = _later(0.2, other_process_finishes)
    value = compute_once("facets:q=tumour", _never)
    finishing.join()

    assert value == {"open": 3}


def test_when_the_other_process_stores_nothing_the_waiting_one_computes_it(shared_cache: None) -> None:
    assert claim("facets:q=liver")
    releasing = _later(0.1, lambda: release("facets:q=liver"))  # it failed, or its answer was not kept

    value = compute_once("facets:q=liver", lambda: {"open": 1})
    releasing.join()

    assert value == {"open": 1}
    assert answers_cache().get("facets:q=liver") == {"open": 1}


def test_a_computation_that_takes_too_long_is_not_waited_for_forever(
    shared_cache: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry_cache, "WAIT_SECONDS", 0.2)
    assert claim("facets:q=stuck")  # a process that died holding its claim

    assert compute_once("facets:q=stuck", lambda: {"open": 2}) == {"open": 2}


def test_the_claim_is_released_when_the_computation_fails(shared_cache: None) -> None:
    def failing() -> str:
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        compute_once("facets:q=failing", failing)

    assert claim("facets:q=failing")  # free again: the next request computes it


def test_concurrent_requests_for_one_page_compute_it_once(shared_cache: None, transactional_db: None) -> None:
    TrialFactory(slug="octreotide-study", title="Octreotide for bowel NETs", status="open")
    computed = []
    page = answers.cached_answer  # the real function, counting the computations it starts
    results: list[tuple[int, str]] = []

    def compute_counting(request: Any, compute: Any, **kwargs: Any) -> Any:
        def counting() -> Any:
            computed.append(1)
            time.sleep(0.3)  # a costly answer: the other requests arrive while it is computed
            return compute()

        return page(request, counting, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(answers, "cached_answer", compute_counting)

        def visit() -> None:
            try:
                response = Client().get("/api/v1/trials/?q=octreotide")
                results.append((response.status_code, response["X-Answer-Cache"]))
            finally:
                connection.close()

        threads = [threading.Thread(target=visit) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert len(computed) == 1
    assert sorted(results) == [(200, "hit"), (200, "hit"), (200, "hit"), (200, "miss")]


# Without CACHE_URL the answers cache is PostgreSQL's table (settings: CACHES["answers"]): the
# production settings, in another process, as a second gunicorn worker on the same server.
DATABASE_ANSWERS = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "answers": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "trialsearch_cache"},
}


def _another_worker(database_url: str, url: str) -> tuple[int, str]:
    """(status, X-Answer-Cache) of `url` from another process on the production settings, no CACHE_URL."""
    code = (
        "import django; django.setup(); from django.test import Client; "
        f"r = Client().get({url!r}); print(r.status_code, r['X-Answer-Cache'])"
    )
    env = {key: value for key, value in os.environ.items() if key != "CACHE_URL"}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="trialsearch.settings.base",
        SECRET_KEY="another-worker-test-key",
        DEBUG="0",
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="testserver",
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True, timeout=120
    )
    status, header = result.stdout.strip().splitlines()[-1].split()
    return int(status), header


def test_without_redis_every_worker_shares_the_answers_through_postgresql(
    transactional_db: None, test_database_url: str
) -> None:
    TrialFactory(slug="octreotide-study", title="Octreotide for bowel NETs", status="open")
    url = "/api/v1/trials/?q=octreotide"
    with override_settings(CACHES=DATABASE_ANSWERS):
        first = Client().get(url)
        assert (first.status_code, first["X-Answer-Cache"]) == (200, "miss")

    assert _another_worker(test_database_url, url) == (200, "hit")
    assert _another_worker(test_database_url, "/api/v1/trials/?q=lanreotide") == (200, "miss")


def test_a_page_computed_after_waiting_in_vain_leaves_the_other_claim_alone(
    shared_cache: None, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    TrialFactory(slug="octreotide-study", title="Octreotide for bowel NETs", status="open")
    monkeypatch.setattr(registry_cache, "WAIT_SECONDS", 0.1)
    url = "/api/v1/trials/?q=octreotide"
    key = answers._key(RequestFactory().get(url), "json")
    assert claim(key)  # a slow process computing this answer

    response = Client().get(url)

    assert (response.status_code, response["X-Answer-Cache"]) == (200, "miss")
    assert not claim(key)  # still that process's claim
