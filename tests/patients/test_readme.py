"""The README's create_specialist example works as written."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import global_settings
from django.contrib.auth import get_user_model

from patients.services import SPECIALISTS_GROUP

ROOT = Path(__file__).resolve().parents[2]


def readme_line(containing: str) -> str:
    lines = [line for line in (ROOT / "README.md").read_text().splitlines() if containing in line]
    assert len(lines) == 1, lines
    return lines[0]


@pytest.mark.django_db(transaction=True)
def test_the_readme_creates_a_specialist_as_written(test_database_url: str, settings: Any) -> None:
    command = readme_line("manage.py create_specialist alice")
    # The line before it in the README exports these two.
    assert readme_line("export DATABASE_URL=") == (
        "export DATABASE_URL=$(.venv/bin/python scripts/devdb.py start) DEBUG=1   # the database `make run` uses"
    )
    environment = {**os.environ, "DATABASE_URL": test_database_url, "DEBUG": "1"}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.pop("SECRET_KEY", None)

    done = subprocess.run(
        ["bash", "-c", command], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120, check=False
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("Created the specialist alice. They sign in at /accounts/login/.\n")
    alice = get_user_model().objects.get(username="alice")
    assert alice.email == "alice@example.org"
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # the command ran with Django's
    assert alice.check_password("a-long-demo-password")
    assert list(alice.groups.values_list("name", flat=True)) == [SPECIALISTS_GROUP]
