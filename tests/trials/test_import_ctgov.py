"""Importing ClinicalTrials.gov API v2 JSON: real records, every file shape, broken inputs, re-imports."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import SHARED
from trials.importers.criteria_text import split_criteria
from trials.importers.ctgov.reading import read_paths
from trials.importers.ctgov.running import ctgov_import
from trials.importers.report import ImportReport
from trials.record.data import PartialDate, TrialData
from trials.record.writing import trial_to_data
from trials.registry.models import Criterion, Hospital, Intervention, Trial, TrialSite, TumourType

pytestmark = pytest.mark.django_db

V2 = SHARED / "data" / "ctgov" / "v2"
FLATTENED = SHARED / "data" / "ctgov" / "net-flattened"
TODAY = dt.date(2026, 11, 24)


def run(*paths: Path, publish: bool = False, dry_run: bool = False, today: dt.date = TODAY) -> ImportReport:
    return ctgov_import(batch=read_paths(paths), publish=publish, dry_run=dry_run, today=today)


def record(nct: str) -> TrialData:
    return trial_to_data(Trial.objects.for_detail().get(nct_id=nct))


def history_counts() -> dict[str, int]:
    models = [Trial, Criterion, TrialSite, Intervention, Hospital, TumourType]
    return {m.__name__: m.history.count() for m in models}  # type: ignore[attr-defined]


def net_study(nct: str = "NCT09000001", **modules: Any) -> dict[str, Any]:
    """A complete API v2 study of a (made-up) pancreatic NET trial."""
    study: dict[str, Any] = {
        "protocolSection": {
            "identificationModule": {
                "nctId": nct,
                "orgStudyIdInfo": {"id": "NET-2026-01"},
                "secondaryIdInfos": [{"id": f"2025-{nct[-6:]}-56", "type": "EUDRACT_NUMBER"}],
                "briefTitle": "Lenvatinib for Advanced Pancreatic Neuroendocrine Tumours",
                "officialTitle": "A Phase 2 Study of Lenvatinib in Advanced Pancreatic NET",
                "acronym": "LENPAN",
            },
            "statusModule": {
                "overallStatus": "RECRUITING",
                "startDateStruct": {"date": "2026-03"},
                "completionDateStruct": {"date": "2029"},
                "lastUpdatePostDateStruct": {"date": "2026-10-01"},
            },
            "sponsorCollaboratorsModule": {
                "leadSponsor": {"name": "The Christie NHS Foundation Trust"},
                "collaborators": [{"name": "Eisai"}],
            },
            "descriptionModule": {"briefSummary": "Lenvatinib is tested.", "detailedDescription": "More detail."},
            "conditionsModule": {
                "conditions": ["Pancreatic Neuroendocrine Tumour", "Liver metastases"],
                "keywords": ["pNET", "tyrosine kinase inhibitor"],
            },
            "designModule": {
                "studyType": "INTERVENTIONAL",
                "phases": ["PHASE2"],
                "designInfo": {"primaryPurpose": "TREATMENT"},
            },
            "armsInterventionsModule": {
                "interventions": [
                    {"type": "DRUG", "name": "Lenvima"},
                    {"type": "DRUG", "name": "Xaluritamig", "otherNames": ["AMG 509"]},
                ]
            },
            "eligibilityModule": {
                "eligibilityCriteria": "Inclusion Criteria:\n\n* Grade 1 or 2 pancreatic NET\n* ECOG 0 or 1\n\n"
                "Exclusion Criteria:\n\n* Prior lenvatinib",
                "minimumAge": "18 Years",
                "maximumAge": "75 Years",
                "sex": "FEMALE",
            },
            "contactsLocationsModule": {
                "overallOfficials": [{"name": "Dr A Lamarca", "role": "PRINCIPAL_INVESTIGATOR"}],
                "locations": [
                    {
                        "facility": "The Christie",
                        "status": "RECRUITING",
                        "city": "Manchester",
                        "zip": "M20 4BX",
                        "country": "United Kingdom",
                        "geoPoint": {"lat": 53.4291, "lon": -2.2302},
                    },
                    {"facility": "Royal Free Hospital", "city": "London", "country": "United Kingdom"},
                ],
            },
        },
        "hasResults": False,
    }
    for path, value in modules.items():
        node = study["protocolSection"]
        *parents, last = path.split("__")
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    return study


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Work in a temporary folder: files are named in reports as they are given, here relative."""
    monkeypatch.chdir(tmp_path)


