"""How a ClinicalTrials.gov study maps onto a trial: the vocabulary, ages, status, phase and type."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.trials.importers.ctgov.studies import net_study, record, run, write
from trials.record.data import PartialDate
from trials.registry.models import Intervention, Trial

pytestmark = pytest.mark.django_db


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
    # The registry's own words are kept beside the (here identical) wording patients read.
    assert [c.registry_text for c in data.criteria] == [c.text for c in data.criteria]
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


def test_an_age_over_the_limit_or_below_the_minimum_is_refused(tmp_path: Path) -> None:
    over = net_study("NCT09000001", eligibilityModule__maximumAge="200 Years")
    crossed = net_study("NCT09000002", eligibilityModule__maximumAge="6 Months")

    report = run(write(tmp_path, "s.json", [over, crossed]))

    assert [str(f) for f in report.failures] == [
        "s.json [0] (NCT09000001): protocolSection.eligibilityModule.maximumAge: '200 Years' is over 120 years.",
        "s.json [1] (NCT09000002): eligibility.max_age: must not be below min_age.",
    ]
