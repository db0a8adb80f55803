"""The eligibility engine over plain data: operators, inclusion and exclusion, unknowns, facets,
verdicts and ranking. No database."""

from __future__ import annotations

from typing import Any

import pytest

from trials.eligibility.engine import (
    Outcome,
    Treatments,
    TrialEvaluation,
    TrialFacts,
    TumourTypeFacts,
    Verdict,
    evaluate,
    evaluate_criterion,
    questions_to_ask,
    rank,
)
from trials.eligibility.patient import FactsInvalid, PatientFacts
from trials.record.data import CriterionData

TREATMENTS = Treatments(
    kinds={
        "octreotide": "somatostatin_analogue",
        "lanreotide": "somatostatin_analogue",
        "lenvatinib": "targeted_drug",
        "everolimus": "targeted_drug",
        "cisplatin": "chemotherapy",
    },
    names={"octreotide": "octreotide", "lenvatinib": "lenvatinib", "everolimus": "everolimus"},
)


def outcome(rule: dict[str, Any] | None, kind: str = "inclusion", **facts: Any) -> Outcome:
    criterion = CriterionData(kind=kind, text="A criterion.", rule=rule)
    return evaluate_criterion(criterion, PatientFacts(**facts), TREATMENTS).outcome


def rule(fact: str, operator: str, value: Any = None) -> dict[str, Any]:
    return {"fact": fact, "operator": operator, "value": value}


MET, NOT_MET, UNKNOWN = Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN


@pytest.mark.parametrize(
    ("criterion_rule", "facts", "expected"),
    [
        (rule("grade", "eq", "G1"), {"grade": "G1"}, MET),
        (rule("grade", "eq", "G1"), {"grade": "G2"}, NOT_MET),
        (rule("gastric_type", "eq", 1), {"gastric_type": 1}, MET),
        (rule("primary_site", "in", ["stomach", "pancreas"]), {"primary_site": "pancreas"}, MET),
        (rule("primary_site", "in", ["stomach", "pancreas"]), {"primary_site": "lung"}, NOT_MET),
        (rule("primary_site", "not_in", ["pancreas"]), {"primary_site": "lung"}, MET),
        (rule("primary_site", "not_in", ["pancreas"]), {"primary_site": "pancreas"}, NOT_MET),
        (rule("ecog", "lte", 1), {"ecog": 1}, MET),
        (rule("ecog", "lte", 1), {"ecog": 2}, NOT_MET),
        (rule("ecog", "lte", 1), {"ecog": 0}, MET),
        (rule("creatinine_clearance", "gte", 30), {"creatinine_clearance": 30}, MET),
        (rule("creatinine_clearance", "gte", 30), {"creatinine_clearance": 29.9}, NOT_MET),
        (rule("ki67", "lte", 9.9), {"ki67": 9.9}, MET),
        (rule("ki67", "lte", 9.9), {"ki67": 10}, NOT_MET),
        (rule("age", "between", [18, 75]), {"age": 18}, MET),
        (rule("age", "between", [18, 75]), {"age": 75}, MET),
        (rule("age", "between", [18, 75]), {"age": 17}, NOT_MET),
        (rule("age", "between", [18, 75]), {"age": 76}, NOT_MET),
        (rule("resectable", "is_true"), {"resectable": True}, MET),
        (rule("resectable", "is_true"), {"resectable": False}, NOT_MET),
        (rule("resectable", "is_false"), {"resectable": False}, MET),
        (rule("resectable", "is_false"), {"resectable": True}, NOT_MET),
        # Treatment lists: slugs, kinds in the rule, kinds in the patient's list, and "none".
        (rule("prior_treatments", "includes_any", ["lenvatinib"]), {"prior_treatments": ("lenvatinib",)}, MET),
        (rule("prior_treatments", "includes_any", ["lenvatinib"]), {"prior_treatments": ("everolimus",)}, NOT_MET),
        (rule("prior_treatments", "includes_any", ["lenvatinib"]), {"prior_treatments": ()}, NOT_MET),
        (
            rule("prior_treatments", "includes_any", ["somatostatin_analogue"]),
            {"prior_treatments": ("octreotide",)},
            MET,
        ),
        (
            rule("prior_treatments", "includes_any", ["somatostatin_analogue"]),
            {"prior_treatments": ("somatostatin_analogue",)},
            MET,
        ),
        (
            rule("prior_treatments", "includes_any", ["somatostatin_analogue"]),
            {"prior_treatments": ("cisplatin",)},
            NOT_MET,
        ),
        # "I had a targeted drug" cannot say whether it was lenvatinib.
        (
            rule("prior_treatments", "includes_any", ["lenvatinib"]),
            {"prior_treatments": ("targeted_drug",)},
            UNKNOWN,
        ),
        (rule("prior_treatments", "includes_none", ["chemotherapy"]), {"prior_treatments": ("octreotide",)}, MET),
        (rule("prior_treatments", "includes_none", ["chemotherapy"]), {"prior_treatments": ("cisplatin",)}, NOT_MET),
        (rule("prior_treatments", "includes_none", ["chemotherapy"]), {"prior_treatments": ()}, MET),
        (rule("progressed_on", "includes_any", ["somatostatin_analogue"]), {"progressed_on": ("lanreotide",)}, MET),
    ],
)
def test_each_operator_of_an_inclusion(
    criterion_rule: dict[str, Any], facts: dict[str, Any], expected: Outcome
) -> None:
    assert outcome(criterion_rule, **facts) is expected