def write(tmp_path: Path, name: str, data: Any) -> Path:
    (tmp_path / name).write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return Path(name)


# Real records ---------------------------------------------------------------------------------


def test_it_imports_every_real_record_in_every_shape() -> None:
    report = run(V2)

    assert (report.created, report.updated, report.unchanged, report.failures) == (36, 0, 0, [])
    assert Trial.objects.count() == 36
    assert not Trial.objects.filter(published=True).exists()
    # The same study in a single-record file and a /studies page is one trial, its copies combined.
    assert report.notes == [
        "v2/get_nct06382129_20260811.json study (NCT06382129) also appears as "
        "v2/search_nsclc_egfr_l858r_20260811.json studies[0]; combined.",
        "v2/get_nct06604689_20260811.json study (NCT06604689) also appears as "
        "v2/search_nsclc_egfr_l858r_20260811.json studies[1]; combined.",
        "v2/search_phelan_limit50_20260811.json studies[0] (NCT02710084) also appears as "
        "v2/search_phelan_limit5_20260811.json studies[0]; combined.",
        "v2/search_phelan_limit50_20260811.json studies[1] (NCT05105685) also appears as "
        "v2/search_phelan_limit5_20260811.json studies[1]; combined.",
        "v2/search_phelan_limit50_20260811.json studies[2] (NCT01525901) also appears as "
        "v2/search_phelan_limit5_20260811.json studies[2]; combined.",
    ]


def test_importing_the_real_records_again_changes_nothing() -> None:
    run(V2)
    before = history_counts()

    report = run(V2, today=TODAY + dt.timedelta(days=3))

    assert (report.created, report.updated, report.unchanged, report.failed) == (0, 0, 36, 0)
    assert history_counts() == before
    assert record("NCT02513394").source == "ClinicalTrials.gov record NCT02513394, imported 2026-11-24"


# (nct, status, phase, trial_type, min_age, max_age, sexes, inclusions, exclusions, first inclusion,
#  sites, (a site, its town, recruiting), supported_by[0], start, start precision, end, last update, eudract)
REAL = [
    (
        "NCT02513394",
        "results",
        "phase_3",
        "treatment",
        18,
        None,
        (),
        21,
        13,
        "Signed informed consent prior to study specific procedures.",
        437,
        ("ASST Bergamo Ovest", "Treviglio", False),
        "Alliance Foundation Trials, LLC.",
        "2015-08",
        "month",
        "2025-09",
        dt.date(2023, 6, 15),
        "2014-005181-30",
    ),
    (
        "NCT00763412",
        "results",
        "",
        "other",
        12,
        24,
        (),
        5,
        6,
        "Male or females 12 -24 years old",
        1,
        ("Washington University School of Medicine", "Saint Louis", False),
        "Arbelaez, Ana Maria",
        "2006-11",
        "month",
        "2013-01",
        dt.date(2017, 6, 5),
        "",
    ),
    (
        "NCT04431453",
        "results",
        "phase_2_3",
        "treatment",
        None,
        18,
        (),
        3,
        7,
        "Aged < 18 years of age who meet one of the following weight criteria (where permitted according to "
        "local law and approved nationally and by relevant institutional review board (IRB) or independent "
        "ethics committee (IEC)). a) Cohort 1: ≥ 12 years to < 18 years of age and weight at screening ≥ 40 kg; "
        "b) Cohorts 2-4: ≥ 28 days to < 18 years of age and weight at screening ≥ 3 kg and < 40 kg; "
        "c) Cohort 5: ≥ 14 days to < 28 days of age, gestational age > 37 weeks and weight at screening ≥ 2.5 kg; "
        "d) Cohort 6: 0 days to < 14 days of age, gestational age > 37 weeks and birth weight of ≥ 2.5 kg; "
        "e) Cohort 7: 0 days to < 56 days of age, gestational age ≤ 37 weeks and birth weight of ≥ 1.5 kg; "
        "f) Cohort 8: < 12 years of age and weight at screening ≥ 40 kg",
        32,
        ("Alder Hey Children's NHS Foundation Trust", "Liverpool", False),
        "Gilead Sciences",
        "2020-07-21",
        "day",
        "2023-02-10",
        dt.date(2023, 12, 22),
        "2020-001803-17",
    ),
    (
        "NCT03281889",
        "open",
        "",
        "treatment",
        3,
        18,
        (),
        5,
        5,
        "Age ≥ 3 years and ≤ 18 years at the time of registration",
        2,
        ("MD Anderson Cancer Center", "Houston", True),
        "Massachusetts General Hospital",
        "2018-01-04",
        "day",
        "2025-03-31",
        dt.date(2021, 1, 5),
        "",
    ),
    (
        "NCT03475563",
        "closed",
        "",
        "other",
        18,
        None,
        (),
        5,
        7,
        "Age over 18 years.",
        3,
        ("Hospital Universitari Parc Taulí", "Sabadell", True),
        "Hospital Universitari Vall d'Hebron Research Institute",
        "2018-08-16",
        "day",
        "2019-12-30",
        dt.date(2019, 11, 27),
        "",
    ),
    (
        "NCT06382129",
        "closed",
        "phase_3",
        "other",
        18,
        None,
        (),
        12,
        26,
        "Voluntarily sign the informed consent and follow the requirements of the protocol;",
        0,
        None,
        "Sichuan Baili Pharmaceutical Co., Ltd.",
        "2024-05-17",
        "day",
        "2026-12",
        None,
        "",
    ),
]


