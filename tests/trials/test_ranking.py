"""trials.eligibility.ranking ranks in SQL exactly as the engine ranks in Python, and explains only the page read.

The reference is the engine itself over every published trial (trials.eligibility.engine.evaluate and
rank), with distances from the per-site SQL of trials.geography.distance.trial_nearest_sites: an independent
path. The trials are the 27 NET trials plus bench trials with random facets, rules and sites, and
rules on the specialist's lab facts (blood counts, liver, heart) spread over them.
"""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks.management.commands.bench import FULL_PATIENT
from trials.eligibility import expressions
from trials.eligibility.engine import (
    NO_PHASE_RANK,
    PHASE_ORDER,
    Sort,
    TrialEvaluation,
    Verdict,
    evaluate,
    questions_to_ask,
    rank,
)
from trials.eligibility.patient import PatientFacts
from trials.eligibility.ranking import RankedTrials, _load, _trial_facts, treatments
from trials.geography.distance import trial_nearest_sites
from trials.geography.postcodes import place_for_postcode
from trials.registry.models import Criterion, Trial
from trials.registry.services import trial_refresh_derived

pytestmark = pytest.mark.django_db

NORMAL_LABS = {
    "anc": 2.0,
    "platelets": 250,
    "haemoglobin": 130,
    "bilirubin_uln": 0.5,
    "transaminases_uln": 1.0,
    "lvef": 60,
    "qtc_ms": 420,
}
PATIENTS: list[dict[str, Any]] = [
    {},
    {"age": 60},
    {"age": 60, "primary_site": "pancreas"},
    {"primary_site": "pancreas", "diagnosis": "net", "grade": "G2", "postcode": "M20 4BX"},
    {"diagnosis": "nec", "postcode": "SW1A 1AA"},  # a NEC is G3
    {"age": 17, "sex": "male", "primary_site": "lung", "diagnosis": "net", "ecog": 3},
    {**FULL_PATIENT, **NORMAL_LABS, "prior_treatments": ["somatostatin_analogue", "lenvatinib"], "postcode": "LS1"},
    {"prior_treatments": ["targeted_drug"], "sstr_imaging_positive": True, "postcode": "EH1 1AA"},
    # Lab values on and either side of the rules' thresholds, and some labs unknown.
    {"age": 60, "primary_site": "pancreas", "anc": 1.2, "platelets": 100, "bilirubin_uln": 2.0, "qtc_ms": 480},
    {**NORMAL_LABS, "anc": 1.0, "haemoglobin": 90, "transaminases_uln": 2.5, "lvef": 49, "postcode": "M20"},
    # Drug classes and cohorts: a platinum drug, a vague "chemotherapy", a VEGF drug with a platinum one.
    {"primary_site": "pancreas", "prior_treatments": ["carboplatin", "everolimus"], "ecog": 1, "anc": 1.2},
    {"primary_site": "small_bowel", "prior_treatments": ["chemotherapy"], "grade": "G2", "anc": 1.6},
    {"primary_site": "colon", "prior_treatments": ["sunitinib", "cisplatin"], "ecog": 2, "anc": 2.0, "age": 70},
]
LAB_RULES: list[tuple[str, dict[str, Any]]] = [
    ("inclusion", {"fact": "anc", "operator": "gte", "value": 1.5}),
    ("inclusion", {"fact": "platelets", "operator": "gte", "value": 100}),
    ("inclusion", {"fact": "haemoglobin", "operator": "between", "value": [90, 200]}),
    ("inclusion", {"fact": "bilirubin_uln", "operator": "lte", "value": 1.5}),
    ("inclusion", {"fact": "transaminases_uln", "operator": "lte", "value": 2.5}),
    ("inclusion", {"fact": "lvef", "operator": "gte", "value": 50}),
    ("exclusion", {"fact": "qtc_ms", "operator": "gte", "value": 480}),
    ("inclusion", {"fact": "anc", "operator": "gte", "value": 1.0}),
]
_PANCREAS = {"fact": "primary_site", "operator": "eq", "value": "pancreas"}
_GUT = {"fact": "primary_site", "operator": "in", "value": ["small_bowel", "colon"]}
# Cohorts (name, kind, rule or None) spread over the bench trials, with drug classes in their rules.
COHORT_SETS: list[list[tuple[str, str, dict[str, Any] | None]]] = [
    [
        ("Pancreas", "inclusion", _PANCREAS),
        ("Pancreas", "inclusion", {"fact": "prior_treatments", "operator": "includes_any", "value": ["targeted_drug"]}),
        ("Gut", "inclusion", _GUT),
        ("Gut", "inclusion", None),
        ("Gut", "exclusion", {"fact": "prior_treatments", "operator": "includes_any", "value": ["chemotherapy"]}),
    ],
    [
        (
            "After platinum",
            "inclusion",
            {"fact": "prior_treatments", "operator": "includes_any", "value": ["class:platinum-agents"]},
        ),
        ("Untreated", "exclusion", {"fact": "prior_treatments", "operator": "includes_any", "value": ["chemotherapy"]}),
        ("Untreated", "inclusion", {"fact": "ecog", "operator": "lte", "value": 1}),
    ],
    [
        ("Low counts", "inclusion", {"fact": "anc", "operator": "gte", "value": 1.0}),
        ("Low counts", "inclusion", None),
        ("Low counts", "inclusion", None),
        ("Normal counts", "inclusion", {"fact": "anc", "operator": "gte", "value": 1.5}),
        (
            "No VEGF drug",
            "exclusion",
            {"fact": "prior_treatments", "operator": "includes_any", "value": ["class:vegf-inhibitors"]},
        ),
    ],
]