@pytest.mark.parametrize(
    ("facts", "expected"),
    [({"pregnant_or_breastfeeding": True}, NOT_MET), ({"pregnant_or_breastfeeding": False}, MET), ({}, UNKNOWN)],
)
def test_an_exclusion_that_applies_is_not_met(facts: dict[str, Any], expected: Outcome) -> None:
    assert outcome(rule("pregnant_or_breastfeeding", "is_true"), kind="exclusion", **facts) is expected


@pytest.mark.parametrize(
    ("treatments", "expected"),
    [(("octreotide",), MET), (("lenvatinib",), NOT_MET), (("targeted_drug",), NOT_MET), (("chemotherapy",), MET)],
)
def test_an_exclusion_of_a_drug_by_slug_and_by_kind(treatments: tuple[str, ...], expected: Outcome) -> None:
    excluded = rule("prior_treatments", "includes_any", ["targeted_drug"])
    assert outcome(excluded, kind="exclusion", prior_treatments=treatments) is expected


@pytest.mark.parametrize("fact", ["ecog", "grade", "prior_treatments", "resectable", "ki67"])
def test_a_missing_fact_is_unknown_never_not_met(fact: str) -> None:
    rules = {
        "ecog": rule("ecog", "lte", 1),
        "grade": rule("grade", "in", ["G1", "G2"]),
        "prior_treatments": rule("prior_treatments", "includes_none", ["chemotherapy"]),
        "resectable": rule("resectable", "is_false"),
        "ki67": rule("ki67", "lte", 9.9),
    }
    assert outcome(rules[fact]) is UNKNOWN
    assert outcome(rules[fact], kind="exclusion") is UNKNOWN


def test_a_criterion_without_a_rule_is_to_confirm_with_the_trial_team() -> None:
    result = evaluate_criterion(
        CriterionData("inclusion", "Your blood tests are fine.", None), PatientFacts(), TREATMENTS
    )
    assert (result.outcome, result.fact, result.checked) == (UNKNOWN, None, False)
    assert result.reason == "We can't check this here: to confirm with the trial team."