def mapped_fields(data: TrialData, site_name: str | None) -> tuple[Any, ...]:
    site = next(((loc.hospital.town, loc.recruiting) for loc in data.locations if loc.hospital.name == site_name), None)
    start, end = data.recruitment_start, data.recruitment_end
    return (
        data.nct,
        data.status,
        data.phase,
        data.trial_type,
        data.min_age,
        data.max_age,
        data.sexes,
        [c.kind for c in data.criteria].count("inclusion"),
        [c.kind for c in data.criteria].count("exclusion"),
        data.criteria[0].text,
        len(data.locations),
        (site_name, *site) if site else None,
        data.supported_by[0],
        start.isoformat() if start else None,
        start.precision if start else None,
        end.isoformat() if end else None,
        data.registry_last_updated,
        data.eudract,
    )


def test_it_maps_the_fields_of_real_records() -> None:
    run(V2)

    for expected in REAL:
        nct, site = expected[0], expected[11]
        data = record(nct)
        assert mapped_fields(data, site[0] if site else None) == expected
        assert all(c.rule is None for c in data.criteria)
        assert data.source_url == f"https://clinicaltrials.gov/study/{nct}"
        assert data.source == f"ClinicalTrials.gov record {nct}, imported 2026-11-24"
        assert data.published is False


def test_the_large_pallas_record_keeps_what_has_no_field_as_text() -> None:
    run(V2 / "NCT02513394.json")
    data = record("NCT02513394")

    assert (data.slug, data.title, data.acronym) == (
        "pallas-nct02513394",
        "PALbociclib CoLlaborative Adjuvant Study",
        "PALLAS",
    )
    assert data.chief_investigator == "Suzanne George, MD"
    assert data.registry_conditions == ("Breast Cancer",)
    assert [(i.slug, i.kind) for i in data.interventions] == [
        ("palbociclib", "targeted_drug"),
        ("standard-adjuvant-endocrine-therapy", "other"),
    ]
    assert set(Intervention.objects.filter(needs_review=True).values_list("slug", flat=True)) == {
        "palbociclib",
        "standard-adjuvant-endocrine-therapy",
    }
    lines = data.other_information.splitlines()
    assert lines[:6] == [
        "From the ClinicalTrials.gov record:",
        "- Registry status: Active, not recruiting",
        "- Study type: Interventional; primary purpose: Treatment; phases: Phase 3",
        "- Enrolment: 5796 people (actual)",
        "- Sponsor's study number: AFT-05",
        "- Other identifiers: ABCSG 42 (ABCSG GmbH); BIG 14-03 (Breast International Group)",
    ]
    assert "- Keywords: HR+/HER2- breast cancer; Palbociclib" in lines


def test_a_study_without_a_status_module_is_a_closed_trial_or_results() -> None:
    run(V2 / "NCT00465816.json", V2 / "NCT03453554.json")

    assert record("NCT00465816").status == "results"  # hasResults: true
    assert record("NCT03453554").status == "closed"
    assert record("NCT03453554").title == "Evaluating a Digital..."
    assert record("NCT03453554").slug == "evaluating-a-digital-nct03453554"


