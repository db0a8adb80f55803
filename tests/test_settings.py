"""Configuration from the environment: production refuses unsafe settings, check --deploy is clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    private = {
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DJANGO_SETTINGS_MODULE",
        "SECURE_SSL_REDIRECT",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "CACHE_URL",
        "TRUSTED_PROXY_COUNT",
        "TRUSTED_PROXIES",
    }
    clean = {k: v for k, v in os.environ.items() if k not in private}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "trialsearch.settings.base"
    clean.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=REPO, env=clean, capture_output=True, text=True, check=False
    )


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off() -> None:
    result = run_manage("check")
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable (required when DEBUG is off)." in result.stderr


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-production-secret-" + "x" * 50,
        ALLOWED_HOSTS="trials.example.org",
        CACHE_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_when_rate_limits_would_count_per_worker() -> None:
    result = run_manage(
        "check", "--deploy", SECRET_KEY="a-production-secret-" + "x" * 50, ALLOWED_HOSTS="trials.example.org"
    )
    assert "(trialsearch.W001) CACHE_URL is not set" in result.stderr + result.stdout


def test_trusted_proxies_are_one_setting_or_the_other() -> None:
    result = run_manage("check", DEBUG="1", TRUSTED_PROXY_COUNT="1", TRUSTED_PROXIES="10.0.0.0/8")
    assert result.returncode != 0
    assert "Set TRUSTED_PROXY_COUNT or TRUSTED_PROXIES, not both." in result.stderr


def test_a_bad_trusted_network_is_a_clear_error() -> None:
    result = run_manage("check", DEBUG="1", TRUSTED_PROXIES="10.0.0.0/8,proxy.local")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES must list IP addresses or networks, not 'proxy.local'." in result.stderr


def test_a_bad_rate_is_a_clear_error() -> None:
    result = run_manage("check", DEBUG="1", RATE_LIMIT_SEARCH="lots")
    assert result.returncode != 0
    assert "RATE_LIMIT_SEARCH must be a rate such as 60/minute, not 'lots'." in result.stderr


def test_a_bad_boolean_is_a_clear_error() -> None:
    result = run_manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'maybe'." in result.stderr


def test_it_refuses_a_database_that_is_not_postgresql() -> None:
    result = run_manage("check", DEBUG="1", DATABASE_URL="sqlite:///db.sqlite3")
    assert result.returncode != 0
    assert "DATABASE_URL must point at PostgreSQL" in result.stderr