@pytest.fixture
def registry(seeded: None) -> None:
    call_command("seed_bench", trials=120, seed=5, stdout=io.StringIO())
    # One lab rule on every third published trial, so that each lab fact decides some verdicts.
    trials = list(Trial.objects.published().order_by("pk"))[::3]
    Criterion.objects.bulk_create(
        Criterion(trial=trial, kind=kind, text=f"Lab criterion {i}.", rule=rule, position=100)
        for i, trial in enumerate(trials)
        for kind, rule in [LAB_RULES[i % len(LAB_RULES)]]
    )
    trial_refresh_derived(trials=trials)
    # Every other trial without a tumour type is an imported study naming none (not "any NET"):
    # its tumour type is unknown for every patient, in the engine and in SQL alike.
    untyped = list(Trial.objects.published().filter(tumour_types__isnull=True).order_by("pk"))[::2]
    assert untyped
    Trial.objects.filter(pk__in=[t.pk for t in untyped]).update(any_net=False)
    trial_refresh_derived(trials=Trial.objects.filter(pk__in=[t.pk for t in untyped]))
    # Cohorts on every fourth published trial (another offset), so some trials have both.
    with_cohorts = list(Trial.objects.published().order_by("pk"))[1::4]
    Criterion.objects.bulk_create(
        Criterion(trial=trial, kind=kind, text=f"{name} criterion.", rule=rule, cohort=name, position=200 + j)
        for i, trial in enumerate(with_cohorts)
        for j, (name, kind, rule) in enumerate(COHORT_SETS[i % len(COHORT_SETS)])
    )
    trial_refresh_derived(trials=trials + with_cohorts)


def reference(
    facts: PatientFacts, *, statuses: list[str] | None = None, by: Sort = Sort.VERDICT
) -> list[TrialEvaluation]:
    trials = Trial.objects.published()
    if statuses:
        trials = trials.filter(status__in=statuses)
    pks = list(trials.values_list("pk", flat=True))
    nearest = trial_nearest_sites(trial_ids=pks, place=place_for_postcode(facts.postcode)) if facts.postcode else {}
    return rank(
        (
            evaluate(_trial_facts(trial, nearest[trial.pk].miles if trial.pk in nearest else None), facts, treatments())
            for trial in _load(pks)
        ),
        by,
    )


def summary(evaluations: list[TrialEvaluation]) -> list[tuple[str, str, int, float | None]]:
    return [
        (
            e.trial.slug,
            e.verdict.value,
            e.unknown_count,
            None if e.distance_miles is None else round(e.distance_miles, 6),
        )
        for e in evaluations
    ]


@pytest.mark.parametrize("patient", PATIENTS, ids=range(len(PATIENTS)))
def test_the_sql_ranking_equals_the_engine_trial_by_trial(registry: None, patient: dict[str, Any]) -> None:
    facts = PatientFacts.from_dict(patient)
    expected = reference(facts)
    ranking = RankedTrials(facts)
    assert len(ranking) == len(expected) == Trial.objects.published().count()
    assert summary(list(ranking)) == summary(expected)
    assert ranking.counts == {v.value: sum(1 for e in expected if e.verdict is v) for v in Verdict}
    assert ranking.questions() == questions_to_ask(expected)
    assert any(e.cohort for e in expected)
    # Any window of the ranking is the same window of the whole (pages start mid-group).
    assert summary(ranking[7:31]) == summary(expected[7:31])
    assert summary([ranking[-1]]) == summary(expected[-1:])