def test_reasons_name_the_patient_value_and_the_requirement() -> None:
    def reason(criterion_rule: dict[str, Any], kind: str = "inclusion", **facts: Any) -> str:
        return evaluate_criterion(CriterionData(kind, "text", criterion_rule), PatientFacts(**facts), TREATMENTS).reason

    assert reason(rule("ecog", "lte", 1), ecog=2) == "Your performance status (ECOG) is 2; this trial needs 0 or 1."
    assert reason(rule("grade", "in", ["G1", "G2"])) == "We don't know your grade: ask your specialist."
    assert reason(rule("creatinine_clearance", "gte", 30), creatinine_clearance=25) == (
        "Your kidney function (creatinine clearance) is 25 ml/min; this trial needs at least 30 ml/min."
    )
    assert reason(rule("prior_treatments", "includes_any", ["lenvatinib"]), "exclusion", prior_treatments=()) == (
        "You have not had lenvatinib, so this does not rule you out."
    )
    assert reason(
        rule("prior_treatments", "includes_any", ["lenvatinib"]), "exclusion", prior_treatments=("targeted_drug",)
    ) == ("You have had a targeted drug, but we don't know if it was lenvatinib: ask your specialist.")
    assert reason(rule("resectable", "is_false"), resectable=True) == (
        "Your tumour can be removed completely by surgery; this trial needs the opposite."
    )


# --- Facets ---------------------------------------------------------------------------------------

STOMACH_NET = TumourTypeFacts("Stomach NET", "stomach", "net")
ANY_NET = TumourTypeFacts("NET, any site", "", "net")
ANY_NEC = TumourTypeFacts("NEC, any site", "", "nec")


def facet_outcomes(trial: TrialFacts, **facts: Any) -> list[tuple[str | None, Outcome]]:
    return [(c.fact, c.outcome) for c in evaluate(trial, PatientFacts(**facts)).criteria]


@pytest.mark.parametrize(("age", "expected"), [(17, NOT_MET), (18, MET), (75, MET), (76, NOT_MET), (None, UNKNOWN)])
def test_the_age_range_is_a_criterion(age: int | None, expected: Outcome) -> None:
    trial = TrialFacts(slug="t", title="T", any_net=True, min_age=18, max_age=75)
    assert facet_outcomes(trial, age=age) == [("age", expected)]


def test_a_facet_the_trial_leaves_empty_is_not_a_criterion() -> None:
    trial = TrialFacts(slug="t", title="T", any_net=True)
    evaluation = evaluate(trial, PatientFacts(age=40, sex="male", grade="G3", primary_site="lung"))
    assert evaluation.criteria == ()
    assert evaluation.verdict is Verdict.LIKELY_ELIGIBLE


@pytest.mark.parametrize(("sex", "expected"), [("female", MET), ("male", NOT_MET), (None, UNKNOWN)])
def test_sexes(sex: str | None, expected: Outcome) -> None:
    assert facet_outcomes(TrialFacts(slug="t", title="T", any_net=True, sexes=("female",)), sex=sex) == [
        ("sex", expected)
    ]


@pytest.mark.parametrize(
    ("facts", "expected"),
    [({"grade": "G2"}, MET), ({"grade": "G3"}, NOT_MET), ({}, UNKNOWN), ({"diagnosis": "nec"}, NOT_MET)],
)
def test_grades_and_a_nec_is_g3(facts: dict[str, Any], expected: Outcome) -> None:
    trial = TrialFacts(slug="t", title="T", any_net=True, grades=("G1", "G2"))
    assert facet_outcomes(trial, **facts) == [("grade", expected)]


