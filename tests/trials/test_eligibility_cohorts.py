"""Cohorts in the engine: the common criteria plus each cohort, the best cohort gives the verdict and
says why; drug classes in treatment rules. Plain data, no database."""

from __future__ import annotations

from typing import Any

import pytest

from trials.eligibility.engine import Outcome, Treatments, TrialFacts, Verdict, evaluate, evaluate_criterion
from trials.eligibility.patient import PatientFacts
from trials.record.data import CriterionData

TREATMENTS = Treatments(
    kinds={
        "cisplatin": "chemotherapy",
        "carboplatin": "chemotherapy",
        "temozolomide": "chemotherapy",
        "sunitinib": "targeted_drug",
        "everolimus": "targeted_drug",
        "octreotide": "somatostatin_analogue",
    },
    names={"cisplatin": "cisplatin", "carboplatin": "carboplatin", "sunitinib": "sunitinib"},
    classes={
        "class:platinum-agents": frozenset({"cisplatin", "carboplatin"}),
        "class:vegf-inhibitors": frozenset({"sunitinib"}),
        "class:tyrosine-kinase-inhibitors": frozenset({"sunitinib"}),
    },
    class_names={"class:platinum-agents": "platinum agents", "class:vegf-inhibitors": "VEGF/VEGFR inhibitors"},
)


def treated(rule_value: list[str], kind: str = "inclusion", **facts: Any) -> tuple[Outcome, str]:
    rule = {"fact": "prior_treatments", "operator": "includes_any", "value": rule_value}
    result = evaluate_criterion(CriterionData(kind=kind, text="Treated.", rule=rule), PatientFacts(**facts), TREATMENTS)
    return result.outcome, result.reason


@pytest.mark.parametrize(
    ("had", "expected"),
    [
        (("carboplatin",), (Outcome.MET, "You have had carboplatin, as this trial needs.")),
        (("cisplatin", "octreotide"), (Outcome.MET, "You have had cisplatin, as this trial needs.")),
        (
            ("temozolomide",),
            (Outcome.NOT_MET, "You have not had any of the platinum agents; this trial needs the opposite."),
        ),
        (
            ("chemotherapy",),
            (
                Outcome.UNKNOWN,
                "You have had chemotherapy, but we don't know if it was any of the platinum agents: "
                "ask your specialist.",
            ),
        ),
        ((), (Outcome.NOT_MET, "You have not had any of the platinum agents; this trial needs the opposite.")),
    ],
)
def test_a_prior_drug_counts_as_every_class_it_belongs_to(had: tuple[str, ...], expected: tuple[Outcome, str]) -> None:
    assert treated(["class:platinum-agents"], prior_treatments=had) == expected


def test_an_exclusion_naming_a_class_rules_out_any_member_and_keeps_its_capitals() -> None:
    assert treated(["class:vegf-inhibitors"], "exclusion", prior_treatments=("sunitinib",)) == (
        Outcome.NOT_MET,
        "You have had sunitinib: this trial does not take people in this situation.",
    )
    assert treated(["class:vegf-inhibitors"], "exclusion", prior_treatments=("everolimus",)) == (
        Outcome.MET,
        "You have not had any of the VEGF/VEGFR inhibitors, so this does not rule you out.",
    )


def criterion(
    text: str, fact: str, operator: str, value: Any = None, *, cohort: str = "", kind: str = "inclusion"
) -> CriterionData:
    return CriterionData(kind=kind, text=text, rule={"fact": fact, "operator": operator, "value": value}, cohort=cohort)


PANCREAS, GUT = "Pancreatic NET", "Gastrointestinal NET"
TRIAL = TrialFacts(
    any_net=True,  # a trial for every NET: only its cohorts decide
    slug="cohorts",
    title="A trial with two cohorts",
    criteria=(
        criterion("Your NET has spread.", "extent", "in", ["locally_advanced", "metastatic"]),
        criterion("It started in the pancreas.", "primary_site", "eq", "pancreas", cohort=PANCREAS),
        criterion(
            "You have had a targeted drug.", "prior_treatments", "includes_any", ["targeted_drug"], cohort=PANCREAS
        ),
        criterion("It started in the gut.", "primary_site", "in", ["small_bowel", "colon"], cohort=GUT),
        CriterionData(kind="inclusion", text="It grew on a somatostatin analogue.", cohort=GUT),
        criterion(
            "You have had chemotherapy or a targeted drug.",
            "prior_treatments",
            "includes_any",
            ["chemotherapy", "targeted_drug"],
            cohort=GUT,
            kind="exclusion",
        ),
    ),
)


