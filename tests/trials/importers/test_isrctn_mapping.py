"""Mapping ISRCTN trials onto trial fields: the recorded samples, and each decision on made-up variations."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from tests.trials.importers.standin import ISRCTN_DATA
from trials.importers.isrctn.mapping import (
    IsrctnMappingError,
    MappedIntervention,
    MappedIsrctnTrial,
    RegistryStatus,
    Site,
    derive_status,
    map_isrctn_trial,
)
from trials.importers.isrctn.reading import AgeLimit, Intervention, IsrctnTrial, read_isrctn_xml

TODAY = dt.date(2026, 11, 30)


def trial(name: str, position: int = 0) -> IsrctnTrial:
    return read_isrctn_xml((ISRCTN_DATA / name).read_bytes(), name).trials[position]


CRUK = "record_ISRCTN62918594_HMBD-001_CRUK.xml"


def test_the_cruk_record_maps_to_trial_fields() -> None:
    mapped = map_isrctn_trial(trial(CRUK), today=TODAY)

    assert mapped == MappedIsrctnTrial(
        isrctn="ISRCTN62918594",
        title="A Phase I/IIa trial of HMBD-001 in advanced HER3-positive solid tumours",
        status=RegistryStatus("closed", "No longer recruiting", "the recruitment end date, 2024-08-19", TODAY),
        trial_type="treatment",
        official_title=(
            "A Cancer Research UK Phase I/IIa open-label, dose escalation and expansion trial of HMBD-001 (an "
            "anti-HER3 monoclonal antibody) given intravenously as a single agent and in combination in patients "
            "with advanced HER3-positive solid tumours"
        ),
        acronym="",
        summary="",
        more_about=(
            "Primary Objectives:\n1.\tTo propose a recommended dose and schedule for Phase II evaluation (RP2D) of "
            "HMBD-001 as a single agent\n2.\tTo establish the maximum tolerated dose or maximum administered dose "
            "of HMBD 001 in patients with advanced ..."
        ),
        nct="NCT05057013",
        eudract="2020-005891-36",
        iras="298897",
        cpms="49816",
        phase="phase_1_2",
        min_age=16,
        max_age=110,
        sexes=(),
        criteria=(
            (
                "inclusion",
                "Written (signed and dated) informed consent and be capable of co-operating with HMBD-001 "
                "administration and follow-up.",
            ),
            ("inclusion", "Part A: Monotherapy Dose Escalation"),
            ("inclusion", "Histologically confirmed advanced or metastatic solid tumours resistant or ..."),
            (
                "exclusion",
                "Radiotherapy (except for palliative reasons), chemotherapy, endocrine therapy (with the exceptions "
                "of life-long hormone suppression such as luteinising hormone-releasing hormone [LHRH] agents in "
                "prostate cancer and patients that are ...",
            ),
        ),
        conditions=(
            "Bladder Cancer",
            "Triple Negative Breast Cancer",
            "Castration-resistant Prostate Cancer (metastatic)",
            "Cervical Cancer",
            "RAS Wild Type Colorectal Cancer",
            "Endometrial Cancer",
            "Gastric Cancer",
            "Hepatocellular Carcinoma",
            "Melanoma",
            "Non-small Cell Lung ...",
        ),
        interventions=(MappedIntervention("HMBD-001", "DRUG"),),
        sites=(
            Site("Royal Marsden NHS Foundation Trust", "London", "", "England"),
            Site("Churchill Hospital", "Oxford", "", "England"),
        ),
        countries=("United Kingdom",),
        supported_by=("Cancer Research UK",),
        recruitment_start=dt.date(2021, 10, 7),
        recruitment_end=dt.date(2024, 8, 19),
        registry_last_updated=dt.date(2026, 9, 30),
        has_results=True,
        source_url="https://www.isrctn.com/ISRCTN62918594",
        info=(
            (
                "Registry status",
                "No longer recruiting (worked out from the recruitment end date, 2024-08-19)",
            ),
            ("Study design", "Interventional; purposes: Treatment; trial types: Treatment; phase: Phase I/II"),
            ("Enrolment", "81 people (target)"),
            ("Ages", "16 Years to 110 Years (Mixed)"),
            ("Sponsor's study number", "CPMS: 49816, CRUKD/22/002"),
            ("Other identifiers", "CPMS 49816; CTIS2020-005891-36-00 (CTIS); doi:10.1186/ISRCTN62918594"),
            ("Disease category", "Cancer"),
            (
                "Interventions",
                "Drug: HMBD-001 (This is an open label, multi-centre, first in human, Phase I/IIa adaptive design "
                "trial with initial single patient intrapatient dose escalation followed by inter-patient dose "
                "escalation to determine the recommended Phase II dose (RP2D) of ...)",
            ),
            (
                "Primary outcomes",
                "1. Number of patients who experienced Dose Limiting Toxicities (DLTs) (Part A) DLTs graded for "
                "severity using the National Cancer Institute (NCI) Common Terminology Criteria for Adverse Events "
                "(CTCAE) version (v) 5.0, measured by count of ...",
            ),
            ("Recruitment countries", "United Kingdom, England"),
            (
                "Results",
                "Results. 2023 Abstract results in https://doi.org/10.1016/j.annonc.2023.09.1873 (added 30/09/2026) "
                "2023 Abstract results in https://doi.org/10.1016/j.annonc.2023.09.1874 (added 30/09/2026). Basic "
                "results see attached file ISRCTN62918594_BasicResults_12Aug2026.pdf (added 01/09/2026)",
            ),
        ),
    )
    assert mapped.other_information.splitlines()[:3] == [
        "From the ISRCTN record:",
        "- Registry status: No longer recruiting (worked out from the recruitment end date, 2024-08-19)",
        "- Study design: Interventional; purposes: Treatment; trial types: Treatment; phase: Phase I/II",
    ]


def test_pace_keeps_its_short_acronym_drops_the_placeholder_summary_and_lists_its_funders() -> None:
    mapped = map_isrctn_trial(trial("record_ISRCTN54285094_PACE.xml"), today=TODAY)

    assert (mapped.acronym, mapped.summary, mapped.phase, mapped.trial_type) == ("PACE", "", "", "treatment")
    assert (mapped.min_age, mapped.max_age) == (18, None)
    assert mapped.conditions == ("Symptoms and general pathology", "Chronic fatigue syndrome (CFS)")
    assert mapped.interventions == ()
    assert mapped.supported_by == (
        "Queen Mary University of London (UK)",
        "Medical Research Council (MRC) (UK)",
        "The Scottish Chief Scientist's Office (UK)",
        "Department of Health in England and Wales (UK)",
        "Department for Work and Pensions (UK)",
    )
    assert mapped.has_results is True
    assert mapped.sites == (Site("St Bartholomew's Hospital", "London", "", "United Kingdom"),)


def test_heritage_is_observational_and_its_criteria_keep_their_cohort_labels() -> None:
    mapped = map_isrctn_trial(trial("search_mecfs_query_default.xml", 0), today=TODAY)

    assert mapped.trial_type == "other"
    assert mapped.criteria == (
        ("inclusion", "Aged 18 years and over"),
        ("inclusion", "All genders"),
        ("inclusion", "Ability to provide informed consent"),
        ("inclusion", "Have had symptoms of persistent LC or ME/CFS for >2 years"),
        ("inclusion", "Clinic cohort: Individuals who at study baseline, have ..."),
        (
            "exclusion",
            "Clinic cohort: Individuals who, during follow‑up, receive an alternative diagnosis or enter non‑HERITAGE "
            "specialist services will be withdrawn from follow‑up for WP1/WP2",
        ),
        ("exclusion", "Clinic cohort: Individuals will be ..."),
    )


def test_the_coaching_trial_is_a_treatment_trial_and_its_sponsors_come_before_its_funders() -> None:
    mapped = map_isrctn_trial(trial("search_mecfs_query_default.xml", 1), today=TODAY)

    assert mapped.trial_type == "treatment"  # Treatment outranks supportive care and device feasibility.
    assert mapped.supported_by[:4] == (
        "Université Paris-Est Créteil",
        "University of British Columbia",
        "Institute for Microelectronics and Microsystems",
        "Riga Stradiņš University",
    )
    assert len(mapped.supported_by) == 9
    assert dict(mapped.info)["Other identifiers"] == "doi:10.1186/ISRCTN16025168"
    assert dict(mapped.info)["Sponsor's study number"] == "GA N° 101095654, THCS2025-404"


def base(**changes: object) -> IsrctnTrial:
    return dataclasses.replace(IsrctnTrial(source="made up", isrctn="ISRCTN12345678", title="A trial"), **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"recruitment_start": dt.date(2027, 1, 4), "recruitment_end": dt.date(2028, 1, 1)},
            ("open", "Not yet recruiting", "the recruitment dates, from 2027-01-04"),
            id="starts after today",
        ),
        pytest.param(
            {"recruitment_start": dt.date(2026, 1, 1), "recruitment_end": TODAY},
            ("open", "Recruiting", "the recruitment dates, 2026-01-01 to 2026-11-30"),
            id="ends today",
        ),
        pytest.param(
            {"recruitment_start": dt.date(2026, 1, 1)},
            ("open", "Recruiting", "the recruitment dates, 2026-01-01"),
            id="started, no end",
        ),
        pytest.param(
            {"recruitment_start": dt.date(2024, 1, 1), "recruitment_end": dt.date(2026, 11, 29)},
            ("closed", "No longer recruiting", "the recruitment end date, 2026-11-29"),
            id="ended yesterday",
        ),
        pytest.param(
            {"recruitment_start": dt.date(2024, 1, 1), "overall_end": dt.date(2025, 1, 1)},
            ("closed", "No longer recruiting", "the recruitment end date, 2025-01-01"),
            id="no recruitment end, trial ended",
        ),
        pytest.param({}, ("closed", "Not known", "a record without a recruitment start date"), id="no dates"),
        pytest.param(
            {"recruitment_start": dt.date(2026, 1, 1), "recruitment_status_override": "Suspended"},
            ("closed", "Suspended", "the registrant's recruitment status override"),
            id="suspended by the registrant",
        ),
        pytest.param(
            {"recruitment_end": dt.date(2020, 1, 1), "recruitment_status_override": "Recruiting"},
            ("open", "Recruiting", "the registrant's recruitment status override"),
            id="recruiting past the end date",
        ),
        pytest.param(
            {"recruitment_status_override": "Recruiting", "overall_status_override": "Stopped"},
            ("closed", "Stopped", "the registry's status override"),
            id="stopped outranks recruiting",
        ),
        pytest.param(
            {"recruitment_start": dt.date(2026, 1, 1), "recruitment_start_status_override": "Not yet recruiting"},
            ("open", "Not yet recruiting", "the registrant's start status override"),
            id="start delayed",
        ),
        pytest.param(
            {
                "recruitment_start": dt.date(2020, 1, 1),
                "recruitment_end": dt.date(2021, 1, 1),
                "recruitment_start_status_override": "Not yet recruiting",
            },
            ("closed", "No longer recruiting", "the recruitment end date, 2021-01-01"),
            id="start override after the end",
        ),
    ],
)
def test_the_status_is_derived_from_overrides_then_dates_as_of_today(
    changes: dict[str, object], expected: tuple[str, str, str]
) -> None:
    status = derive_status(base(**changes), today=TODAY)

    assert (status.status, status.words, status.basis, status.derived_on) == (*expected, TODAY)


@pytest.mark.parametrize(
    ("lower", "upper", "expected"),
    [
        (AgeLimit(18.0, "years", "18 Years"), AgeLimit(75.0, "years", "75 Years"), (18, 75)),
        (AgeLimit(6.0, "months", "6 Months"), AgeLimit(30.0, "months", "30 Months"), (0, 2)),
        (AgeLimit(17.9, "years", "17.9 Years"), AgeLimit(130.0, "years", "130 Years"), (17, None)),
        (AgeLimit(None, "", "Not Specified"), AgeLimit(None, "", "Not Specified"), (None, None)),
        (AgeLimit(3.0, "fortnights", "3 Fortnights"), None, (None, None)),
        (None, None, (None, None)),
    ],
)
def test_ages_are_whole_years_rounded_down_and_never_invented(
    lower: AgeLimit | None, upper: AgeLimit | None, expected: tuple[int | None, int | None]
) -> None:
    mapped = map_isrctn_trial(base(lower_age=lower, upper_age=upper, age_range="Adult"), today=TODAY)

    assert (mapped.min_age, mapped.max_age) == expected


@pytest.mark.parametrize(
    ("gender", "sexes"),
    [("Female", ("female",)), ("Male", ("male",)), ("All", ()), ("Both", ()), ("Not Specified", ()), ("", ())],
)
def test_only_female_or_male_limit_the_sexes(gender: str, sexes: tuple[str, ...]) -> None:
    assert map_isrctn_trial(base(gender=gender), today=TODAY).sexes == sexes


@pytest.mark.parametrize(
    ("phases", "expected"),
    [
        (["Phase I"], "phase_1"),
        (["Phase I/II"], "phase_1_2"),
        (["Phase II"], "phase_2"),
        (["Phase II/III"], "phase_2_3"),
        (["Phase III"], "phase_3"),
        (["Phase IV"], "phase_4"),
        (["Phase III/IV"], "other"),
        (["Not Applicable"], ""),
        (["Not Specified", ""], ""),
        (["Phase II", "Phase II"], "phase_2"),
        (["Phase II", "Phase III"], "other"),
    ],
)
def test_phases_map_to_ours(phases: list[str], expected: str) -> None:
    interventions = tuple(Intervention("A drug", "Drug", phase) for phase in phases)

    assert map_isrctn_trial(base(interventions=interventions), today=TODAY).phase == expected


def test_drug_names_become_interventions_typed_as_clinicaltrials_gov_types_them() -> None:
    interventions = (
        Intervention("Radioligand therapy", "Drug", "Phase III", "Lutetium (177Lu) oxodotreotide, octreotide LAR"),
        Intervention("Imaging", "Mixed", "", "68Ga-DOTATATE; Octreotide LAR"),
        Intervention("Exercise classes", "Behavioural", "", ""),
    )

    mapped = map_isrctn_trial(base(interventions=interventions), today=TODAY)

    assert mapped.interventions == (
        MappedIntervention("Lutetium (177Lu) oxodotreotide", "DRUG"),
        MappedIntervention("octreotide LAR", "DRUG"),
        MappedIntervention("68Ga-DOTATATE", ""),
    )
    assert dict(mapped.info)["Interventions"] == (
        "Drug: Lutetium (177Lu) oxodotreotide, octreotide LAR (Radioligand therapy); "
        "Mixed: 68Ga-DOTATATE; Octreotide LAR (Imaging); Behavioural (Exercise classes)"
    )


def test_malformed_identifiers_are_kept_as_text_not_dropped() -> None:
    mapped = map_isrctn_trial(
        base(nct="NCT123", eudract="2020-5891-36", iras="IRAS 298897", ctis="CTIS2022-500123-45-00"), today=TODAY
    )

    assert (mapped.nct, mapped.eudract, mapped.iras) == ("", "2022-500123-45-00", "298897")
    assert dict(mapped.info)["Other identifiers"] == (
        "NCT123 (ClinicalTrials.gov, not an NCT number); 2020-5891-36 (EudraCT, not in the EudraCT form); "
        "CTIS2022-500123-45-00 (CTIS)"
    )


def test_a_long_title_is_cut_at_a_word_and_a_trial_without_any_title_is_refused() -> None:
    long = map_isrctn_trial(base(title="word " * 100), today=TODAY)

    assert len(long.title) <= 300
    assert long.title.endswith("word…")
    with pytest.raises(IsrctnMappingError) as raised:
        map_isrctn_trial(base(title=""), today=TODAY)
    assert str(raised.value) == "made up: has neither a title nor a scientific title."


def test_a_centre_without_a_name_is_named_by_its_town() -> None:
    from trials.importers.isrctn.reading import TrialCentre

    mapped = map_isrctn_trial(
        base(centres=(TrialCentre("", city="Leeds", country="England", postcode="ls9 7tf"),)), today=TODAY
    )

    assert mapped.sites == (Site("Study site in Leeds", "Leeds", "LS9 7TF", "England"),)
