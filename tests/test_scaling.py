"""Scale-out settings: the replica router, the search cache's invalidation, the health check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.test import override_settings
from django.urls import reverse

from tests.factories import TrialFactory
from tests.trials.test_admin import trial_form
from trials.registry.cache import cached, generation
from trials.registry.models import Trial
from trialsearch.routers import ReplicaRouter

REPLICA = "replica_0"


@pytest.fixture
def with_replica(settings: Any) -> None:
    settings.DATABASES = {
        **settings.DATABASES,
        REPLICA: {**settings.DATABASES[DEFAULT_DB_ALIAS], "TEST": {"MIRROR": DEFAULT_DB_ALIAS}},
    }


def test_without_replicas_everything_uses_the_primary() -> None:
    router = ReplicaRouter()
    assert router.db_for_read(Trial) == DEFAULT_DB_ALIAS
    assert router.db_for_write(Trial) == DEFAULT_DB_ALIAS


@pytest.mark.django_db(transaction=True)
def test_reads_go_to_the_replica_outside_a_transaction(with_replica: None) -> None:
    router = ReplicaRouter()
    assert router.db_for_read(Trial) == REPLICA
    assert router.db_for_write(Trial) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(REPLICA, "trials") is False
    assert Trial.objects.all().db == REPLICA


@pytest.mark.django_db(transaction=True)
def test_the_answers_cache_table_is_read_on_the_primary(with_replica: None) -> None:
    # Unlogged, so a replica has none of its rows (Django's database cache, without CACHE_URL).
    cache = DatabaseCache("trialsearch_cache", {})
    assert ReplicaRouter().db_for_read(cache.cache_model_class) == DEFAULT_DB_ALIAS
    assert ReplicaRouter().db_for_read(Trial) == REPLICA


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_write_transaction_stay_on_the_primary(with_replica: None) -> None:
    router = ReplicaRouter()
    with transaction.atomic():
        assert router.db_for_read(Trial) == DEFAULT_DB_ALIAS
        assert Trial.objects.all().db == DEFAULT_DB_ALIAS
    assert router.db_for_read(Trial) == REPLICA


def test_cached_values_live_until_the_generation_changes(db: None) -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cached("test", ("a",), compute) == 1
    assert cached("test", ("a",), compute) == 1
    before = generation()
    Trial.objects.create(slug="a-new-trial", title="A new trial")
    assert generation() > before
    assert cached("test", ("a",), compute) == 2


def test_a_trial_edited_in_the_admin_shows_on_the_next_request(db: None, staff_client: Any, client: Any) -> None:
    trial = TrialFactory(slug="edited", title="A trial of something", published=True, status="open")
    # Warm every cache: the count, the facets and the page itself.
    assert client.get("/api/v1/trials/?q=Zanzibarium").json()["count"] == 0
    assert client.get("/trials/?status=open").context["page"].paginator.count == 1
    before = client.get("/api/v1/trials/").json()["facets"]["phase"]["phase_3"]
    data = trial_form(slug="edited", title="Zanzibarium for neuroendocrine tumours", phase="phase_3", published="on")
    response = staff_client.post(reverse("admin:trials_trial_change", args=[trial.pk]), data)
    assert response.status_code == 302
    assert client.get("/api/v1/trials/?q=Zanzibarium").json()["count"] == 1
    assert b"Zanzibarium for neuroendocrine tumours" in client.get("/trials/?q=Zanzibarium").content
    assert client.get("/api/v1/trials/").json()["facets"]["phase"]["phase_3"] == before + 1
    staff_client.post(reverse("admin:trials_trial_change", args=[trial.pk]), {**data, "status": "closed"})
    assert client.get("/trials/?status=open").context["page"].paginator.count == 0


def _database_url_of_the_test_database() -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


@pytest.mark.django_db(transaction=True)
def test_a_write_from_another_process_shows_at_once(client: Any) -> None:
    TrialFactory(slug="first", title="First trial", published=True, status="open")
    # Warm this process's cache: counts and facets are now cached in its own memory.
    before = client.get("/api/v1/trials/").json()
    assert before["count"] == 1
    assert before["facets"]["status"]["open"] == 1
    assert client.get("/trials/?status=open").context["page"].paginator.count == 1

    # Another process (an import or a sync from the command line) publishes a second trial.
    code = (
        "from tests.factories import TrialFactory; "
        "TrialFactory(slug='second', title='Second trial', published=True, status='open')"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=Path(__file__).resolve().parents[1],
        env={
            **os.environ,
            "DATABASE_URL": _database_url_of_the_test_database(),
            "DJANGO_SETTINGS_MODULE": "trialsearch.settings.test",
        },
        check=True,
        capture_output=True,
    )

    after = client.get("/api/v1/trials/").json()
    assert after["count"] == 2
    assert after["facets"]["status"]["open"] == 2
    assert [row["slug"] for row in after["results"]] == ["second", "first"]
    assert client.get("/trials/?status=open").context["page"].paginator.count == 2


@override_settings(SECURE_SSL_REDIRECT=False)
def test_healthz_checks_the_database(db: None, client: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_every_connection_runs_with_the_planner_settings_of_docs_scaling(db: None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        values = []
        for name in ("jit", "random_page_cost", "work_mem"):
            cursor.execute(f"SHOW {name}")
            values.append(cursor.fetchone()[0])
    assert values == ["off", "1.1", "32MB"]