@pytest.mark.parametrize(
    ("types", "facts", "expected"),
    [
        ((STOMACH_NET,), {"primary_site": "stomach", "diagnosis": "net"}, ("primary_site", MET)),
        ((STOMACH_NET,), {"primary_site": "pancreas", "diagnosis": "net"}, ("primary_site", NOT_MET)),
        ((STOMACH_NET,), {"primary_site": "stomach", "diagnosis": "nec"}, ("diagnosis", NOT_MET)),
        ((STOMACH_NET,), {"primary_site": "stomach"}, ("diagnosis", UNKNOWN)),
        ((STOMACH_NET,), {"diagnosis": "net"}, ("primary_site", UNKNOWN)),
        # A site the trial does not take settles it even when the diagnosis is unknown.
        ((STOMACH_NET,), {"primary_site": "lung"}, ("primary_site", NOT_MET)),
        ((ANY_NET,), {"primary_site": "lung", "diagnosis": "net"}, ("diagnosis", MET)),
        ((ANY_NET,), {"primary_site": "lung"}, ("diagnosis", UNKNOWN)),
        ((ANY_NET, ANY_NEC), {"diagnosis": "nec"}, ("diagnosis", MET)),
        ((ANY_NET,), {"diagnosis": "minen"}, ("diagnosis", NOT_MET)),
        # Either type may match: a stomach NEC fits "NEC, any site".
        ((STOMACH_NET, ANY_NEC), {"primary_site": "stomach", "diagnosis": "nec"}, ("primary_site", MET)),
    ],
)
def test_tumour_types_match_on_site_and_diagnosis(
    types: tuple[TumourTypeFacts, ...], facts: dict[str, Any], expected: tuple[str, Outcome]
) -> None:
    assert facet_outcomes(TrialFacts(slug="t", title="T", tumour_types=types), **facts) == [expected]


def test_a_trial_with_no_tumour_type_is_unknown_for_everyone_and_no_answer_settles_it() -> None:
    # An imported study whose conditions name none of our tumour types: never "any type".
    trial = TrialFacts(slug="t", title="T")
    for facts in ({}, {"primary_site": "small_bowel", "diagnosis": "net"}, {"diagnosis": "nec"}):
        evaluation = evaluate(trial, PatientFacts(**facts))
        assert evaluation.verdict is Verdict.POSSIBLY_ELIGIBLE
        (outcome,) = evaluation.criteria
        assert (outcome.outcome, outcome.missing_facts) == (UNKNOWN, ())
        assert outcome.reason == "This trial does not say which neuroendocrine cancers it is for: ask the trial team."


@pytest.mark.parametrize("types", [(), (STOMACH_NET,)])
def test_a_trial_marked_any_net_takes_every_tumour_type(types: tuple[TumourTypeFacts, ...]) -> None:
    trial = TrialFacts(slug="t", title="T", tumour_types=types, any_net=True)
    evaluation = evaluate(trial, PatientFacts(primary_site="lung", diagnosis="nec"))
    assert (evaluation.verdict, evaluation.criteria) == (Verdict.LIKELY_ELIGIBLE, ())


def test_an_unknown_tumour_type_lists_every_missing_fact() -> None:
    evaluation = evaluate(TrialFacts(slug="t", title="T", tumour_types=(STOMACH_NET,)), PatientFacts())
    assert evaluation.criteria[0].missing_facts == ("primary_site", "diagnosis")


def test_facets_come_before_the_criteria() -> None:
    trial = TrialFacts(
        slug="t",
        title="T",
        min_age=18,
        grades=("G1",),
        tumour_types=(ANY_NET,),
        criteria=(CriterionData("inclusion", "ECOG 0-1", rule("ecog", "lte", 1)),),
    )
    assert [c.fact for c in evaluate(trial, PatientFacts()).criteria] == ["age", "grade", "diagnosis", "ecog"]


# --- Verdicts and ranking -------------------------------------------------------------------------

ECOG = CriterionData("inclusion", "ECOG 0-1", rule("ecog", "lte", 1))
BLOODS = CriterionData("inclusion", "Your blood tests are fine.", None)


