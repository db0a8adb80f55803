"""Importing the real ClinicalTrials.gov records we ship, in every file shape they come in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.trials.importers.ctgov.studies import FLATTENED, TODAY, V2, history_counts, record, run
from trials.record.data import TrialData
from trials.registry.models import Intervention, Trial

pytestmark = pytest.mark.django_db


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
        # The site says RECRUITING but the study's status is UNKNOWN (closed): a closed trial's site never recruits.
        ("Hospital Universitari Parc Taulí", "Sabadell", False),
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
