"""The criteria structurer: its precision and recall on real labelled criteria, each pattern and each guard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from trials.importers.criteria_text import split_criteria
from trials.structuring import Drug, Vocabulary, structure_criterion
from trials.structuring.evaluation import evaluate
from trials.structuring.validation import is_valid

LABELLED = Path(__file__).resolve().parents[2] / "data" / "criteria_labelled.jsonl"
# The shared data beside the repository (a worktree sits one level deeper than the main checkout).
SHARED = next(parent / "shared" for parent in REPO.parents if (parent / "shared" / "data" / "ctgov").is_dir())
GILBERT = "Total bilirubin =< 1.5 x ULN (or =< 3 x ULN in patients with Gilbert's syndrome)"


@pytest.fixture(scope="module")
def vocabulary(seed_bundle: dict[str, Any]) -> Vocabulary:
    return Vocabulary.from_records(seed_bundle["interventions"])


@pytest.fixture(scope="module")
def labelled() -> list[dict[str, Any]]:
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines() if line.strip()]


def rules(kind: str, text: str, vocabulary: Vocabulary) -> list[dict[str, Any]]:
    return [suggestion.rule for suggestion in structure_criterion(kind, text, vocabulary)]


def rule(fact: str, operator: str, value: Any = None) -> dict[str, Any]:
    return {"fact": fact, "operator": operator, "value": value}


# --- The labelled set ------------------------------------------------------------------------------


def test_it_is_precise_and_finds_most_rules_on_the_labelled_real_criteria(
    labelled: list[dict[str, Any]], vocabulary: Vocabulary
) -> None:
    scores = evaluate(labelled, vocabulary)

    assert scores.precision >= 0.95, scores.wrong
    assert scores.recall >= 0.75, scores.missed
    assert (scores.expected, scores.correct, scores.wrong) == (106, 102, [])


def test_the_labelled_set_is_real_split_criteria_with_well_formed_labels(
    labelled: list[dict[str, Any]], vocabulary: Vocabulary
) -> None:
    assert len(labelled) >= 150
    assert len({item["id"] for item in labelled}) == len(labelled)
    assert {item["kind"] for item in labelled} == {"inclusion", "exclusion"}
    assert all(is_valid(expected, vocabulary) for item in labelled for expected in item["expected"])
    assert sum(bool(item.get("note")) for item in labelled) >= 50  # the hard cases say why


def test_the_labelled_lines_are_what_the_importer_splits_from_the_registry_text() -> None:
    study = json.loads((SHARED / "data/ctgov/net-flattened/NCT01824875.json").read_text(encoding="utf-8"))
    split = split_criteria(study["raw_criteria"])
    lines = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    ours = [(item["kind"], item["text"]) for item in lines if item["id"].startswith("NCT01824875-")]

    assert ours == split


# --- Measured values -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("inclusion", "Absolute neutrophil count (ANC) >= 1,500/mm^3", [rule("anc", "gte", 1.5)]),
        ("inclusion", "Absolute neutrophil count ≥ 1,500/µL", [rule("anc", "gte", 1.5)]),
        ("inclusion", "Absolute neutrophil count ≥ 1.5 × 10^9/L", [rule("anc", "gte", 1.5)]),
        ("inclusion", "Hemoglobin >= 9 g/dL", [rule("haemoglobin", "gte", 90)]),
        ("inclusion", "Hemoglobin ≥ 5.6 mmol/L", [rule("haemoglobin", "gte", 90)]),
        ("inclusion", "Haemoglobin ≥ 100 g/L", [rule("haemoglobin", "gte", 100)]),
        ("inclusion", "Platelets ≥ 100,000/ mm3", [rule("platelets", "gte", 100)]),
        (
            "inclusion",
            "HGB of > 10 g/L and PLT count > 80 K/uL",
            [rule("haemoglobin", "gte", 10), rule("platelets", "gte", 80)],
        ),
        (
            "inclusion",
            "Adequate bone marrow function, defined as: Absolute neutrophil count (ANC) ≥ 1500/mm3 (≥ 1.5 ×103/μL).; "
            "Platelets ≥ 100,000/mm3 (≥ 100 × 109/L).; Hemoglobin ≥ 9.0 g/dL.",
            [rule("anc", "gte", 1.5), rule("platelets", "gte", 100), rule("haemoglobin", "gte", 90)],
        ),
        (
            "inclusion",
            "Total bilirubin <= institutional upper limit of normal (ULN)",
            [rule("bilirubin_uln", "lte", 1)],
        ),
        ("inclusion", "Bilirubin within normal limits", [rule("bilirubin_uln", "lte", 1)]),
        (
            "inclusion",
            "Aspartate amino transferase (AST or SGOT) and alanine amino transferase (ALT or SGPT) ≤ 1.5 × institutional ULN.",
            [rule("transaminases_uln", "lte", 1.5)],
        ),
        (
            "inclusion",
            "AST (SGOT)/ALT (SGPT) ≤ 2.5 X institutional upper limit of normal",
            [rule("transaminases_uln", "lte", 2.5)],
        ),
        (
            "inclusion",
            "Adequate renal function defined as calculated creatinine clearance ≥ 30 mL/min per the Cockcroft and Gault formula",
            [rule("creatinine_clearance", "gte", 30)],
        ),
        (
            "inclusion",
            "No severe cardiac dysfunction, left ventricular ejection fraction ≥50%;",
            [rule("lvef", "gte", 50)],
        ),
        ("inclusion", "ECOG performance status 0-2", [rule("ecog", "lte", 2)]),
        ("inclusion", "ECOG 0 or 1;", [rule("ecog", "lte", 1)]),
        (
            "inclusion",
            "Eastern Cooperative Oncology Group (ECOG) performance status of 0, 1, or 2",
            [rule("ecog", "lte", 2)],
        ),
        ("inclusion", "WHO performance status 0-1", [rule("ecog", "lte", 1)]),
        ("exclusion", "ECOG performance status ≥ 3", [rule("ecog", "gte", 3)]),
        ("inclusion", "Ki-67 index ≤ 20%", [rule("ki67", "lte", 20)]),
    ],
)
def test_it_reads_measured_values_in_the_units_registries_write(
    kind: str, text: str, expected: list[dict[str, Any]], vocabulary: Vocabulary
) -> None:
    assert rules(kind, text, vocabulary) == expected


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        # Whole-number facts: a strict bound moves by one, the way the text reads.
        ("exclusion", "Prolongation of QTcF interval to > 480 msec.", [rule("qtc_ms", "gte", 481)]),
        ("exclusion", "LVEF < 50%", [rule("lvef", "lte", 49)]),
        ("inclusion", "Left ventricular ejection fraction > 50%", [rule("lvef", "gte", 51)]),
        ("exclusion", "ECOG PS > 2", [rule("ecog", "gte", 3)]),
        # Continuous facts: an inclusion keeps its strict bound (looser), an exclusion moves one step inside.
        ("inclusion", "Absolute neutrophil count > 1,500/mcL", [rule("anc", "gte", 1.5)]),
        ("exclusion", "Absolute neutrophil count < 1500/mm3", [rule("anc", "lte", 1.49)]),
        (
            "exclusion",
            "Alanine Aminotransferase (ALT) or aspartate aminotransferase (AST) > 5 X upper limit of normal (ULN).",
            [rule("transaminases_uln", "gte", 5.01)],
        ),
        ("exclusion", "Platelets < 100 x 10^9/L", [rule("platelets", "lte", 99)]),
        ("exclusion", "Creatinine clearance < 30 mL/min", [rule("creatinine_clearance", "lte", 29)]),
        ("exclusion", "Ki-67 > 55%", [rule("ki67", "gte", 55.1)]),
        # An exclusion that states a requirement excludes the rest.
        (
            "exclusion",
            "The left ventricular ejection fraction in the echocardiogram must be of at least 50%.",
            [rule("lvef", "lte", 49)],
        ),
    ],
)
def test_it_rounds_strict_bounds_to_the_side_the_text_allows(
    kind: str, text: str, expected: list[dict[str, Any]], vocabulary: Vocabulary
) -> None:
    assert rules(kind, text, vocabulary) == expected


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        # The Gilbert's syndrome case of the brief: the loosest limit the text allows.
        ("inclusion", GILBERT, [rule("bilirubin_uln", "lte", 3)]),
        (
            "inclusion",
            "Total serum bilirubin ≤ ULN; or total bilirubin ≤ 3.0 × ULN with direct bilirubin within normal range in "
            "patients with documented Gilbert's Syndrome.",
            [rule("bilirubin_uln", "lte", 3)],
        ),
        (
            "inclusion",
            "Total bilirubin <= institutional upper limit of normal (ULN) or <= 1.5 X institutional ULN (if the patient "
            "has liver metastases)",
            [rule("bilirubin_uln", "lte", 1.5)],
        ),
        (
            "inclusion",
            "Aspartate aminotransferase (AST) (serum glutamic oxaloacetic transaminase [SGOT])/alanine aminotransferase "
            "(ALT) (serum glutamate pyruvate transaminase [SGPT]) <= 3 X institutional ULN or (<= 5 X institutional ULN "
            "if the patient has liver metastases)",
            [rule("transaminases_uln", "lte", 5)],
        ),
        (
            "inclusion",
            "AST (SGOT) and ALT (SGPT) </=2.5x normal institutional limits, or < 5x if liver metastases are present",
            [rule("transaminases_uln", "lte", 5)],
        ),
        (
            "exclusion",
            "Total bilirubin > 1.5 × ULN (> 3 × ULN in patients with Gilbert's syndrome)",
            [rule("bilirubin_uln", "gte", 3.01)],
        ),
        (
            "inclusion",
            "Absolute neutrophil count (ANC) >= 1,500/mm^3 (>= 1.0 x 10^9/L for patients with bone marrow involvement)",
            [rule("anc", "gte", 1)],
        ),
    ],
)
def test_it_takes_the_loosest_limit_an_exception_allows(
    kind: str, text: str, expected: list[dict[str, Any]], vocabulary: Vocabulary
) -> None:
    assert rules(kind, text, vocabulary) == expected


# --- Age, sex, bowel movements ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("inclusion", "aged 18 or over", [rule("age", "gte", 18)]),
        ("inclusion", "Age ≥18 years old;", [rule("age", "gte", 18)]),
        ("inclusion", "Male or female, age 18 years and older.", [rule("age", "gte", 18)]),
        ("inclusion", "At least 18 years old at the start of Screening Visit", [rule("age", "gte", 18)]),
        ("inclusion", "Age over 18 years.", [rule("age", "gte", 18)]),  # completed years: 18 may be over 18
        ("inclusion", "Healthy adults under age 60", [rule("age", "lte", 59)]),
        ("inclusion", "Male or females 12 -24 years old", [rule("age", "between", [12, 24])]),
        ("inclusion", "Patient is between 18 and 75 years of age, inclusive.", [rule("age", "between", [18, 75])]),
        ("inclusion", "Age ≥ 3 years and ≤ 18 years at the time of registration", [rule("age", "between", [3, 18])]),
        ("exclusion", "Age < 18 years", [rule("age", "lte", 17)]),
        ("exclusion", "Patients older than 80 years", [rule("age", "gte", 81)]),
        ("inclusion", "Female patients only", [rule("sex", "eq", "female")]),
        ("inclusion", "Male or female adults ages 18 to 64 years with Chronic AD", [rule("age", "between", [18, 64])]),
        (
            "inclusion",
            "carcinoid syndrome with on average 4 or more bowel movements a day",
            [rule("bowel_movements_per_day", "gte", 4), rule("carcinoid_syndrome", "is_true")],
        ),
    ],
)
def test_it_reads_age_sex_and_bowel_movements(
    kind: str, text: str, expected: list[dict[str, Any]], vocabulary: Vocabulary
) -> None:
    assert sorted(rules(kind, text, vocabulary), key=json.dumps) == sorted(expected, key=json.dumps)


def test_it_covers_every_cohort_when_ages_come_in_days_and_years(vocabulary: Vocabulary) -> None:
    text = (
        "Aged < 18 years of age who meet one of the following weight criteria: a) Cohort 1: ≥ 12 years to < 18 years "
        "of age and weight at screening ≥ 40 kg; b) Cohorts 2-4: ≥ 28 days to < 18 years of age and weight at "
        "screening ≥ 3 kg and < 40 kg; c) Cohort 5: ≥ 14 days to < 28 days of age, gestational age > 37 weeks"
    )

    assert rules("inclusion", text, vocabulary) == [rule("age", "lte", 17)]


# --- Yes/no conditions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("exclusion", "Pregnant or breast-feeding", [rule("pregnant_or_breastfeeding", "is_true")]),
        (
            "exclusion",
            "Participant is pregnant, nursing, or planning to become pregnant during the duration of the study",
            [rule("pregnant_or_breastfeeding", "is_true")],
        ),
        (
            "inclusion",
            "Participant is male or non-pregnant and non-lactating female at least 18 years of age",
            [rule("pregnant_or_breastfeeding", "is_false"), rule("age", "gte", 18)],
        ),
        ("exclusion", "known brain metastases", [rule("brain_metastases", "is_true")]),
        ("exclusion", "Presence of CNS metastatic disease", [rule("brain_metastases", "is_true")]),
        ("exclusion", "Known CNS metastases or carcinomatous meningitis", [rule("brain_metastases", "is_true")]),
        ("inclusion", "No known brain metastases", [rule("brain_metastases", "is_false")]),
        ("inclusion", "Must have measurable disease by RECIST criteria", [rule("measurable_disease", "is_true")]),
        (
            "inclusion",
            "measurable, with growth on a scan in the last year",
            [rule("measurable_disease", "is_true"), rule("progressed_last_12_months", "is_true")],
        ),
        (
            "inclusion",
            "Must have evidence of progressive disease within 12 months of study entry",
            [rule("progressed_last_12_months", "is_true")],
        ),
        ("inclusion", "scan shows growth in the last 6 months", [rule("progressed_last_12_months", "is_true")]),
        ("exclusion", "has carcinoid syndrome", [rule("carcinoid_syndrome", "is_true")]),
        ("inclusion", "non-functioning NET of the digestive system or lung", [rule("carcinoid_syndrome", "is_false")]),
        ("inclusion", "advanced NET not removable by surgery", [rule("resectable", "is_false")]),
        (
            "inclusion",
            "Patients with histologically confirmed locally advanced or metastatic EGFR wild-type non-small cell lung cancer;",
            [rule("extent", "in", ["locally_advanced", "metastatic"])],
        ),
        (
            "inclusion",
            "NET that has grown into nearby tissue or spread",
            [rule("extent", "in", ["locally_advanced", "metastatic"])],
        ),
    ],
)
def test_it_reads_conditions_stated_outright(
    kind: str, text: str, expected: list[dict[str, Any]], vocabulary: Vocabulary
) -> None:
    assert sorted(rules(kind, text, vocabulary), key=json.dumps) == sorted(expected, key=json.dumps)


# --- Prior treatments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("exclusion", "Prior treatment with lenvatinib.", [rule("prior_treatments", "includes_any", ["lenvatinib"])]),
        ("exclusion", "Prior treatment with everolimus", [rule("prior_treatments", "includes_any", ["everolimus"])]),
        (
            "inclusion",
            "No prior therapy with cabozantinib",
            [rule("prior_treatments", "includes_none", ["cabozantinib"])],
        ),
        ("inclusion", "no previous chemotherapy", [rule("prior_treatments", "includes_none", ["chemotherapy"])]),
        (
            "exclusion",
            "Prior temozolomide, dacarbazine (DTIC), or capecitabine, or 5-FU (fluorouracil) therapy",
            [rule("prior_treatments", "includes_any", ["temozolomide", "dacarbazine", "capecitabine", "fluorouracil"])],
        ),
        # Unknown names (mitomycin) leave the list: an exclusion then excludes fewer.
        (
            "exclusion",
            "Prior temozolomide or mitomycin therapy",
            [rule("prior_treatments", "includes_any", ["temozolomide"])],
        ),
        # Brand names and names several interventions share: PRRT is a kind.
        ("exclusion", "Prior Lutathera", [rule("prior_treatments", "includes_any", ["lutetium-dotatate"])]),
        (
            "exclusion",
            "Prior peptide receptor radionuclide therapy (PRRT)",
            [rule("prior_treatments", "includes_any", ["prrt"])],
        ),
        ("exclusion", "You have had lenvatinib before.", [rule("prior_treatments", "includes_any", ["lenvatinib"])]),
    ],
)
def test_it_names_prior_treatments_from_the_vocabulary(
    kind: str, text: str, expected: list[dict[str, Any]], vocabulary: Vocabulary
) -> None:
    assert rules(kind, text, vocabulary) == expected


def test_it_names_a_drug_the_vocabulary_gains_later() -> None:
    vocabulary = Vocabulary((Drug("noveltinib", "noveltinib", "targeted_drug", ("NV-101", "Novelta")),))

    assert rules("exclusion", "Prior treatment with NV-101", vocabulary) == [
        rule("prior_treatments", "includes_any", ["noveltinib"])
    ]
    assert rules("exclusion", "Prior treatment with NV-101", Vocabulary()) == []


def test_it_ignores_generic_synonyms_and_interventions_nobody_is_treated_with() -> None:
    vocabulary = Vocabulary(
        (
            Drug("cisplatin", "cisplatin", "chemotherapy", ("platinum chemotherapy",)),
            Drug("echocardiogram", "echocardiogram", "procedure", ("echo",)),
        )
    )

    assert rules("exclusion", "Prior platinum chemotherapy", vocabulary) == []
    assert rules("exclusion", "Prior echocardiogram", vocabulary) == []
    assert rules("exclusion", "Prior cisplatin", vocabulary) == [
        rule("prior_treatments", "includes_any", ["cisplatin"])
    ]


# --- Guards: nothing stricter than the text --------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        # Exceptions without a limit of their own.
        (
            "inclusion",
            "Bilirubin ≤ 1.5 × the upper limit of normal (ULN) except for unconjugated hyperbilirubinemia or Gilbert's syndrome.",
        ),
        ("inclusion", "total bilirubin ≤ 1.5 x the upper limit of normal (ULN; unless known Gilbert's syndrome)"),
        (
            "inclusion",
            "Total bilirubin ≤ 1.5 times the upper limit of normal (ULN); for patients with Gilbert's syndrome ≤ 3 times ULN",
        ),
        # "Or" another measure, another population, or another rule.
        ("inclusion", "Age ≥18 years (or per national guidelines)."),
        (
            "inclusion",
            "Patient has an ECOG Performance Status score of 0 or 1 (solid tumors) or KPS score ≥ 70 (rHGG).",
        ),
        ("inclusion", "ECOG performance status ≤ 2 or Karnofsky ≥ 60%"),
        ("inclusion", "Serum creatinine ≤ 1.5 x ULN or creatinine clearance ≥ 50 mL/min"),
        ("inclusion", "AST or ALT ≤ 2.5 × ULN"),
        (
            "inclusion",
            "Inoperable, locally advanced or metastatic well-differentiated G1/G2 GEP-NET (Ki-67 ≤20%) or PPGL",
        ),
        (
            "inclusion",
            "Locally unresectable or metastatic, histologically-confirmed, carcinoid or pancreatic neuroendocrine tumor.",
        ),
        ("inclusion", "NET has spread (metastatic) or cannot be removed by surgery"),
        ("inclusion", "Measurable or evaluable disease per RECIST 1.1"),
        # One measure alone does not bound the higher of AST and ALT; "and" in an exclusion needs both.
        ("inclusion", "ALT ≤ 3 × ULN"),
        ("exclusion", "AST and ALT > 3 x ULN"),
        ("exclusion", "ALT > 3 × ULN and total bilirubin > 2 × ULN"),
        # Qualifiers the fact cannot say.
        ("exclusion", "Known untreated or symptomatic brain metastases"),
        ("exclusion", "Patients with active central nervous system metastases;"),
        (
            "exclusion",
            "Patients with either clinically apparent central nervous system metastases or carcinomatous meningitis are ineligible",
        ),
        ("exclusion", "Brain metastases, unless treated and stable for at least 4 weeks"),
        (
            "exclusion",
            "Known brain metastases. Patients with treated brain metastases that are stable for 4 weeks are eligible.",
        ),
        (
            "inclusion",
            "Patients with known brain metastases who have completed whole brain radiotherapy will be eligible if they have remained clinically stable.",
        ),
        ("exclusion", "Uncontrolled carcinoid syndrome"),
        ("exclusion", "Your diarrhoea has another cause, apart from carcinoid syndrome."),
        ("inclusion", "Patients with or without carcinoid syndrome"),
        # Pregnancy alone, or breastfeeding alone: the fact holds both.
        (
            "exclusion",
            "Pregnant women, or women of childbearing potential without a negative pregnancy test within 14 days prior to randomization.",
        ),
        ("exclusion", "Patient is breast feeding."),
        (
            "exclusion",
            "Pregnant or lactating women who, as judged by the investigator, were not candidates for brain MRI;",
        ),
        (
            "exclusion",
            "Pregnant women are excluded from this study. Breastfeeding should be discontinued if the mother is treated on protocol.",
        ),
        # Treatments: allergy, current use, time limits, settings, classes outside the vocabulary.
        (
            "exclusion",
            "History of allergic reactions attributed to compounds of similar chemical or biologic composition to temozolomide or capecitabine",
        ),
        ("exclusion", "Known hypersensitivity to everolimus or other rapamycin derivatives"),
        ("exclusion", "Current treatment with octreotide"),
        ("exclusion", "Concurrent use of somatostatin analogues"),
        ("exclusion", "Prior treatment with everolimus within 4 weeks of randomisation"),
        ("exclusion", "Patient received chemotherapy within 2 weeks prior to initiation of treatment"),
        ("exclusion", "Previous chemotherapy in gastrointestinal neuroendocrine tumors."),
        ("exclusion", "Prior systemic chemotherapy for metastatic disease"),
        ("exclusion", "Prior everolimus and sunitinib"),
        ("exclusion", "Prior therapy with any CDK inhibitor."),
        ("inclusion", "Prior or concurrent therapy with somatostatin analogs is permitted."),
        # Progression windows longer than the fact's 12 months.
        (
            "inclusion",
            "Subjects must show evidence of disease progression within 12 months (an additional month will be allowed, i.e., within ≤ 13 months) prior to signing informed consent",
        ),
        ("inclusion", "Disease progression within 6 months after completion of adjuvant therapy"),
        # Scoped to some participants, or alternatives after "one of the following".
        (
            "inclusion",
            "For adolescent participants: Enrolled as a student in Grades 9-12 (corresponding to 13-20 years of age)",
        ),
        ("inclusion", "ECOG 0-1 (ECOG 2 allowed if due to carcinoid symptoms)"),
        (
            "exclusion",
            "Estimated glomerular filtration rate (eGFR) < 30 mL/min/1.73m^2 using Schwartz formula for individuals ≥ 1 year of age.",
        ),
        # Another measure's limits, a condition or requirement before the measure, a subgroup's limit.
        ("exclusion", "Patients must have ANC ≥ 1.5 x 10^9/L"),
        ("inclusion", "Adequate organ function, and in patients with liver metastases ALT and AST ≤ 5 x ULN"),
        ("inclusion", "AST and ALT ≤ 2.5 × ULN; if liver metastases, ≤ 5 × ULN"),
        ("exclusion", "History of congestive heart failure with LVEF < 50%"),
        ("exclusion", "QTcF ≥ 450 ms in males or ≥ 470 ms in females"),
        ("inclusion", "Part B only: ECOG 0-1"),
        # The condition is what something else is about.
        ("exclusion", "Prior surgery for carcinoid syndrome"),
        ("exclusion", "Carcinoid syndrome requiring treatment with somatostatin analogues"),
        # Not a number of the fact's kind.
        ("inclusion", "Serum bilirubin ≤ 2 mg/dL"),
        ("inclusion", "Karnofsky performance status ≥ 70%"),
        ("inclusion", "Disease-free for at least 5 years"),
    ],
)
def test_it_proposes_nothing_the_text_does_not_allow(kind: str, text: str, vocabulary: Vocabulary) -> None:
    assert rules(kind, text, vocabulary) == []


def test_a_cohort_age_with_a_requirement_does_not_narrow_the_range(vocabulary: Vocabulary) -> None:
    assert rules("inclusion", "Age ≥ 12 years (patients 12-17 years must weigh ≥ 40 kg)", vocabulary) == [
        rule("age", "gte", 12)
    ]


# --- Evidence and validation -----------------------------------------------------------------------


def test_each_suggestion_quotes_the_words_that_justify_it(
    labelled: list[dict[str, Any]], vocabulary: Vocabulary
) -> None:
    for item in labelled:
        for suggestion in structure_criterion(item["kind"], item["text"], vocabulary):
            assert suggestion.words == " ".join(item["text"][suggestion.start : suggestion.end].split())
            assert suggestion.words and suggestion.words in suggestion.explanation
            assert suggestion.pattern


def test_it_explains_the_loosest_limit_in_plain_words(vocabulary: Vocabulary) -> None:
    [suggestion] = structure_criterion("inclusion", GILBERT, vocabulary)

    assert suggestion.words == "Total bilirubin =< 1.5 x ULN (or =< 3 x ULN"
    assert suggestion.explanation == (
        "Needs bilirubin at most 3 x ULN: “Total bilirubin =< 1.5 x ULN (or =< 3 x ULN”. "
        "(the loosest of the limits the text gives)"
    )


def test_it_drops_a_rule_the_validator_rejects(vocabulary: Vocabulary) -> None:
    assert rules("inclusion", "Age ≥ 130 years", vocabulary) == []  # age runs to 120


def test_it_refuses_a_kind_that_is_neither_inclusion_nor_exclusion(vocabulary: Vocabulary) -> None:
    with pytest.raises(ValueError, match="kind must be"):
        structure_criterion("other", "Age ≥ 18 years", vocabulary)


def test_it_does_not_lend_one_measure_the_limits_of_the_next(vocabulary: Vocabulary) -> None:
    text = (
        "Inadequate liver function defined as total bilirubin > 1.5 x ULN, or AST/ALT > 2.5 x ULN "
        "(> 5 x ULN in case of liver metastases)"
    )

    # AST/ALT with "/" in an exclusion could mean both: no transaminase rule either.
    assert rules("exclusion", text, vocabulary) == [rule("bilirubin_uln", "gte", 1.51)]


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("inclusion", "ANC ≥1 500/μL, platelets ≥100 000/μL", [rule("anc", "gte", 1.5), rule("platelets", "gte", 100)]),
        ("exclusion", "Patients with a QTc interval > 470 ms on screening ECG", [rule("qtc_ms", "gte", 471)]),
        (
            "exclusion",
            "Prior treatment with temozolomide and/or capecitabine",
            [rule("prior_treatments", "includes_any", ["temozolomide", "capecitabine"])],
        ),
        (
            "exclusion",
            "Patients who have previously been treated with PRRT",
            [rule("prior_treatments", "includes_any", ["prrt"])],
        ),
        ("exclusion", "Metastases to the brain or meninges", [rule("brain_metastases", "is_true")]),
        ("exclusion", "Pregnant or nursing (lactating) women", [rule("pregnant_or_breastfeeding", "is_true")]),
        (
            "inclusion",
            "Locally advanced or metastatic, unresectable disease",
            [rule("extent", "in", ["locally_advanced", "metastatic"])],
        ),
    ],
)
def test_it_reads_other_common_registry_wording(
    kind: str, text: str, expected: list[dict[str, Any]], vocabulary: Vocabulary
) -> None:
    assert rules(kind, text, vocabulary) == expected


def test_it_reads_markdown_escapes_and_quotes_the_text_as_given(vocabulary: Vocabulary) -> None:
    text = "Absolute neutrophil count \\>= 1,500/mm\\^3"

    [suggestion] = structure_criterion("inclusion", text, vocabulary)

    assert suggestion.rule == rule("anc", "gte", 1.5)
    assert suggestion.words == text == text[suggestion.start : suggestion.end]