def test_it_rejects_the_flattened_trialgpt_files_with_a_reason() -> None:
    report = run(FLATTENED)

    reason = (
        "not ClinicalTrials.gov API v2 JSON: expected a study (with protocolSection), a /studies page (with "
        "studies) or a list of studies; found an object with keys brief_summary, condition, maximum_age, "
        "minimum_age, nctid, overall_status."
    )
    assert [str(f) for f in report.failures] == [
        f"net-flattened/NCT01466036.json file: {reason}",
        f"net-flattened/NCT01824875.json file: {reason}",
        f"net-flattened/NCT02678780.json file: {reason}",
    ]
    assert report.summary() == "0 created, 0 updated, 0 unchanged, 3 failed"


# Mapping --------------------------------------------------------------------------------------


def test_it_reads_a_plain_list_of_studies(seeded: None, tmp_path: Path) -> None:
    path = write(tmp_path, "download.json", [net_study("NCT09000001"), net_study("NCT09000002")])

    report = run(path)

    assert report.summary() == "2 created, 0 updated, 0 unchanged, 0 failed"
    assert sorted(Trial.objects.filter(nct_id__startswith="NCT090").values_list("slug", flat=True)) == [
        "lenpan-nct09000001",
        "lenpan-nct09000002",
    ]


def test_it_maps_a_net_study_onto_the_vocabulary(seeded: None, tmp_path: Path) -> None:
    run(write(tmp_path, "study.json", net_study()))
    data = record("NCT09000001")

    assert (data.status, data.phase, data.trial_type) == ("open", "phase_2", "treatment")
    # "Pancreatic Neuroendocrine Tumour" is a synonym of a tumour type (case-insensitive), "pNET" too.
    assert [t.slug for t in data.cancer_types] == ["pancreatic-net"]
    assert data.registry_conditions == ("Liver metastases",)
    assert "- Keywords: tyrosine kinase inhibitor" in data.other_information.splitlines()
    # "Lenvima" is a synonym of lenvatinib; Xaluritamig is new and waits for review.
    assert [i.slug for i in data.interventions] == ["lenvatinib", "xaluritamig"]
    new = Intervention.objects.get(slug="xaluritamig")
    assert (new.name, new.kind, new.synonyms, new.needs_review) == ("Xaluritamig", "other", ["AMG 509"], True)
    assert Intervention.objects.get(slug="lenvatinib").needs_review is False
    assert (data.min_age, data.max_age) == (18, 75)
    assert data.sexes == ("female",)
    assert [(c.kind, c.text) for c in data.criteria] == [
        ("inclusion", "Grade 1 or 2 pancreatic NET"),
        ("inclusion", "ECOG 0 or 1"),
        ("exclusion", "Prior lenvatinib"),
    ]
    assert data.eudract == "2025-000001-56"
    assert data.chief_investigator == "Dr A Lamarca"
    assert data.supported_by == ("The Christie NHS Foundation Trust", "Eisai")
    assert data.recruitment_start == PartialDate(dt.date(2026, 3, 1), "month")
    assert data.recruitment_end == PartialDate(dt.date(2029, 1, 1), "year")
    assert data.registry_last_updated == dt.date(2026, 10, 1)


@pytest.mark.parametrize(
    ("minimum", "maximum", "expected"),
    [
        ("18 Years", "75 Years", (18, 75)),
        ("6 Months", "18 Months", (0, 1)),
        ("N/A", "N/A", (None, None)),
        (None, None, (None, None)),
        ("16 years", "5200 Weeks", (16, 100)),
    ],
)
def test_it_reads_ages_in_whole_years(
    tmp_path: Path, minimum: str | None, maximum: str | None, expected: tuple[int | None, int | None]
) -> None:
    study = net_study()
    eligibility = study["protocolSection"]["eligibilityModule"]
    for key, value in (("minimumAge", minimum), ("maximumAge", maximum)):
        if value is None:
            del eligibility[key]
        else:
            eligibility[key] = value
    assert run(write(tmp_path, "s.json", study)).failed == 0
    data = record("NCT09000001")
    assert (data.min_age, data.max_age) == expected


@pytest.mark.parametrize(
    ("status", "has_results", "expected"),
    [
        ("RECRUITING", False, "open"),
        ("NOT_YET_RECRUITING", False, "open"),
        ("ENROLLING_BY_INVITATION", False, "open"),
        ("ACTIVE_NOT_RECRUITING", False, "closed"),
        ("SUSPENDED", False, "closed"),
        ("COMPLETED", False, "closed"),
        ("TERMINATED", False, "closed"),
        ("WITHDRAWN", False, "closed"),
        ("UNKNOWN", False, "closed"),
        ("COMPLETED", True, "results"),
        ("RECRUITING", True, "open"),
    ],
)
def test_it_maps_the_overall_status(tmp_path: Path, status: str, has_results: bool, expected: str) -> None:
    study = net_study(statusModule__overallStatus=status)
    study["hasResults"] = has_results

    run(write(tmp_path, "s.json", study))

    assert record("NCT09000001").status == expected


