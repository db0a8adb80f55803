"""Reading ISRCTN API XML: every recorded sample field by field, and hostile or broken XML refused."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from tests.trials.importers.standin import ISRCTN_DATA
from trials.importers.isrctn.reading import (
    AgeLimit,
    Condition,
    Funder,
    Intervention,
    IsrctnTrial,
    IsrctnXmlInvalid,
    SecondaryNumber,
    Sponsor,
    TrialCentre,
    read_isrctn_xml,
)

UTC = dt.UTC
NS = 'xmlns="http://www.67bricks.com/isrctn"'


def read(name: str) -> Any:
    return read_isrctn_xml((ISRCTN_DATA / name).read_bytes(), name)


def without(trial: IsrctnTrial, *names: str) -> dict[str, Any]:
    return {k: v for k, v in dataclasses.asdict(trial).items() if k not in names}


def test_the_cruk_record_is_read_field_by_field() -> None:
    document = read("record_ISRCTN62918594_HMBD-001_CRUK.xml")

    assert (document.total_count, document.problems) == (1, ())
    assert document.trials == (
        IsrctnTrial(
            source="record_ISRCTN62918594_HMBD-001_CRUK.xml fullTrial[1] (ISRCTN62918594)",
            isrctn="ISRCTN62918594",
            last_updated=dt.datetime(2026, 9, 30, 14, 8, 37, 634588, tzinfo=UTC),
            version="23",
            title="A Phase I/IIa trial of HMBD-001 in advanced HER3-positive solid tumours",
            scientific_title=(
                "A Cancer Research UK Phase I/IIa open-label, dose escalation and expansion trial of HMBD-001 (an "
                "anti-HER3 monoclonal antibody) given intravenously as a single agent and in combination in patients "
                "with advanced HER3-positive solid tumours"
            ),
            acronym="",
            plain_english_summary="",
            study_hypothesis=(
                "Primary Objectives:\n1.\tTo propose a recommended dose and schedule for Phase II evaluation (RP2D) of "
                "HMBD-001 as a single agent\n2.\tTo establish the maximum tolerated dose or maximum administered dose "
                "of HMBD 001 in patients with advanced ..."
            ),
            primary_outcomes=(
                "1.\tNumber of patients who experienced Dose Limiting Toxicities (DLTs) (Part A)\nDLTs graded for "
                "severity using the National Cancer Institute (NCI) Common Terminology Criteria for Adverse Events "
                "(CTCAE) version (v) 5.0, measured by count of ...",
            ),
            doi="10.1186/ISRCTN62918594",
            eudract="2020-005891-36",
            iras="298897",
            nct="NCT05057013",
            cpms="49816",
            ctis="CTIS2020-005891-36-00",
            protocol_serial_number="CPMS: 49816, CRUKD/22/002",
            secondary_numbers=(
                SecondaryNumber("nct", "NCT05057013", "NCT05057013"),
                SecondaryNumber("ctis", "2020-005891-36", "CTIS2020-005891-36-00"),
                SecondaryNumber("iras", "298897", "IRAS298897"),
                SecondaryNumber("cpms", "49816", "CPMS49816"),
                SecondaryNumber("Protocol serial number", "CRUKD/22/002", ""),
            ),
            study_design="",
            primary_study_design="Interventional",
            secondary_study_design="Not applicable",
            purposes=("Treatment",),
            trial_types=("Treatment",),
            overall_status_override="",
            overall_end=dt.date(2025, 9, 10),
            recruitment_countries=("United Kingdom", "England"),
            centres=(
                TrialCentre("Royal Marsden NHS Foundation Trust", city="London", country="England"),
                TrialCentre("Churchill Hospital", city="Oxford", country="England"),
            ),
            healthy_volunteers=False,
            inclusion=(
                "1.\tWritten (signed and dated) informed consent and be capable of co-operating with HMBD-001 "
                "administration and follow-up. \n\n2.\tPart A: Monotherapy Dose Escalation \nHistologically confirmed "
                "advanced or metastatic solid tumours resistant or ..."
            ),
            exclusion=(
                "1.\tRadiotherapy (except for palliative reasons), chemotherapy, endocrine therapy (with the "
                "exceptions of life-long hormone suppression such as luteinising hormone-releasing hormone [LHRH] "
                "agents in prostate cancer and patients that are ..."
            ),
            age_range="Mixed",
            lower_age=AgeLimit(16.0, "years", "16 Years"),
            upper_age=AgeLimit(110.0, "years", "110 Years"),
            gender="All",
            target_enrolment=81,
            recruitment_start=dt.date(2021, 10, 7),
            recruitment_end=dt.date(2024, 8, 19),
            recruitment_start_status_override="",
            recruitment_status_override="",
            conditions=(
                Condition(
                    "Bladder Cancer\nTriple Negative Breast Cancer \nCastration-resistant Prostate Cancer (metastatic) "
                    "\nCervical Cancer\nRAS Wild Type Colorectal Cancer \nEndometrial Cancer \nGastric Cancer "
                    "\nHepatocellular Carcinoma \nMelanoma \nNon-small Cell Lung ...",
                    disease_class_1="Cancer",
                ),
            ),
            interventions=(
                Intervention(
                    "This is an open label, multi-centre, first in human, Phase I/IIa adaptive design trial with initial "
                    "single patient intrapatient dose escalation followed by inter-patient dose escalation to determine "
                    "the recommended Phase II dose (RP2D) of ...",
                    type="Drug",
                    phase="Phase I/II",
                    drug_names="HMBD-001",
                ),
            ),
            publication_stage="Results",
            publication_details=(
                "2023 Abstract results in https://doi.org/10.1016/j.annonc.2023.09.1873 (added 30/09/2026)\n"
                "2023 Abstract results in https://doi.org/10.1016/j.annonc.2023.09.1874 (added 30/09/2026)"
            ),
            basic_report="Basic results see attached file ISRCTN62918594_BasicResults_12Aug2026.pdf (added 01/09/2026)",
            sponsors=(Sponsor("Cancer Research UK", "Charity", "https://ror.org/054225q67", "Non-commercial"),),
            funders=(Funder("Cancer Research UK"),),
        ),
    )


def test_the_2003_pace_record_is_read_with_its_four_funders_and_no_upper_age() -> None:
    (trial,) = read("record_ISRCTN54285094_PACE.xml").trials

    long = ("source", "title", "scientific_title", "study_hypothesis", "primary_outcomes", "inclusion", "exclusion")
    assert without(trial, *long, "conditions", "interventions", "publication_details") == {
        "isrctn": "ISRCTN54285094",
        "last_updated": dt.datetime(2015, 11, 3, 11, 48, 2, 697000, tzinfo=UTC),
        "version": "48",
        "acronym": "PACE: Pacing, Activity, and Cognitive behaviour therapy: a randomised Evaluation",
        "plain_english_summary": "Not provided at time of registration",
        "doi": "10.1186/ISRCTN54285094",
        "eudract": "",
        "iras": "",
        "nct": "",
        "cpms": "",
        "ctis": "",
        "protocol_serial_number": "G0200434",
        "secondary_numbers": ({"number_type": "Protocol serial number", "value": "G0200434", "canonical": ""},),
        "study_design": "Multicentre randomised controlled trial",
        "primary_study_design": "Interventional",
        "secondary_study_design": "Randomised controlled trial",
        "purposes": (),
        "trial_types": ("Treatment",),
        "overall_status_override": "",
        "overall_end": dt.date(2011, 7, 1),
        "recruitment_countries": ("United Kingdom", "England"),
        "centres": (
            {
                "name": "St Bartholomew's Hospital",
                "address": "",
                "city": "London",
                "state": "",
                "country": "United Kingdom",
                "postcode": "",
            },
        ),
        "healthy_volunteers": None,
        "age_range": "Adult",
        "lower_age": {"value": 18.0, "unit": "years", "text": "18 Years"},
        "upper_age": None,
        "gender": "All",
        "target_enrolment": 600,
        "recruitment_start": dt.date(2004, 6, 14),
        "recruitment_end": dt.date(2008, 11, 28),
        "recruitment_start_status_override": "",
        "recruitment_status_override": "",
        "publication_stage": "Results",
        "basic_report": "",
        "sponsors": (
            {
                "organisation": "Queen Mary University of London (UK)",
                "sponsor_type": "University/education",
                "ror": "https://ror.org/026zzn846",
                "commercial_status": "Non-commercial",
            },
        ),
        "funders": (
            {"name": "Medical Research Council (MRC) (UK)", "fund_ref": "http://dx.doi.org/10.13039/501100000265"},
            {"name": "The Scottish Chief Scientist's Office (UK)", "fund_ref": ""},
            {"name": "Department of Health in England and Wales (UK)", "fund_ref": ""},
            {"name": "Department for Work and Pensions (UK)", "fund_ref": ""},
        ),
    }
    assert trial.conditions == (
        Condition(
            "Symptoms and general pathology", "Mental and Behavioural Disorders", "Chronic fatigue syndrome (CFS)"
        ),
    )
    assert [(i.type, i.phase, i.drug_names) for i in trial.interventions] == [("Other", "Not Applicable", "")]
    assert trial.inclusion.splitlines()[:3] == [
        "Consent:",
        "1. Both participant and clinician agree that randomisation is acceptable",
        "2. The participant has given written informed consent",
    ]


def test_the_gefapixant_record_is_read_with_its_dates_and_escaped_text() -> None:
    (trial,) = read("record_ISRCTN38597726_gefapixant.xml").trials

    assert (trial.isrctn, trial.recruitment_start, trial.recruitment_end, trial.overall_end) == (
        "ISRCTN38597726",
        dt.date(2026, 11, 2),
        dt.date(2028, 1, 3),
        dt.date(2028, 1, 5),
    )
    assert (trial.lower_age, trial.upper_age, trial.gender) == (
        AgeLimit(18.0, "years", "18 Years"),
        AgeLimit(75.0, "years", "75 Years"),
        "All",
    )
    assert trial.purposes == ("Basic science",)
    assert trial.trial_types == ()
    assert trial.interventions == (
        Intervention(
            "A single dose of oral gefapixant (45 mg) tablet will be used as a mechanistic tool to investigate whether "
            "P2X3 receptors contribute to carotid chemoreflex hyperactivity in patients with long-COVID\n\n"
            "We will randomise using Sealed Envelope. ...",
            type="Drug",
            phase="Not Applicable",
            drug_names="Gefapixant",
        ),
    )
    # "&lt;" in the XML is the text's "<": the parser unescapes the predefined entities.
    assert "5. Moderate anaemia (Hb <100 g/dl)" in trial.exclusion.splitlines()
    assert trial.centres == (TrialCentre("NIHR Bristol Clinical Research Facility", city="Bristol", country="England"),)
    assert (trial.sponsors, trial.funders) == (
        (Sponsor("University of Bristol", "", "https://ror.org/0524sp257", "Non-commercial"),),
        (Funder("Medical Research Council", "http://dx.doi.org/10.13039/501100000265"),),
    )


def test_a_search_answer_holds_the_trials_sent_and_the_registrys_total() -> None:
    document = read("search_mecfs_query_default.xml")

    assert document.total_count == 11
    assert [t.isrctn for t in document.trials] == ["ISRCTN15375673", "ISRCTN16025168", "ISRCTN16132141"]
    assert [t.source for t in document.trials] == [
        "search_mecfs_query_default.xml fullTrial[1] (ISRCTN15375673)",
        "search_mecfs_query_default.xml fullTrial[2] (ISRCTN16025168)",
        "search_mecfs_query_default.xml fullTrial[3] (ISRCTN16132141)",
    ]
    heritage, coaching, oxlac = document.trials
    assert (heritage.acronym, heritage.primary_study_design, heritage.healthy_volunteers) == (
        "HERITAGE",
        "Observational",
        True,
    )
    assert [c.city for c in heritage.centres] == ["Leicester", "Welwyn Garden City"]
    assert heritage.primary_outcomes == (
        "The development of a national service framework (NSF) for Long COVID and ME/CFS.",
    )
    # Four sponsors and five funders, in the order <parties> names them.
    assert [s.organisation for s in coaching.sponsors] == [
        "Université Paris-Est Créteil",
        "University of British Columbia",
        "Institute for Microelectronics and Microsystems",
        "Riga Stradiņš University",
    ]
    assert [f.name for f in coaching.funders] == [
        "Agence Nationale de la Recherche",
        "Canadian Institutes of Health Research",
        "Ministero dell'Università e della Ricerca",
        "Latvijas Zinātnes Padome",
        "HORIZON EUROPE Reforming and enhancing the European Research and Innovation system",
    ]
    assert coaching.recruitment_countries == ("Canada", "France", "Italy", "Latvia")
    assert coaching.centres == ()
    assert coaching.secondary_numbers == (
        SecondaryNumber("EU Horizon Europe Research and Innovation Programme", "GA N° 101095654"),
        SecondaryNumber("Latvian Council of Science (Latvijas Zinātnes Padome)", "THCS2025-404"),
    )
    assert coaching.purposes == ("Device feasibility", "Health services research", "Supportive care", "Treatment")
    assert coaching.exclusion == (
        "1.\tPrimary psychiatric disorders (e.g., schizophrenia, bipolar disorder)\n"
        "2.\tSevere comorbidities that interfere with participation\n"
        "3.\tCurrent participation in another interventional trial"
    )
    assert (oxlac.acronym, oxlac.trial_types, oxlac.target_enrolment) == ("OxLac", ("Other",), 50)
    assert oxlac.primary_outcomes == ("Lactate concentration in the occipital cortex",)


def test_an_empty_answer_has_no_trials() -> None:
    document = read("empty_result.xml")

    assert (document.total_count, document.trials, document.problems) == (0, (), ())


HOSTILE = {
    "billion laughs": (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        f"<allTrials {NS}><fullTrial><trial><isrctn>12345678</isrctn>"
        "<trialDescription><title>&lol3;</title></trialDescription></trial></fullTrial></allTrials>"
    ),
    "external entity": (
        '<?xml version="1.0"?><!DOCTYPE allTrials [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        f"<allTrials {NS}><fullTrial><trial><isrctn>12345678</isrctn>"
        "<trialDescription><title>&secret;</title></trialDescription></trial></fullTrial></allTrials>"
    ),
    "external DTD": (
        '<?xml version="1.0"?><!DOCTYPE allTrials SYSTEM "http://127.0.0.1:9/evil.dtd">'
        f'<allTrials {NS} totalCount="0"></allTrials>'
    ),
    "parameter entity": (
        '<?xml version="1.0"?><!DOCTYPE allTrials [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x"> %remote;]>'
        f'<allTrials {NS} totalCount="0"></allTrials>'
    ),
}


@pytest.mark.parametrize("xml", HOSTILE.values(), ids=HOSTILE.keys())
def test_xml_with_a_dtd_or_entities_is_refused_naming_the_file(xml: str) -> None:
    with pytest.raises(IsrctnXmlInvalid) as raised:
        read_isrctn_xml(xml.encode(), "upload.xml")

    assert str(raised.value) == (
        "upload.xml: refused: the XML declares a DTD or entities (DTDForbidden), which ISRCTN never sends."
    )


def test_xml_cut_short_is_refused_naming_the_file() -> None:
    content = (ISRCTN_DATA / "record_ISRCTN54285094_PACE.xml").read_bytes()[:2000]

    with pytest.raises(IsrctnXmlInvalid) as raised:
        read_isrctn_xml(content, "PACE.xml")

    assert str(raised.value).startswith("PACE.xml: not well-formed XML (no element found: line ")


def test_a_document_that_is_not_isrctn_xml_is_refused() -> None:
    with pytest.raises(IsrctnXmlInvalid) as raised:
        read_isrctn_xml(b"<html><body>Service temporarily unavailable</body></html>", "answer.xml")

    assert str(raised.value) == "answer.xml: not ISRCTN API XML: the root element is <html>, not <allTrials>."


def test_a_trial_without_a_number_is_skipped_and_reported_while_the_others_are_read() -> None:
    record = (ISRCTN_DATA / "record_ISRCTN38597726_gefapixant.xml").read_text()
    full_trial = record[record.index("<fullTrial>") : record.index("</allTrials>")]
    broken = full_trial.replace("<isrctn dateAssigned", "<isrctnX dateAssigned").replace("</isrctn>", "</isrctnX>")
    broken = broken.replace('publicIdentifierCanonical="ISRCTN38597726"', "")
    content = f'<allTrials {NS} totalCount="2">{broken}{full_trial}</allTrials>'

    document = read_isrctn_xml(content, "two.xml")

    assert [t.isrctn for t in document.trials] == ["ISRCTN38597726"]
    assert document.problems == ("two.xml fullTrial[1]: '' is not an ISRCTN number; skipped.",)


def test_a_bad_date_is_left_empty_and_reported() -> None:
    record = (ISRCTN_DATA / "record_ISRCTN38597726_gefapixant.xml").read_text()
    content = record.replace("2026-11-02T00:00:00.000Z", "2026-13-02T00:00:00.000Z")

    document = read_isrctn_xml(content, "gefapixant.xml")

    assert document.trials[0].recruitment_start is None
    assert document.problems == (
        "gefapixant.xml fullTrial[1] (ISRCTN38597726): recruitmentStart '2026-13-02T00:00:00.000Z' is not a date; "
        "left empty.",
    )


def test_a_sponsor_the_record_does_not_hold_is_reported() -> None:
    record = (ISRCTN_DATA / "record_ISRCTN38597726_gefapixant.xml").read_text()
    content = record.replace("<sponsorId>304af7b4", "<sponsorId>00000000")

    document = read_isrctn_xml(content, "gefapixant.xml")

    assert document.trials[0].sponsors == ()
    assert document.problems == (
        "gefapixant.xml fullTrial[1] (ISRCTN38597726): <parties> names sponsor "
        "00000000-6c0c-4e6e-b2fd-85028531e0ba, which the record does not hold.",
    )
