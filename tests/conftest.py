from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

REPO = Path(__file__).resolve().parent.parent
# shared/ sits beside the repository (CI's clone, the main checkout); a worktree is one level deeper.
SHARED = next((p / "shared" for p in REPO.parents if (p / "shared").is_dir()), REPO.parent / "shared")
SEED_FILE = REPO / "trials" / "data" / "net_trials.json"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Each test starts with empty caches: a rolled-back test's rows must not be remembered."""
    from django.core.cache import caches

    for alias in ("default", "answers"):
        caches[alias].clear()


@pytest.fixture(scope="session")
def seed_bundle() -> dict[str, Any]:
    bundle: dict[str, Any] = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    return bundle


@pytest.fixture(scope="session")
def seed_dump(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded trials as a fixture file: loaded once per session through the real loader."""
    path = tmp_path_factory.mktemp("seed") / "seed.json"
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_net_trials", stdout=io.StringIO())
        call_command("dumpdata", "trials", output=str(path), verbosity=0)
        transaction.set_rollback(True)
    return path


@pytest.fixture
def seeded(db: None, seed_dump: Path) -> None:
    """The database with the NET trials the site starts with."""
    call_command("loaddata", str(seed_dump), verbosity=0)


@pytest.fixture
def staff_user(django_user_model: Any) -> Any:
    return django_user_model.objects.create_superuser("curator", "curator@example.org", "a-long-test-password")


def sign_in(client: Any, user: Any) -> None:
    """Sign `user` in with the second factor given, as after both steps of a real sign-in."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def staff_client(client: Any, staff_user: Any) -> Any:
    sign_in(client, staff_user)
    return client


@pytest.fixture
def test_database_url() -> str:
    """DATABASE_URL of the database the tests run on, for a subprocess (a second worker, pg_dump)."""
    from urllib.parse import quote

    from django.db import connection

    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{quote(db['HOST'], safe='')}{port}/{db['NAME']}"
