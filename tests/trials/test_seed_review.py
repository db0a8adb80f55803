"""The clinical review of the seeded rules: each fix with a patient the trial actually enrolled, through
POST /api/v1/eligibility/ (the engine's explanation, ranked by the SQL ranking). TALENT's cohorts too."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

URL = "/api/v1/eligibility/"
CLARINET = "a-trial-looking-at-lanreotide-autogel-for-neuroendocrine-tumours-of-the-digestive-system-that-have-spread"
NETTER = "a-trial-looking-lutathera-carcinoid-tumours-small-bowel-netter"
NET_02 = "a-trial-chemotherapy-neuroendrocrine-carcinoma-started-any-part-body-except-lungs-net-02"
AXINET = "axinet-axitinib-octreotide-neuroendocrine-tumours"
E2211 = "e2211-temozolomide-capecitabine-pancreatic-nets"
RADIANT_4 = "a-trial-looking-everolimus-neuroendocrine-tumours-radiant-4"
SANET_EP = "sanet-ep-surufatinib-neuroendocrine-tumours"
REMINET = "a-study-of-lanreotide-for-neuroendocrine-tumours-of-the-pancreas-or-small-bowel-that-have-spread"
TALENT = "talent-lenvatinib-neuroendocrine-tumours"

pytestmark = pytest.mark.usefixtures("seeded")


def result(slug: str, patient: dict[str, Any]) -> dict[str, Any]:
    cache.clear()  # the throttles count requests in the cache
    response = APIClient().post(URL, {"patient": patient, "trials": [slug]}, format="json")
    assert response.status_code == 200, response.json()
    [only] = response.json()["results"]
    assert only["trial"]["slug"] == slug
    return dict(only)


def outcomes(body: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(c["fact"], c["outcome"]) for c in body["criteria"]]


def test_clarinet_takes_a_net_of_unknown_primary() -> None:
    # CLARINET enrolled non-functioning GEP-NETs "or of unknown origin", Ki-67 below 10%.
    body = result(
        CLARINET,
        {
            "age": 63,
            "diagnosis": "net",
            "grade": "G2",
            "primary_site": "unknown_primary",
            "extent": "metastatic",
            "ki67": 5,
        },
    )
    assert (body["verdict"], body["unknown_count"]) == ("likely_eligible", 1)
    assert outcomes(body) == [
        ("age", "met"),
        ("grade", "met"),
        ("primary_site", "met"),
        ("primary_site", "met"),
        ("extent", "met"),
        ("ki67", "met"),
        (None, "unknown"),  # a functioning NET: to confirm with the trial team
    ]


def test_netter_takes_an_inoperable_locally_advanced_midgut_net() -> None:
    body = result(
        NETTER,
        {
            "age": 65,
            "diagnosis": "net",
            "grade": "G1",
            "primary_site": "small_bowel",
            "extent": "locally_advanced",
            "resectable": False,
            "sstr_imaging_positive": True,
        },
    )
    assert body["verdict"] == "likely_eligible"
    assert body["criteria"][3]["reason"] == ("Your tumour's extent is locally advanced, as this trial needs.")


def test_net_02_takes_a_nec_that_grew_after_carboplatin() -> None:
    # Ticking carboplatin is a 200, and the platinum class accepts it as cisplatin.
    body = result(
        NET_02,
        {
            "age": 58,
            "diagnosis": "nec",
            "primary_site": "small_bowel",
            "extent": "metastatic",
            "prior_treatments": ["carboplatin", "etoposide"],
            "ecog": 1,
        },
    )
    assert (body["verdict"], body["unknown_count"]) == ("likely_eligible", 0)
    [platinum] = [c for c in body["criteria"] if c["fact"] == "prior_treatments"]
    assert (platinum["outcome"], platinum["reason"]) == ("met", "You have had carboplatin, as this trial needs.")


def test_net_02_still_needs_a_platinum_drug_before() -> None:
    body = result(
        NET_02,
        {
            "diagnosis": "nec",
            "primary_site": "colon",
            "extent": "metastatic",
            "prior_treatments": ["temozolomide"],
            "ecog": 1,
        },
    )
    [platinum] = [c for c in body["criteria"] if c["fact"] == "prior_treatments"]
    assert (body["verdict"], platinum["reason"]) == (
        "not_eligible",
        "You have not had any of the platinum agents; this trial needs the opposite.",
    )


def test_axinet_rules_out_any_vegf_drug_as_its_text_says_and_takes_a_patient_after_octreotide() -> None:
    enrolled = {
        "age": 60,
        "diagnosis": "net",
        "grade": "G2",
        "primary_site": "small_bowel",
        "extent": "metastatic",
        "progressed_last_12_months": True,
        "ecog": 1,
        "prior_systemic_lines": 3,  # octreotide, then two more: octreotide does not count against it
        "prior_treatments": ["octreotide"],
    }
    assert result(AXINET, enrolled)["verdict"] == "likely_eligible"
    body = result(AXINET, {**enrolled, "prior_treatments": ["octreotide", "bevacizumab"]})
    [vegf] = [c for c in body["criteria"] if c["outcome"] == "not_met"]
    assert vegf["reason"] == "You have had bevacizumab: this trial does not take people in this situation."


def test_e2211_no_longer_reads_small_cell_carcinoma_as_any_nec() -> None:
    body = result(
        E2211,
        {
            "age": 55,
            "diagnosis": "net",
            "grade": "G2",
            "primary_site": "pancreas",
            "extent": "metastatic",
            "measurable_disease": True,
            "progressed_last_12_months": True,
            "ecog": 0,
            "prior_treatments": ["everolimus"],
            "brain_metastases": False,
            "pregnant_or_breastfeeding": False,
        },
    )
    assert body["verdict"] == "likely_eligible"
    [small_cell] = [c for c in body["criteria"] if c["text"] == "You have small cell carcinoma."]
    assert (small_cell["fact"], small_cell["outcome"]) == (None, "unknown")


@pytest.mark.parametrize(
    ("slug", "patient"),
    [
        (
            RADIANT_4,
            {
                "primary_site": "lung",
                "extent": "metastatic",
                "measurable_disease": True,
                "ecog": 1,
                "carcinoid_syndrome": False,
            },
        ),
        (
            RADIANT_4,
            {
                "primary_site": "unknown_primary",
                "extent": "metastatic",
                "measurable_disease": True,
                "ecog": 0,
                "carcinoid_syndrome": False,
            },
        ),
        (SANET_EP, {"primary_site": "small_bowel", "extent": "metastatic", "ecog": 1, "prior_systemic_lines": 1}),
        (REMINET, {"primary_site": "pancreas", "extent": "metastatic"}),
    ],
)
def test_grade_limited_trials_take_their_well_differentiated_nets_and_refuse_a_g3(
    slug: str, patient: dict[str, Any]
) -> None:
    enrolled = {"age": 62, "diagnosis": "net", "grade": "G2", **patient}
    assert result(slug, enrolled)["verdict"] in {"likely_eligible", "possibly_eligible"}
    body = result(slug, {**enrolled, "grade": "G3"})
    [grade] = [c for c in body["criteria"] if c["fact"] == "grade"]
    assert (body["verdict"], grade["reason"]) == ("not_eligible", "Your grade is G3; this trial needs G1 or G2.")


TALENT_COMMON = {
    "age": 60,
    "diagnosis": "net",
    "grade": "G2",
    "extent": "metastatic",
    "measurable_disease": True,
    "progressed_last_12_months": True,
    "ecog": 1,
    "creatinine_clearance": 80,
    "pregnant_or_breastfeeding": False,
}


def test_talent_refuses_a_pancreatic_net_without_a_prior_targeted_drug_and_says_which_cohort() -> None:
    body = result(TALENT, {**TALENT_COMMON, "primary_site": "pancreas", "prior_treatments": ["lanreotide"]})

    assert (body["verdict"], body["cohort"]) == ("not_eligible", "Pancreatic NET")
    assert [(c["name"], c["verdict"]) for c in body["cohorts"]] == [
        ("Pancreatic NET", "not_eligible"),
        ("Gastrointestinal NET", "not_eligible"),
    ]
    [why] = [c for c in body["criteria"] if c["outcome"] == "not_met"]
    assert (why["cohort"], why["text"], why["reason"]) == (
        "Pancreatic NET",
        "You have had a targeted drug for it, such as everolimus or sunitinib.",
        "You have not had a targeted drug; this trial needs the opposite.",
    )
    assert body["cohort_reason"] == (
        "This trial has separate groups (cohorts): Pancreatic NET and Gastrointestinal NET. None of them takes "
        "you; the reasons shown are for the Pancreatic NET group, the closest fit."
    )


def test_talent_takes_a_pancreatic_net_after_everolimus_in_the_pancreatic_cohort() -> None:
    body = result(TALENT, {**TALENT_COMMON, "primary_site": "pancreas", "prior_treatments": ["everolimus"]})
    assert (body["verdict"], body["cohort"]) == ("likely_eligible", "Pancreatic NET")


def test_talent_judges_a_gut_net_on_the_gut_cohort_without_a_targeted_drug() -> None:
    body = result(TALENT, {**TALENT_COMMON, "primary_site": "small_bowel", "prior_treatments": ["octreotide"]})

    assert (body["verdict"], body["cohort"]) == ("likely_eligible", "Gastrointestinal NET")
    assert [(c["fact"], c["outcome"]) for c in body["criteria"] if c["cohort"]] == [
        ("primary_site", "met"),
        (None, "unknown"),
        ("prior_treatments", "met"),
    ]
    assert body["cohort_reason"].endswith(
        "We judged you on the Gastrointestinal NET group, the one you fit best; the Pancreatic NET group does not "
        "take you."
    )
    # A gut NET after chemotherapy is outside the gut cohort.
    treated = result(TALENT, {**TALENT_COMMON, "primary_site": "small_bowel", "prior_treatments": ["capecitabine"]})
    assert (treated["verdict"], treated["cohort"]) == ("not_eligible", "Gastrointestinal NET")


def test_the_talent_page_labels_each_cohorts_criteria(client: Any) -> None:
    html = client.get(f"/trials/{TALENT}/").content.decode()
    assert "This trial has separate groups (cohorts): Pancreatic NET, Gastrointestinal NET." in html
    assert "<li><strong>Pancreatic NET group:</strong> Your NET started in the pancreas.</li>" in html
    assert "<li><strong>Gastrointestinal NET group:</strong> Your NET started in the stomach or bowel.</li>" in html


def test_the_satoreotide_trial_does_not_read_earlier_treatment_as_drug_treatment() -> None:
    # "You have already had treatment": surgery counts too, so no drug lines is not a refusal.
    body = result(
        "lutetium-satoreotide-ops201-neuroendocrine-tumours",
        {
            "age": 59,
            "primary_site": "small_bowel",
            "diagnosis": "net",
            "extent": "locally_advanced",
            "sstr_imaging_positive": True,
            "prior_systemic_lines": 0,
        },
    )
    assert body["verdict"] == "likely_eligible"
    [treated] = [c for c in body["criteria"] if c["text"] == "You have already had treatment for your NET."]
    assert (treated["fact"], treated["outcome"]) == (None, "unknown")