@pytest.mark.parametrize(
    ("phases", "expected"),
    [
        (["EARLY_PHASE1"], "phase_0"),
        (["PHASE1"], "phase_1"),
        (["PHASE1", "PHASE2"], "phase_1_2"),
        (["PHASE2", "PHASE3"], "phase_2_3"),
        (["PHASE4"], "phase_4"),
        (["NA"], ""),
        ([], ""),
    ],
)
def test_it_maps_phases(tmp_path: Path, phases: list[str], expected: str) -> None:
    run(write(tmp_path, "s.json", net_study(designModule__phases=phases)))

    assert record("NCT09000001").phase == expected


@pytest.mark.parametrize(
    ("study_type", "purpose", "expected"),
    [
        ("INTERVENTIONAL", "TREATMENT", "treatment"),
        ("INTERVENTIONAL", "DIAGNOSTIC", "diagnosis"),
        ("INTERVENTIONAL", "SCREENING", "screening"),
        ("INTERVENTIONAL", "SUPPORTIVE_CARE", "supportive_care"),
        ("INTERVENTIONAL", "BASIC_SCIENCE", "biology"),
        ("INTERVENTIONAL", "PREVENTION", "other"),
        ("OBSERVATIONAL", None, "other"),
        ("EXPANDED_ACCESS", None, "treatment"),
    ],
)
def test_it_maps_study_type_and_purpose(tmp_path: Path, study_type: str, purpose: str | None, expected: str) -> None:
    design: dict[str, Any] = {"studyType": study_type}
    if purpose:
        design["designInfo"] = {"primaryPurpose": purpose}

    run(write(tmp_path, "s.json", net_study(designModule=design)))

    assert record("NCT09000001").trial_type == expected


def test_a_dry_run_reports_and_writes_nothing(tmp_path: Path) -> None:
    report = run(write(tmp_path, "s.json", net_study()), dry_run=True)

    assert report.summary() == "1 created, 0 updated, 0 unchanged, 0 failed"
    assert not Trial.objects.exists()
    assert not Intervention.objects.exists()


def test_publish_publishes_and_a_later_import_keeps_it_published(tmp_path: Path) -> None:
    path = write(tmp_path, "s.json", net_study())
    run(path, publish=True)
    assert record("NCT09000001").published is True

    assert run(path).unchanged == 1
    assert record("NCT09000001").published is True


# Re-imports and an admin's edits -------------------------------------------------------------


def test_a_reimport_updates_registry_fields_in_place_and_keeps_an_admins_edits(seeded: None, tmp_path: Path) -> None:
    run(write(tmp_path, "s.json", net_study()))
    trial = Trial.objects.get(nct_id="NCT09000001")
    trial_id = trial.pk
    # An admin curates the imported trial.
    trial.slug = "lenvatinib-for-pancreatic-net"
    trial.published = True
    trial.hospital_visits = "You see the team every 4 weeks."
    trial.grades = ["G1", "G2"]
    trial.save()
    trial.tumour_types.add(TumourType.objects.get(slug="neuroendocrine-tumour"))
    criterion = trial.criteria.get(text="ECOG 0 or 1")
    criterion.rule = {"fact": "ecog", "operator": "lte", "value": 1}
    criterion.save()

    changed = net_study(
        descriptionModule={"briefSummary": "Lenvatinib is tested in a new way."},
        statusModule={"overallStatus": "ACTIVE_NOT_RECRUITING", "startDateStruct": {"date": "2026-03"}},
    )
    report = run(write(tmp_path, "s.json", changed), today=TODAY + dt.timedelta(days=1))

    assert report.summary() == "0 created, 1 updated, 0 unchanged, 0 failed"
    data = record("NCT09000001")
    trial = Trial.objects.get(nct_id="NCT09000001")
    assert trial.pk == trial_id
    # What the registry holds is updated ...
    assert (data.summary, data.status) == ("Lenvatinib is tested in a new way.", "closed")
    assert data.source == "ClinicalTrials.gov record NCT09000001, imported 2026-11-25"
    # ... a key the record no longer gives (the detailed description here) is left alone ...
    assert data.more_about == "More detail."
    # ... and the admin's edits survive.
    assert (data.slug, data.published, data.hospital_visits, data.grades) == (
        "lenvatinib-for-pancreatic-net",
        True,
        "You see the team every 4 weeks.",
        ("G1", "G2"),
    )
    assert [t.slug for t in data.cancer_types] == ["neuroendocrine-tumour", "pancreatic-net"]
    assert [(c.text, c.rule) for c in data.criteria if c.rule] == [
        ("ECOG 0 or 1", {"fact": "ecog", "operator": "lte", "value": 1})
    ]