@pytest.mark.parametrize("patient", PATIENTS, ids=range(len(PATIENTS)))
def test_the_ranking_tests_the_keys_themselves_when_two_share_a_number(
    registry: None, patient: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    facts = PatientFacts.from_dict(patient)
    assert RankedTrials(facts)._answers.hashes is not None  # the numbers, as long as they are distinct
    found = expressions._distinct_rule_keys()
    monkeypatch.setattr(expressions, "_distinct_rule_keys", lambda: expressions.RuleKeys(found.keys, None))

    ranking = RankedTrials(facts)

    assert ranking._answers.hashes is None
    expected = reference(facts)
    assert summary(list(ranking)) == summary(expected)
    assert ranking.counts == {v.value: sum(1 for e in expected if e.verdict is v) for v in Verdict}
    assert ranking.questions() == questions_to_ask(expected)


def test_each_trial_carries_its_rule_keys_numbers(registry: None) -> None:
    found = expressions._distinct_rule_keys()
    assert found.hashes is not None and len(found.hashes) == len(found.keys) > 20
    for keys, hashes in Trial.objects.published().values_list("rule_keys", "rule_hashes"):
        assert hashes == [found.hashes[key] for key in keys]


def test_the_verdict_filter_keeps_the_order(registry: None) -> None:
    facts = PatientFacts.from_dict(PATIENTS[3])
    expected = reference(facts)
    for verdict in Verdict:
        only = RankedTrials(facts, verdict=verdict.value)
        assert summary(list(only)) == summary([e for e in expected if e.verdict is verdict])
    assert Counter(e.verdict for e in expected)[Verdict.NOT_ELIGIBLE] > 0


@pytest.mark.parametrize("by", [Sort.DISTANCE, Sort.PHASE])
@pytest.mark.parametrize("patient", [PATIENTS[3], PATIENTS[4], PATIENTS[2]], ids=["M20", "SW1A", "no-postcode"])
def test_a_ranking_sorted_by_distance_or_phase_first_equals_the_engine(
    registry: None, patient: dict[str, Any], by: Sort
) -> None:
    facts = PatientFacts.from_dict(patient)
    expected = reference(facts, by=by)
    ranking = RankedTrials(facts, sort=by)
    assert summary(list(ranking)) == summary(expected)
    assert summary(ranking[7:31]) == summary(expected[7:31])
    assert [e.trial.phase for e in ranking[:3]] == [e.trial.phase for e in expected[:3]]
    possibly = RankedTrials(facts, sort=by, verdict=Verdict.POSSIBLY_ELIGIBLE.value)
    assert summary(list(possibly)) == summary([e for e in expected if e.verdict is Verdict.POSSIBLY_ELIGIBLE])
    open_only = RankedTrials(facts, sort=by, statuses=["open"])
    assert summary(list(open_only)) == summary(reference(facts, statuses=["open"], by=by))


def test_the_sorts_differ_from_the_verdict_order(registry: None) -> None:
    facts = PatientFacts.from_dict(PATIENTS[3])
    by_distance = list(RankedTrials(facts, sort=Sort.DISTANCE))
    miles = [e.distance_miles for e in by_distance if e.distance_miles is not None]
    assert miles == sorted(miles) and len(miles) > 10
    assert by_distance[len(miles) :] == [e for e in by_distance if e.distance_miles is None]
    phases = [e.trial.phase for e in RankedTrials(facts, sort=Sort.PHASE)]
    ranks = [PHASE_ORDER.get(phase, NO_PHASE_RANK) for phase in phases]
    assert ranks == sorted(ranks) and phases[0] == "phase_4" and len(set(phases)) > 2
    assert summary(list(RankedTrials(facts, sort=Sort.PHASE))) != summary(list(RankedTrials(facts)))


def test_statuses_and_slugs_limit_the_trials(registry: None) -> None:
    facts = PatientFacts.from_dict(PATIENTS[2])
    assert summary(list(RankedTrials(facts, statuses=["open"]))) == summary(reference(facts, statuses=["open"]))
    slugs = list(Trial.objects.published().order_by("pk").values_list("slug", flat=True)[:3])
    assert sorted(e.trial.slug for e in RankedTrials(facts, slugs=slugs)) == sorted(slugs)


def test_a_page_costs_the_same_queries_whatever_the_registry_size(seeded: None) -> None:
    facts = PatientFacts.from_dict(PATIENTS[3])

    def queries() -> int:
        ranking = RankedTrials(facts)
        with CaptureQueriesContext(connection) as captured:
            len(ranking)
            ranking[0:20]
        return len(captured)

    small = queries()
    call_command("seed_bench", trials=60, seed=2, stdout=io.StringIO())
    # The counts (one grouped query), the page's ids, then its trials, tumour types and criteria.
    assert queries() == small == 5


def test_a_changed_rule_changes_the_verdict_at_once(seeded: None) -> None:
    trial = Trial.objects.get(slug="e2211-temozolomide-capecitabine-pancreatic-nets")
    facts = PatientFacts.from_dict({"ecog": 4})
    criterion = trial.criteria.exclude(rule__isnull=True).first()
    assert criterion is not None
    criterion.rule = {"fact": "ecog", "operator": "lte", "value": 1}
    criterion.kind = "inclusion"
    criterion.save()
    trial_refresh_derived(trials=[trial])
    after = RankedTrials(facts, slugs=[trial.slug])[0]
    assert after.verdict is Verdict.NOT_ELIGIBLE
    assert {c.fact for c in after.not_met} == {"ecog"}
    assert summary([after]) == summary([e for e in reference(facts) if e.trial.slug == trial.slug])


def test_the_lab_rules_decide_verdicts_and_questions(registry: None) -> None:
    low = RankedTrials(PatientFacts.from_dict(PATIENTS[8]))
    assert {c.fact for e in low for c in e.not_met} >= {"anc", "bilirubin_uln", "qtc_ms"}
    assert "What is my neutrophil count (ANC)?" in RankedTrials(PatientFacts.from_dict(PATIENTS[1])).questions()
    assert "What is my neutrophil count (ANC)?" not in RankedTrials(PatientFacts.from_dict(PATIENTS[9])).questions()