def test_a_pancreatic_patient_without_a_targeted_drug_fits_no_cohort_and_is_told_why() -> None:
    facts = PatientFacts(extent="metastatic", primary_site="pancreas", prior_treatments=("octreotide",))

    evaluation = evaluate(TRIAL, facts, TREATMENTS)

    assert (evaluation.verdict, evaluation.cohort) == (Verdict.NOT_ELIGIBLE, PANCREAS)
    assert [(c.name, c.verdict) for c in evaluation.cohorts] == [
        (PANCREAS, Verdict.NOT_ELIGIBLE),
        (GUT, Verdict.NOT_ELIGIBLE),
    ]
    assert [(o.text, o.outcome, o.cohort) for o in evaluation.criteria] == [
        ("Your NET has spread.", Outcome.MET, ""),
        ("It started in the pancreas.", Outcome.MET, PANCREAS),
        ("You have had a targeted drug.", Outcome.NOT_MET, PANCREAS),
    ]
    assert evaluation.cohort_reason == (
        "This trial has separate groups (cohorts): Pancreatic NET and Gastrointestinal NET. None of them takes "
        "you; the reasons shown are for the Pancreatic NET group, the closest fit."
    )


def test_a_pancreatic_patient_after_a_targeted_drug_is_likely_eligible_for_the_pancreatic_cohort() -> None:
    facts = PatientFacts(extent="metastatic", primary_site="pancreas", prior_treatments=("everolimus",))

    evaluation = evaluate(TRIAL, facts, TREATMENTS)

    assert (evaluation.verdict, evaluation.cohort, evaluation.unknown_count) == (
        Verdict.LIKELY_ELIGIBLE,
        PANCREAS,
        0,
    )
    assert evaluation.cohort_reason.endswith(
        "We judged you on the Pancreatic NET group, the one you fit best; the Gastrointestinal NET group does "
        "not take you."
    )


def test_a_gut_patient_is_judged_on_the_gut_cohort() -> None:
    facts = PatientFacts(extent="metastatic", primary_site="small_bowel", prior_treatments=("octreotide",))

    evaluation = evaluate(TRIAL, facts, TREATMENTS)

    # The criterion without a rule is for the trial team to confirm: it does not lower the verdict.
    assert (evaluation.verdict, evaluation.cohort, evaluation.unknown_count) == (
        Verdict.LIKELY_ELIGIBLE,
        GUT,
        1,
    )
    assert [o.outcome for o in evaluation.criteria] == [Outcome.MET, Outcome.MET, Outcome.UNKNOWN, Outcome.MET]


def test_an_unknown_site_keeps_both_cohorts_open_and_asks_what_settles_either() -> None:
    evaluation = evaluate(TRIAL, PatientFacts(extent="metastatic"), TREATMENTS)

    assert evaluation.verdict is Verdict.POSSIBLY_ELIGIBLE
    # Pancreas: site and treatments unknown (2); gut: site, the unchecked criterion and treatments (3).
    assert (evaluation.cohort, evaluation.unknown_count) == (PANCREAS, 2)
    assert evaluation.missing_facts == ["primary_site", "prior_treatments"]


def test_a_trial_without_cohorts_names_none() -> None:
    trial = TrialFacts(
        slug="plain", title="Plain", any_net=True, criteria=(criterion("Spread.", "extent", "eq", "metastatic"),)
    )

    evaluation = evaluate(trial, PatientFacts(extent="metastatic"), TREATMENTS)

    assert (evaluation.verdict, evaluation.cohort, evaluation.cohorts, evaluation.cohort_reason) == (
        Verdict.LIKELY_ELIGIBLE,
        "",
        (),
        "",
    )
