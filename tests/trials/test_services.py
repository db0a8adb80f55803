"""Writes: upserts that change nothing when nothing changed, search text kept current."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.exceptions import ValidationError

from tests.factories import InterventionFactory, TrialFactory
from trials.record.format import InterventionData, parse_trial
from trials.registry.choices import Status
from trials.registry.models import Criterion, Trial
from trials.registry.services import (
    SaveOutcome,
    intervention_upsert,
    trial_upsert,
    trials_set_published,
    trials_set_status,
)

pytestmark = pytest.mark.django_db

RECORD = {
    "slug": "talent-lenvatinib",
    "title": "A trial looking at lenvatinib for neuroendocrine tumours that have spread (TALENT)",
    "acronym": "TALENT",
    "status": "results",
    "phase": "phase_2",
    "trial_type": "treatment",
    "cancer_types": [{"slug": "pancreatic-net", "name": "Pancreatic NET"}],
    "interventions": [{"slug": "lenvatinib", "name": "lenvatinib", "kind": "targeted_drug", "synonyms": ["Lenvima"]}],
    "identifiers": {"nct": "NCT02678780"},
    "eligibility": {
        "min_age": 18,
        "criteria": [
            {
                "kind": "inclusion",
                "text": "Your performance status is 0 or 1",
                "rule": {"fact": "ecog", "operator": "lte", "value": 1},
            },
            {
                "kind": "exclusion",
                "text": "You have had lenvatinib before",
                "rule": {"fact": "prior_treatments", "operator": "includes_any", "value": ["lenvatinib"]},
            },
        ],
    },
    "locations": [
        {
            "hospital": "The Christie",
            "town": "Manchester",
            "postcode": "M20 4BX",
            "latitude": 53.43,
            "longitude": -2.23,
            "recruiting": False,
        }
    ],
}


def test_an_upsert_creates_then_leaves_an_unchanged_trial_alone() -> None:
    first = trial_upsert(data=parse_trial(RECORD))
    second = trial_upsert(data=parse_trial(RECORD))
    assert (first.outcome, second.outcome) == (SaveOutcome.CREATED, SaveOutcome.UNCHANGED)
    trial = Trial.objects.get(slug="talent-lenvatinib")
    assert trial.history.count() == first.obj.history.count()
    assert [c.text for c in trial.criteria.all()] == [
        "Your performance status is 0 or 1",
        "You have had lenvatinib before",
    ]
    assert trial.sites.get().hospital.name == "The Christie"


def test_an_upsert_updates_what_changed_and_records_it() -> None:
    trial_upsert(data=parse_trial(RECORD))
    history_before = Trial.objects.get(slug="talent-lenvatinib").history.count()
    changed = parse_trial({**RECORD, "status": "closed"})
    result = trial_upsert(data=changed)
    assert result.outcome is SaveOutcome.UPDATED
    assert Trial.objects.get(slug="talent-lenvatinib").status == "closed"
    assert result.obj.history.count() == history_before + 1
    assert result.obj.history.first().status == "closed"


def test_an_upsert_refuses_a_rule_naming_an_unknown_intervention_and_writes_nothing() -> None:
    bad = {
        **RECORD,
        "eligibility": {
            "criteria": [
                {
                    "kind": "exclusion",
                    "text": "Had drug X",
                    "rule": {"fact": "prior_treatments", "operator": "includes_any", "value": ["drug-x"]},
                }
            ]
        },
    }
    with pytest.raises(ValidationError, match="Unknown intervention drug-x"):
        trial_upsert(data=parse_trial(bad))
    assert not Trial.objects.filter(slug="talent-lenvatinib").exists()
    assert not Criterion.objects.exists()


def test_search_finds_a_trial_by_a_synonym_added_later() -> None:
    trial_upsert(data=parse_trial(RECORD))
    assert not Trial.objects.filter(search_vector="E7080").exists()
    intervention_upsert(
        data=InterventionData(slug="lenvatinib", name="lenvatinib", kind="targeted_drug", synonyms=("Lenvima", "E7080"))
    )
    assert list(Trial.objects.filter(search_vector="E7080").values_list("slug", flat=True)) == ["talent-lenvatinib"]


def test_an_old_slug_cannot_point_at_two_trials() -> None:
    trial_upsert(data=parse_trial({**RECORD, "old_slugs": ["talent"]}))
    other = dataclasses.replace(parse_trial({**RECORD, "slug": "other", "identifiers": {}}), old_slugs=("talent",))
    with pytest.raises(ValidationError, match="talent already redirects to another trial"):
        trial_upsert(data=other)


def test_status_and_publishing_actions_are_recorded_in_history() -> None:
    trial = TrialFactory(status=Status.OPEN, published=False)
    before = trial.history.count()
    assert trials_set_published(trials=[trial], published=True) == 1
    assert trials_set_status(trials=[trial], status=Status.CLOSED) == 1
    assert trials_set_status(trials=[trial], status=Status.CLOSED) == 0
    trial.refresh_from_db()
    assert (trial.published, trial.status, trial.history.count()) == (True, "closed", before + 2)


def test_status_action_refuses_an_unknown_status() -> None:
    with pytest.raises(ValidationError, match="'paused' is not one of: open, closed, results"):
        trials_set_status(trials=[TrialFactory()], status="paused")


def test_an_intervention_upsert_with_no_change_writes_nothing() -> None:
    intervention = InterventionFactory(slug="octreotide", name="octreotide", kind="somatostatin_analogue")
    data = InterventionData(slug="octreotide", name="octreotide", kind="somatostatin_analogue")
    assert intervention_upsert(data=data).outcome is SaveOutcome.UNCHANGED
    assert intervention.history.count() == 1