@pytest.mark.parametrize(
    ("criteria", "facts", "expected"),
    [
        ((ECOG,), {"ecog": 1}, Verdict.LIKELY_ELIGIBLE),
        # Criteria without a rule stay to confirm, but do not stop "likely".
        ((ECOG, BLOODS), {"ecog": 0}, Verdict.LIKELY_ELIGIBLE),
        ((ECOG, BLOODS), {}, Verdict.POSSIBLY_ELIGIBLE),
        ((ECOG, BLOODS), {"ecog": 3}, Verdict.NOT_ELIGIBLE),
        ((BLOODS,), {}, Verdict.LIKELY_ELIGIBLE),
    ],
)
def test_the_verdict(criteria: tuple[CriterionData, ...], facts: dict[str, Any], expected: Verdict) -> None:
    assert (
        evaluate(TrialFacts(slug="t", title="T", any_net=True, criteria=criteria), PatientFacts(**facts)).verdict
        is expected
    )


def test_not_eligible_wins_over_unknowns() -> None:
    trial = TrialFacts(slug="t", title="T", any_net=True, grades=("G1",), criteria=(ECOG,))
    evaluation = evaluate(trial, PatientFacts(ecog=4))
    assert evaluation.verdict is Verdict.NOT_ELIGIBLE
    assert [(c.fact, c.outcome) for c in evaluation.not_met] == [("ecog", NOT_MET)]
    assert evaluation.unknown_count == 1


def evaluation(title: str, verdict: Verdict, unknowns: int = 0, miles: float | None = None) -> TrialEvaluation:
    unknown = evaluate_criterion(BLOODS, PatientFacts(), TREATMENTS)
    trial = TrialFacts(slug=title.lower(), title=title, any_net=True, distance_miles=miles)
    return TrialEvaluation(trial=trial, verdict=verdict, criteria=(unknown,) * unknowns)


def test_ranking_by_verdict_then_unknowns_then_distance_then_title() -> None:
    ranked = rank(
        [
            evaluation("Not near", Verdict.NOT_ELIGIBLE, miles=1),
            evaluation("Possibly, three unknowns", Verdict.POSSIBLY_ELIGIBLE, 3, miles=1),
            evaluation("Possibly, one unknown, far", Verdict.POSSIBLY_ELIGIBLE, 1, miles=200),
            evaluation("Possibly, one unknown, near", Verdict.POSSIBLY_ELIGIBLE, 1, miles=5),
            evaluation("Likely B", Verdict.LIKELY_ELIGIBLE, 4),
            evaluation("Likely A", Verdict.LIKELY_ELIGIBLE, 4),
            evaluation("Likely, near", Verdict.LIKELY_ELIGIBLE, 9, miles=50),
            evaluation("Another not", Verdict.NOT_ELIGIBLE),
        ]
    )
    assert [e.trial.title for e in ranked] == [
        "Likely, near",
        "Likely A",
        "Likely B",
        "Possibly, one unknown, near",
        "Possibly, one unknown, far",
        "Possibly, three unknowns",
        "Not near",
        "Another not",
    ]


def test_questions_to_ask_cover_the_trials_still_possible_once_each() -> None:
    possible = TrialFacts(slug="a", title="A", any_net=True, grades=("G1",), criteria=(ECOG,))
    also = TrialFacts(slug="b", title="B", any_net=True, grades=("G1", "G2"))
    ruled_out = TrialFacts(
        slug="c", title="C", sexes=("female",), criteria=(CriterionData("inclusion", "Ki", rule("ki67", "lte", 2)),)
    )
    facts = PatientFacts(sex="male")
    questions = questions_to_ask([evaluate(trial, facts) for trial in (possible, also, ruled_out)])
    assert questions == [
        "What is the grade of my tumour (G1, G2 or G3)?",
        "What is my performance status (ECOG score)?",
    ]


# --- PatientFacts ---------------------------------------------------------------------------------


