"""The admin's import page: upload a file of either kind, see the summary and every failure."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import SHARED, sign_in
from tests.factories import TumourTypeFactory
from trials.importers.ctgov import running
from trials.registry.models import Trial
from trials.registry.uploads import TrialImport

pytestmark = pytest.mark.django_db

URL = "/admin/trials/trial/import/"
V2 = SHARED / "data" / "ctgov" / "v2"
# Enough to show the records written one by one (the audit's 250 take minutes; docs/security.md).
STUDIES = 12


@pytest.fixture(autouse=True)
def _net_tumour_type() -> None:
    """A tumour type for the imported studies' condition to map to (else they stay drafts, held back)."""
    TumourTypeFactory(slug="neuroendocrine-tumour", name="Neuroendocrine tumour")


def as_net(study: dict[str, Any]) -> dict[str, Any]:
    """A real record's study, its condition replaced by a NET one (the records in shared/ are of other cancers)."""
    study["protocolSection"]["conditionsModule"] = {"conditions": ["Neuroendocrine Tumors"]}
    study.pop("derivedSection", None)
    return study


def net_file(name: str) -> bytes:
    data = json.loads((V2 / name).read_text(encoding="utf-8"))
    for study in data.get("studies", [data]):
        as_net(study)
    return json.dumps(data).encode()


def upload(name: str, content: bytes | str) -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="application/json")


def post(client: Client, name: str, content: bytes | str, **fields: Any) -> Any:
    return client.post(URL, {"file": upload(name, content), "kind": "ctgov", **fields}, follow=True)


def test_the_import_page_is_linked_from_the_trial_list(staff_client: Client) -> None:
    assert reverse("admin:trials_trial_import") == URL
    response = staff_client.get(reverse("admin:trials_trial_changelist"))

    assert f'<a href="{URL}">Import trials</a>' in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(client: Client) -> None:
    for response in (client.get(URL), client.post(URL, {"kind": "ctgov"})):
        assert response.status_code == 302
        assert response["Location"] == f"/admin/login/?next={URL}"


def test_staff_without_permission_to_change_trials_are_refused(client: Client, django_user_model: Any) -> None:
    user = django_user_model.objects.create_user("viewer", password="a-long-test-password", is_staff=True)
    sign_in(client, user)

    assert client.get(URL).status_code == 403


def test_staff_import_a_clinicaltrials_file_and_see_the_summary(staff_client: Client) -> None:
    content = net_file("page_NCT03281889.json")

    response = post(staff_client, "page_NCT03281889.json", content, publish="on")

    page = response.content.decode()
    assert response.status_code == 200
    assert "1 created, 0 updated, 0 unchanged, 0 failed" in page
    trial = Trial.objects.get(nct_id="NCT03281889")
    assert trial.published is True
    # The change is recorded as the curator's.
    assert trial.history.first().history_user.username == "curator"


def test_staff_see_every_failed_record_while_the_good_ones_go_in(staff_client: Client) -> None:
    good = json.loads((V2 / "page_NCT03281889.json").read_text(encoding="utf-8"))["studies"][0]
    bad = json.loads(json.dumps(good))
    bad["protocolSection"]["identificationModule"]["nctId"] = "NCT00000001"
    bad["protocolSection"]["eligibilityModule"]["minimumAge"] = "abc years"

    response = post(staff_client, "mixed.json", json.dumps([good, bad]))

    page = response.content.decode()
    assert "1 created, 0 updated, 0 unchanged, 1 failed" in page
    assert (
        "<li>mixed.json [1] (NCT00000001): protocolSection.eligibilityModule.minimumAge: "
        "&#x27;abc years&#x27; is not an age such as &#x27;18 Years&#x27;, &#x27;6 Months&#x27; or "
        "&#x27;N/A&#x27;.</li>"
    ) in page
    assert list(Trial.objects.values_list("nct_id", "published")) == [("NCT03281889", False)]


def test_a_dry_run_shows_the_summary_and_writes_nothing(staff_client: Client) -> None:
    response = post(staff_client, "s.json", net_file("NCT00763412.json"), dry_run="on")

    summary = "<h2>Dry run (nothing written): 1 created, 0 updated, 0 unchanged, 0 failed</h2>"
    assert summary in response.content.decode()
    assert not Trial.objects.exists()


def test_staff_import_a_trialsearch_export(staff_client: Client) -> None:
    bundle = {
        "format": "trialsearch/1",
        "trials": [{"slug": "one", "title": "One", "status": "open", "trial_type": "treatment", "published": False}],
    }

    response = staff_client.post(
        URL, {"file": upload("export.json", json.dumps(bundle)), "kind": "bundle"}, follow=True
    )

    assert "1 created, 0 updated, 0 unchanged, 0 failed" in response.content.decode()
    assert list(Trial.objects.values_list("slug", "published")) == [("one", False)]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"name,phase\nTALENT,2\n", "This is not a JSON file (Expecting value: line 1 column 1 (char 0))."),
        (b"\xff\xfe\x00garbage", "This is not a JSON file ("),
        (b'{"studies": [', "This is not a JSON file (Expecting value: line 1 column 14 (char 13))."),
    ],
)
def test_a_file_that_is_not_json_gives_a_form_error(staff_client: Client, content: bytes, error: str) -> None:
    response = post(staff_client, "trials.csv", content)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert "created" not in response.content.decode()


