"""`make backup` and `make restore` (scripts/backup.py): a dump restores into a fresh database row for row."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import psycopg
import pytest
from django.db import connection
from psycopg import sql

from patients.models import PatientProfile
from patients.services import patient_profile_create, patient_profile_update, specialists_add
from tests.factories import CriterionFactory, HospitalFactory, TrialFactory, TrialSiteFactory
from trials.eligibility.patient import PatientFacts
from trials.registry.models import Trial

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "backup.py"


def _connect(dbname: str) -> psycopg.Connection[Any]:
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"], port=db["PORT"] or None, user=db["USER"], password=db["PASSWORD"] or None, dbname=dbname
    )


def _row_counts(dbname: str) -> dict[str, int]:
    with _connect(dbname) as conn:
        tables = [row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {
            table: cast(
                "tuple[int]", conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()
            )[0]
            for table in sorted(tables)
        }


@pytest.fixture
def fresh_database() -> Iterator[str]:
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with _connect(connection.settings_dict["NAME"]) as conn:
        conn.autocommit = True
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with _connect(connection.settings_dict["NAME"]) as conn:
        conn.autocommit = True
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _backup(command: str, database_url: str, path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, str(SCRIPT), command, str(path)], env=env, capture_output=True, text=True, check=False
    )


def _registry(django_user_model: Any) -> None:
    hospital = HospitalFactory(name="The Christie")
    for index in range(3):
        trial = TrialFactory(slug=f"trial-{index}")
        CriterionFactory(trial=trial, rule={"fact": "ecog", "operator": "lte", "value": 1})
        TrialSiteFactory(trial=trial, hospital=hospital)
    Trial.objects.filter(slug="trial-0").update(title="Changed")
    alice = django_user_model.objects.create_user("alice", "alice@example.org", "a-long-test-password")
    specialists_add(users=[alice])
    profile = patient_profile_create(owner=alice, reference="NET-1", facts=PatientFacts(grade="G2"))
    patient_profile_update(profile=profile, reference="NET-1", notes="Seen in clinic", facts=PatientFacts(grade="G3"))


def test_a_backup_restores_into_a_fresh_database_row_for_row(
    transactional_db: None, django_user_model: Any, test_database_url: str, fresh_database: str, tmp_path: Path
) -> None:
    _registry(django_user_model)
    source = connection.settings_dict["NAME"]
    dump_file = tmp_path / "nightly" / "trialsearch.dump"

    dumped = _backup("dump", test_database_url, dump_file)
    assert dumped.returncode == 0, dumped.stderr
    assert stat.S_IMODE(dump_file.stat().st_mode) == 0o600
    restored = _backup("restore", test_database_url.rsplit("/", 1)[0] + f"/{fresh_database}", dump_file)
    assert restored.returncode == 0, restored.stderr

    counts = _row_counts(source)
    assert _row_counts(fresh_database) == counts
    assert counts["trials_trial"] == 3
    assert counts["trials_historicaltrial"] >= 3
    assert counts["patients_patientprofile"] == PatientProfile.objects.count() == 1
    assert counts["patients_historicalpatientprofile"] == 2
    assert counts["django_migrations"] > 0


def test_restoring_a_missing_file_says_so(db: None, test_database_url: str, tmp_path: Path) -> None:
    result = _backup("restore", test_database_url, tmp_path / "nothing.dump")

    assert result.returncode == 1
    assert result.stderr.strip() == f"No backup file at {tmp_path / 'nothing.dump'}."