def test_facts_from_json() -> None:
    facts = PatientFacts.from_dict(
        {
            "age": 61,
            "grade": "G2",
            "ki67": 4.5,
            "gastric_type": 1,
            "resectable": False,
            "prior_treatments": ["octreotide", "chemotherapy", "octreotide"],
            "progressed_on": [],
            "ecog": None,
            "postcode": "m20 4bx",
        },
        known_treatments=lambda slugs: {"octreotide"} & set(slugs),
    )
    assert facts == PatientFacts(
        age=61,
        grade="G2",
        ki67=4.5,
        gastric_type=1,
        resectable=False,
        prior_treatments=("octreotide", "chemotherapy"),
        progressed_on=(),
        postcode="M20",
    )


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"grade": "G4"}, {"grade": ["'G4' is not one of: G1, G2, G3."]}),
        ({"age": "sixty"}, {"age": ["Must be a whole number, not 'sixty'."]}),
        ({"age": 60.5}, {"age": ["Must be a whole number, not 60.5."]}),
        ({"ecog": 5}, {"ecog": ["Must be between 0 and 4."]}),
        ({"ecog": True}, {"ecog": ["Must be a whole number, not True."]}),
        ({"gastric_type": True}, {"gastric_type": ["True is not one of: 1, 2, 3."]}),
        ({"resectable": "yes"}, {"resectable": ["Must be true or false, not 'yes'."]}),
        (
            {"prior_treatments": "octreotide"},
            {
                "prior_treatments": [
                    "Must be a list of intervention slugs or intervention kinds (an empty list means none)."
                ]
            },
        ),
        ({"diagnosis": "nec", "grade": "G1"}, {"grade": ["A neuroendocrine carcinoma (NEC) is always G3."]}),
    ],
)
def test_bad_facts_are_named(data: dict[str, Any], errors: dict[str, list[str]]) -> None:
    with pytest.raises(FactsInvalid) as caught:
        PatientFacts.from_dict(data)
    assert caught.value.errors == errors


def test_unknown_keys_and_unknown_treatments_are_named() -> None:
    with pytest.raises(FactsInvalid) as caught:
        PatientFacts.from_dict(
            {"height": 180, "prior_treatments": ["octreotide", "unobtainium"], "postcode": "not a postcode"},
            known_treatments=lambda slugs: {"octreotide"} & set(slugs),
        )
    errors = caught.value.errors
    assert set(errors) == {"height", "prior_treatments", "postcode"}
    assert errors["height"][0].startswith("Unknown fact. Use one of: age, sex, diagnosis,")
    assert errors["prior_treatments"][0].startswith("Unknown treatment 'unobtainium': use an intervention's slug")
    assert errors["postcode"] == ["“not a postcode” is not a UK postcode. Enter one such as M20 4BX, or just M20."]


# --- The specialist's lab facts -------------------------------------------------------------------

ANC_AT_LEAST_1_5 = CriterionData("inclusion", "Neutrophils at least 1.5 x 10^9/L.", rule("anc", "gte", 1.5))


def test_low_neutrophils_rule_a_patient_out_with_a_reason_naming_them() -> None:
    evaluation = evaluate(
        TrialFacts(slug="t", title="T", any_net=True, criteria=(ANC_AT_LEAST_1_5,)), PatientFacts(anc=1.2)
    )
    assert evaluation.verdict is Verdict.NOT_ELIGIBLE
    [criterion] = evaluation.not_met
    assert (criterion.fact, criterion.patient_value) == ("anc", 1.2)
    assert criterion.reason == "Your neutrophil count (ANC) is 1.2 ×10⁹/L; this trial needs at least 1.5 ×10⁹/L."


def test_an_unknown_neutrophil_count_is_asked_about_not_excluded() -> None:
    evaluation = evaluate(
        TrialFacts(slug="t", title="T", any_net=True, criteria=(ANC_AT_LEAST_1_5,)), PatientFacts(age=60)
    )
    assert evaluation.verdict is Verdict.POSSIBLY_ELIGIBLE
    [criterion] = evaluation.unknown
    assert (criterion.outcome, criterion.missing_facts) == (UNKNOWN, ("anc",))
    assert criterion.reason == "We don't know your neutrophil count (ANC): ask your specialist."
    assert questions_to_ask([evaluation]) == ["What is my neutrophil count (ANC)?"]