def test_a_file_over_the_size_limit_gives_a_form_error(staff_client: Client, settings: Any) -> None:
    settings.TRIAL_IMPORT_MAX_UPLOAD_BYTES = 1024 * 1024

    response = post(staff_client, "big.json", json.dumps({"studies": ["x" * 2_000_000]}))

    assert response.status_code == 200
    assert "The file is 1.9 MB; files of up to 1.0 MB can be imported." in response.content.decode()


def test_a_missing_file_gives_a_form_error(staff_client: Client) -> None:
    response = staff_client.post(URL, {"kind": "ctgov"})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_the_form_is_csrf_protected(staff_user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    sign_in(client, staff_user)

    response = client.post(URL, {"file": upload("s.json", "{}"), "kind": "ctgov"})

    assert response.status_code == 403


def many_studies(count: int) -> list[dict[str, Any]]:
    """`count` copies of one registry study under different NCT numbers."""
    study = as_net(json.loads((V2 / "page_NCT03281889.json").read_text(encoding="utf-8"))["studies"][0])
    copies = []
    for number in range(count):
        copy = json.loads(json.dumps(study))
        copy["protocolSection"]["identificationModule"]["nctId"] = f"NCT9{number:07d}"
        copies.append(copy)
    return copies


def test_an_upload_is_queued_and_its_page_follows_the_import(staff_client: Client) -> None:
    response = staff_client.post(URL, {"file": upload("s.json", net_file("NCT00763412.json")), "kind": "ctgov"})

    upload_row = TrialImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/trials/trial/import/{upload_row.pk}/"
    assert (upload_row.state, upload_row.total, upload_row.processed, upload_row.created) == ("finished", 1, 1, 1)
    # The file is dropped once imported.
    assert bytes(upload_row.content) == b""
    page = staff_client.get(response["Location"]).content.decode()
    assert "<h2> 1 created, 0 updated, 0 unchanged, 0 failed</h2>" in page
    assert 'http-equiv="refresh"' not in page
    assert f'<a href="{response["Location"]}">Import of s.json' in staff_client.get(URL).content.decode()


def test_the_progress_page_of_a_running_import_reloads_itself_without_a_script(staff_client: Client) -> None:
    running = TrialImport.objects.create(
        file_name="big.json", kind="ctgov", state="running", total=250, processed=100, created=99, failures=["x"]
    )

    page = staff_client.get(f"/admin/trials/trial/import/{running.pk}/").content.decode()

    assert '<meta http-equiv="refresh" content="2">' in page
    assert "<h2>Importing: 100 of 250 records</h2>" in page
    assert '<progress id="import-progress" max="100" value="40">40%</progress>' in page
    assert f'<a href="/admin/trials/trial/import/{running.pk}/">Reload now</a>' in page
    assert "<script" not in page.split("</head>")[1]


def test_the_progress_page_of_an_unknown_import_is_a_404_and_needs_permission(staff_client: Client) -> None:
    assert staff_client.get("/admin/trials/trial/import/999999/").status_code == 404
    assert Client().get("/admin/trials/trial/import/1/").status_code == 302


def test_a_file_of_many_studies_imports_each_record_in_the_background(staff_client: Client) -> None:
    response = post(staff_client, "page.json", json.dumps({"studies": many_studies(STUDIES)}), publish="on")

    assert f"<h2> {STUDIES} created, 0 updated, 0 unchanged, 0 failed</h2>" in response.content.decode()
    assert Trial.objects.filter(nct_id__startswith="NCT9", published=True).count() == STUDIES
    upload_row = TrialImport.objects.get()
    assert (upload_row.state, upload_row.processed, upload_row.total) == ("finished", STUDIES, STUDIES)


def test_an_import_that_stops_half_way_keeps_every_record_it_finished(
    staff_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = running.ctgov_study_import
    calls = 0

    def stop_at_the_fourth(**kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 4:
            raise MemoryError("the worker ran out of memory")
        return real_import(**kwargs)

    monkeypatch.setattr(running, "ctgov_study_import", stop_at_the_fourth)

    response = post(staff_client, "page.json", json.dumps(many_studies(6)))

    page = response.content.decode()
    assert sorted(Trial.objects.values_list("nct_id", flat=True)) == ["NCT90000000", "NCT90000001", "NCT90000002"]
    upload_row = TrialImport.objects.get()
    assert (upload_row.state, upload_row.processed, upload_row.total, upload_row.created) == ("stopped", 3, 6, 3)
    assert "The import stopped after 3 records: MemoryError: the worker ran out of memory" in page


def test_a_running_import_with_no_progress_for_minutes_says_the_worker_has_probably_stopped(
    staff_client: Client,
) -> None:
    long_ago = timezone.now() - dt.timedelta(minutes=6)
    stalled = TrialImport.objects.create(
        file_name="big.json",
        kind="ctgov",
        state="running",
        total=250,
        processed=153,
        started_at=long_ago,
        progressed_at=long_ago,
    )

    page = staff_client.get(f"/admin/trials/trial/import/{stalled.pk}/").content.decode()

    assert "the task worker (<code>manage.py db_worker</code>) has probably stopped" in page
    assert "upload the file again to import the rest (those already in come back as unchanged)" in page
