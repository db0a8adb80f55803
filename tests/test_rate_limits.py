"""Rate limits: the public pages and the API count per client address, in the shared cache when there is one."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from rest_framework.test import APIClient

REPO = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CLIENT = "203.0.113.7"


def _pages(**rates: str) -> dict[str, str]:
    # Rates per hour: django-ratelimit counts in fixed windows, and a test that straddled the end of a
    # one-minute window on a busy machine would see its count start again.
    return {**settings.PAGE_RATE_LIMITS, **rates}


def _api(anon: str) -> dict[str, Any]:
    return {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": "1000/minute"}}


@pytest.mark.parametrize(("name", "url"), [("search", "/trials/"), ("check", "/check/"), ("feed", "/trials/feed/")])
def test_a_public_page_answers_429_over_its_rate(db: None, name: str, url: str) -> None:
    client = Client(REMOTE_ADDR=CLIENT)
    with override_settings(PAGE_RATE_LIMITS=_pages(**{name: "2/hour"})):
        assert [client.get(url).status_code for _ in range(2)] == [200, 200]
        response = client.get(url)

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert "Too many requests" in response.content.decode()


def test_each_address_has_its_own_allowance(db: None) -> None:
    with override_settings(PAGE_RATE_LIMITS=_pages(search="1/hour")):
        assert Client(REMOTE_ADDR=CLIENT).get("/trials/").status_code == 200
        assert Client(REMOTE_ADDR=CLIENT).get("/trials/").status_code == 429
        assert Client(REMOTE_ADDR="203.0.113.8").get("/trials/").status_code == 200


def test_a_rotating_forwarded_for_header_gets_no_new_allowance(db: None) -> None:
    client = Client(REMOTE_ADDR=CLIENT)
    with override_settings(PAGE_RATE_LIMITS=_pages(search="2/hour")):
        statuses = [client.get("/trials/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(4)]

    assert statuses == [200, 200, 429, 429]


def test_behind_a_trusted_proxy_each_forwarded_client_counts_alone(db: None) -> None:
    proxy = Client(REMOTE_ADDR="10.0.0.5")
    with override_settings(PAGE_RATE_LIMITS=_pages(search="1/hour"), TRUSTED_PROXY_COUNT=1):
        first = [proxy.get("/trials/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(3)]
        again = proxy.get("/trials/", HTTP_X_FORWARDED_FOR="198.51.100.0").status_code

    assert (first, again) == ([200, 200, 200], 429)


def test_the_api_throttle_ignores_a_rotating_forwarded_for_header(db: None) -> None:
    api = APIClient(REMOTE_ADDR=CLIENT)
    with override_settings(REST_FRAMEWORK=_api("2/minute")):
        statuses = [
            api.get("/api/v1/tumour-types/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(3)
        ]

    assert statuses == [200, 200, 429]


def test_the_api_throttle_counts_forwarded_clients_behind_a_trusted_proxy(db: None) -> None:
    api = APIClient(REMOTE_ADDR="10.0.0.5")
    with override_settings(REST_FRAMEWORK=_api("1/minute"), TRUSTED_PROXY_COUNT=1):
        statuses = [
            api.get("/api/v1/tumour-types/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code for n in range(3)
        ]

    assert statuses == [200, 200, 200]


# The shared cache: the real Redis, as CACHE_URL would configure it, with a key prefix of our own so
# that nothing else using that Redis is touched (never cache.clear(): that would empty the database).


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.skip(f"No Redis at {REDIS_URL} (set TEST_REDIS_URL).")
    prefix = f"trialsearch-test-{uuid.uuid4().hex}"
    yield prefix
    for key in connection.scan_iter(f"{prefix}:*"):
        connection.delete(key)


def _redis_cache(prefix: str) -> dict[str, Any]:
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}
    return {"default": redis, "answers": redis}


def _another_worker(database_url: str, prefix: str, url: str, client: str = CLIENT) -> int:
    """The status another app server process, on the same CACHE_URL, gives `client` for `url`."""
    code = (
        "import django; django.setup(); from django.test import Client; "
        f"print(Client(REMOTE_ADDR={client!r}).get({url!r}).status_code)"
    )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "trialsearch.settings.test",
        "CACHE_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "API_ANON_THROTTLE_RATE": "2/minute",
        "RATE_LIMIT_SEARCH": "2/hour",
        "ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True, timeout=120
    )
    return int(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("url", ["/api/v1/tumour-types/", "/trials/"])
def test_with_a_shared_cache_every_worker_sees_the_same_count(
    db: None, test_database_url: str, redis_prefix: str, url: str
) -> None:
    client = Client(REMOTE_ADDR=CLIENT)
    with override_settings(
        CACHES=_redis_cache(redis_prefix), REST_FRAMEWORK=_api("2/minute"), PAGE_RATE_LIMITS=_pages(search="2/hour")
    ):
        assert [client.get(url).status_code for _ in range(2)] == [200, 200]

    # Another process, as a second gunicorn worker would be: its own memory is empty, yet it refuses
    # this client, and answers one it has not counted.
    assert _another_worker(test_database_url, redis_prefix, url) == 429
    assert _another_worker(test_database_url, redis_prefix, url, client="203.0.113.99") == 200