@pytest.mark.parametrize(
    ("criterion_rule", "kind", "facts", "expected"),
    [
        (rule("anc", "gte", 1.5), "inclusion", {"anc": 1.5}, MET),
        (rule("platelets", "gte", 100), "inclusion", {"platelets": 99}, NOT_MET),
        (rule("platelets", "gte", 100), "inclusion", {"platelets": 250}, MET),
        (rule("haemoglobin", "between", [90, 200]), "inclusion", {"haemoglobin": 85}, NOT_MET),
        (rule("haemoglobin", "between", [90, 200]), "inclusion", {"haemoglobin": 90}, MET),
        (rule("bilirubin_uln", "lte", 1.5), "inclusion", {"bilirubin_uln": 2}, NOT_MET),
        (rule("transaminases_uln", "lte", 2.5), "inclusion", {"transaminases_uln": 2.5}, MET),
        (rule("lvef", "gte", 50), "inclusion", {"lvef": 45}, NOT_MET),
        (rule("qtc_ms", "gte", 480), "exclusion", {"qtc_ms": 500}, NOT_MET),
        (rule("qtc_ms", "gte", 480), "exclusion", {"qtc_ms": 430}, MET),
        (rule("qtc_ms", "gte", 480), "exclusion", {}, UNKNOWN),
    ],
)
def test_lab_rules_compare_the_patients_values(
    criterion_rule: dict[str, Any], kind: str, facts: dict[str, Any], expected: Outcome
) -> None:
    assert outcome(criterion_rule, kind, **facts) is expected


def test_lab_reasons_give_the_value_with_its_unit() -> None:
    def reason(criterion_rule: dict[str, Any], kind: str = "inclusion", **facts: Any) -> str:
        return evaluate_criterion(CriterionData(kind, "text", criterion_rule), PatientFacts(**facts), TREATMENTS).reason

    assert reason(rule("bilirubin_uln", "lte", 1.5), bilirubin_uln=2.0) == (
        "Your bilirubin is 2 × the upper limit of normal; this trial needs 1.5 × the upper limit of normal or less."
    )
    assert reason(rule("haemoglobin", "between", [90, 200]), haemoglobin=85) == (
        "Your haemoglobin is 85 g/L; this trial needs between 90 g/L and 200 g/L."
    )
    assert (
        reason(rule("lvef", "gte", 50), lvef=45)
        == "Your heart's pumping strength (LVEF) is 45%; this trial needs at least 50%."
    )
    assert reason(rule("qtc_ms", "gte", 480), "exclusion", qtc_ms=500) == (
        "Your QTc (from your heart tracing, the ECG) is 500 ms: this trial does not take people in this situation."
    )


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"anc": 150}, {"anc": ["Must be between 0 and 100."]}),
        ({"platelets": -1}, {"platelets": ["Must be between 0 and 2000."]}),
        ({"haemoglobin": "low"}, {"haemoglobin": ["Must be a number, not 'low'."]}),
        ({"transaminases_uln": 101}, {"transaminases_uln": ["Must be between 0 and 100."]}),
        ({"lvef": 55.5}, {"lvef": ["Must be a whole number, not 55.5."]}),
        ({"qtc_ms": 120}, {"qtc_ms": ["Must be between 200 and 800."]}),
    ],
)
def test_lab_values_outside_their_bounds_are_named(data: dict[str, Any], errors: dict[str, list[str]]) -> None:
    with pytest.raises(FactsInvalid) as caught:
        PatientFacts.from_dict(data)
    assert caught.value.errors == errors