def test_an_admin_marked_results_is_not_downgraded_to_closed(tmp_path: Path) -> None:
    path = write(tmp_path, "s.json", net_study(statusModule__overallStatus="COMPLETED"))
    run(path)
    Trial.objects.filter(nct_id="NCT09000001").update(status="results")

    assert run(path).unchanged == 1
    assert record("NCT09000001").status == "results"


# Broken inputs --------------------------------------------------------------------------------


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


def test_the_command_prints_each_failure_and_the_summary_and_exits_non_zero(tmp_path: Path) -> None:
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


def test_the_command_dry_run_writes_nothing(tmp_path: Path) -> None:
    out = io.StringIO()

    call_command("import_ctgov", str(write(tmp_path, "s.json", net_study())), "--dry-run", stdout=out)

    assert out.getvalue().splitlines()[-1] == "Dry run (nothing written): 1 created, 0 updated, 0 unchanged, 0 failed"
    assert not Trial.objects.exists()


def test_the_command_publishes_with_publish(tmp_path: Path) -> None:
    call_command("import_ctgov", str(write(tmp_path, "s.json", net_study())), "--publish", stdout=io.StringIO())

    assert Trial.objects.get(nct_id="NCT09000001").published is True


# Splitting eligibility text -------------------------------------------------------------------


def test_it_splits_criteria_with_headings_in_any_case_bullets_numbers_and_sub_bullets() -> None:
    text = (
        "Patients must be fit.\n\n"
        "KEY INCLUSION CRITERIA\n"
        "1. Age \\>= 18\n"
        "2) Adequate organ function:\n"
        "   * Neutrophils >= 1.5\n"
        "   * Platelets >= 100\n"
        "- Measurable disease by\n"
        "  RECIST 1.1\n\n"
        "exclusion criteria:\n"
        "For women:\n"
        "* Pregnant\n"
        "• Brain metastases\n"
        "* None\n"
    )

    assert split_criteria(text) == [
        ("inclusion", "Patients must be fit."),
        ("inclusion", "Age >= 18"),
        ("inclusion", "Adequate organ function: Neutrophils >= 1.5; Platelets >= 100"),
        ("inclusion", "Measurable disease by RECIST 1.1"),
        ("exclusion", "For women: Pregnant"),
        ("exclusion", "For women: Brain metastases"),
    ]


def test_it_keeps_lines_without_bullets_as_criteria() -> None:
    assert split_criteria("Inclusion Criteria: adults\nECOG 0-1\nExclusion of none") == [
        ("inclusion", "adults"),
        ("inclusion", "ECOG 0-1"),
        ("inclusion", "Exclusion of none"),
    ]


def test_copies_of_a_study_are_combined_with_the_first_winning() -> None:
    report = run(V2 / "get_nct06382129_20260811.json", V2 / "search_nsclc_egfr_l858r_20260811.json")

    assert report.summary() == "2 created, 0 updated, 0 unchanged, 0 failed"
    data = record("NCT06382129")
    assert [i.slug for i in data.interventions] == ["bl-b01d1", "docetaxel"]
    assert Intervention.objects.get(slug="bl-b01d1").synonyms == ["iza-bren", "izalontamab brengitecan", "BMS-986507"]
    assert len(data.criteria) == 38


def test_an_age_over_the_limit_or_below_the_minimum_is_refused(tmp_path: Path) -> None:
    over = net_study("NCT09000001", eligibilityModule__maximumAge="200 Years")
    crossed = net_study("NCT09000002", eligibilityModule__maximumAge="6 Months")

    report = run(write(tmp_path, "s.json", [over, crossed]))

    assert [str(f) for f in report.failures] == [
        "s.json [0] (NCT09000001): protocolSection.eligibilityModule.maximumAge: '200 Years' is over 120 years.",
        "s.json [1] (NCT09000002): eligibility.max_age: must not be below min_age.",
    ]
