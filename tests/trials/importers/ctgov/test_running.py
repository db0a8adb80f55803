"""Running an import: dry runs, publishing, copies of a study, broken inputs and the command."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.trials.importers.ctgov.studies import V2, net_study, record, run, write
from trials.registry.models import Hospital, Intervention, Trial

pytestmark = pytest.mark.django_db


def test_a_dry_run_reports_and_writes_nothing(pancreatic_net: None, tmp_path: Path) -> None:
    report = run(write(tmp_path, "s.json", net_study()), dry_run=True)

    assert report.summary() == "1 created, 0 updated, 0 unchanged, 0 failed"
    assert not Trial.objects.exists()
    assert not Intervention.objects.exists()


def test_publish_publishes_and_a_later_import_keeps_it_published(pancreatic_net: None, tmp_path: Path) -> None:
    path = write(tmp_path, "s.json", net_study())
    run(path, publish=True)
    assert record("NCT09000001").published is True

    assert run(path).unchanged == 1
    assert record("NCT09000001").published is True


def test_copies_of_a_study_are_combined_with_the_first_winning() -> None:
    report = run(V2 / "get_nct06382129_20260811.json", V2 / "search_nsclc_egfr_l858r_20260811.json")

    # Lung cancer studies: stored as drafts, held back.
    assert report.summary() == "2 created, 0 updated, 0 unchanged, 0 failed, 2 held back"
    data = record("NCT06382129")
    assert [i.slug for i in data.interventions] == ["bl-b01d1", "docetaxel"]
    assert Intervention.objects.get(slug="bl-b01d1").synonyms == ["iza-bren", "izalontamab brengitecan", "BMS-986507"]
    assert len(data.criteria) == 38


def test_truncated_json_is_reported_with_the_file(tmp_path: Path) -> None:
    text = json.dumps({"studies": [net_study()]})[:200]

    report = run(write(tmp_path, "truncated.json", text))

    assert [str(f) for f in report.failures] == [
        "truncated.json file: not valid JSON (Unterminated string starting at: line 1 column 199 (char 198))."
    ]
    assert report.summary() == "0 created, 0 updated, 0 unchanged, 1 failed"


def test_broken_studies_are_reported_and_the_good_ones_in_the_same_file_go_in(seeded: None, tmp_path: Path) -> None:
    without_id = net_study()
    del without_id["protocolSection"]["identificationModule"]["nctId"]
    bad_age = net_study("NCT09000003", eligibilityModule__minimumAge="abc years")
    bad_status = net_study("NCT09000004", statusModule__overallStatus="PAUSED")
    huge = net_study("NCT09000005", descriptionModule__detailedDescription="x" * 5_000_000)
    wrong_types = net_study("NCT09000006", conditionsModule__conditions="NET", designModule__phases=[2])
    page = {
        "studies": [
            net_study("NCT09000001"),
            without_id,
            bad_age,
            bad_status,
            huge,
            wrong_types,
            "not a study",
            net_study("NCT09000002"),
        ],
        "nextPageToken": "abc",
    }

    report = run(write(tmp_path, "page.json", page))

    eligibility = "protocolSection.eligibilityModule"
    assert [str(f) for f in report.failures] == [
        "page.json studies[1]: protocolSection.identificationModule.nctId: is required.",
        f"page.json studies[2] (NCT09000003): {eligibility}.minimumAge: "
        "'abc years' is not an age such as '18 Years', '6 Months' or 'N/A'.",
        "page.json studies[3] (NCT09000004): protocolSection.statusModule.overallStatus: "
        "'PAUSED' is not a ClinicalTrials.gov overall status.",
        "page.json studies[4] (NCT09000005): protocolSection.descriptionModule.detailedDescription: "
        "must be at most 100000 characters (it has 5000000).",
        "page.json studies[5] (NCT09000006): protocolSection.designModule.phases: must be a list of text.; "
        "protocolSection.conditionsModule.conditions: must be a list.",
        "page.json studies[6]: study: must be a JSON object with a protocolSection.",
    ]
    assert report.summary() == "2 created, 0 updated, 0 unchanged, 6 failed"
    assert sorted(Trial.objects.filter(nct_id__startswith="NCT090").values_list("nct_id", flat=True)) == [
        "NCT09000001",
        "NCT09000002",
    ]


def test_a_record_that_fails_writes_nothing_of_itself(tmp_path: Path) -> None:
    # The interventions are created before the trial is refused (start after end): all rolled back.
    study = net_study(statusModule__startDateStruct={"date": "2030-01"})

    report = run(write(tmp_path, "s.json", study))

    assert [str(f) for f in report.failures] == [
        "s.json study (NCT09000001): recruitment_end: must not be before recruitment_start."
    ]
    assert not Intervention.objects.exists()
    assert not Hospital.objects.exists()


# The command ----------------------------------------------------------------------------------


def test_the_command_prints_each_failure_and_the_summary_and_exits_non_zero(
    pancreatic_net: None, tmp_path: Path
) -> None:
    good = write(tmp_path, "good.json", net_study())
    bad = write(tmp_path, "bad.json", "{")
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match=r"^1 record\(s\) failed\.$"):
        call_command("import_ctgov", str(good), str(bad), stdout=out, stderr=err)

    assert out.getvalue().splitlines() == [
        "[1/1] good.json study (NCT09000001): created",
        "1 created, 0 updated, 0 unchanged, 1 failed",
    ]
    assert err.getvalue().splitlines() == [
        "bad.json file: not valid JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))."
    ]


def test_the_command_dry_run_writes_nothing(pancreatic_net: None, tmp_path: Path) -> None:
    out = io.StringIO()

    call_command("import_ctgov", str(write(tmp_path, "s.json", net_study())), "--dry-run", stdout=out)

    assert out.getvalue().splitlines()[-1] == "Dry run (nothing written): 1 created, 0 updated, 0 unchanged, 0 failed"
    assert not Trial.objects.exists()


def test_the_command_publishes_with_publish(pancreatic_net: None, tmp_path: Path) -> None:
    call_command("import_ctgov", str(write(tmp_path, "s.json", net_study())), "--publish", stdout=io.StringIO())

    assert Trial.objects.get(nct_id="NCT09000001").published is True
