"""The synthetic bench data: bulk-inserted, yet every derived field, vector and index is right."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from benchmarks.seed import PREFIX, bench_trial_count
from trials.eligibility.patient import PatientFacts
from trials.eligibility.ranking import eligibility_for_published_trials
from trials.eligibility.rules import validate_rule
from trials.registry.choices import Status
from trials.registry.models import Criterion, Intervention, Trial, TumourType
from trials.registry.services import _derived_values
from trials.search.facets import trial_facets
from trials.search.filters import TrialFilters
from trials.search.matches import trial_search

N = 200


@pytest.fixture
def bench(seeded: None) -> None:
    call_command("seed_bench", trials=N, seed=3, stdout=io.StringIO())


pytestmark = pytest.mark.django_db


def test_seed_bench_creates_n_published_trials_idempotently(bench: None) -> None:
    assert bench_trial_count() == N
    call_command("seed_bench", trials=N, seed=3, stdout=io.StringIO())
    assert bench_trial_count() == N
    trials = Trial.objects.filter(slug__startswith=PREFIX)
    assert not trials.filter(published=False).exists()
    statuses = {s: trials.filter(status=s).count() for s in Status.values}
    assert 0.1 * N < statuses[Status.OPEN] < 0.3 * N
    assert statuses[Status.CLOSED] > statuses[Status.RESULTS] > 0


def test_derived_fields_equal_what_the_services_compute(bench: None) -> None:
    all_types = list(TumourType.objects.all())
    for trial in Trial.objects.filter(slug__startswith=PREFIX).prefetch_related("tumour_types"):
        expected = _derived_values(trial, all_types)
        assert {name: getattr(trial, name) for name in expected} == expected, trial.slug


def test_vocabulary_changes_kept_the_seeded_trials_coverage_right(bench: None) -> None:
    all_types = list(TumourType.objects.all())
    for trial in Trial.objects.exclude(slug__startswith=PREFIX).prefetch_related("tumour_types"):
        assert trial.tumour_type_coverage == _derived_values(trial, all_types)["tumour_type_coverage"]


def test_search_vector_is_generated_and_indexed(bench: None) -> None:
    trial = Trial.objects.filter(slug__startswith=PREFIX).first()
    assert trial is not None
    word = trial.intervention_slugs[0].split("-")[-1]  # e.g. "007" of bench-iv-007, in "Benchimab 007"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT length(search_vector) > 100, search_vector @@ plainto_tsquery('english', %s) "
            "FROM trials_trial WHERE id = %s",
            [word, trial.pk],
        )
        assert cursor.fetchone() == (True, True)
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'trials_trial'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert {"trial_search_vector_gin", "trial_tumour_coverage_gin", "trial_intervention_slugs_gin"} <= indexes
    found = trial_search(filters=TrialFilters(q=trial.title))
    assert trial in found


def test_filters_and_facets_count_the_bench_trials(bench: None) -> None:
    # The bench intervention on the most trials (which one depends on the size of the vocabulary).
    bench_drugs = Intervention.objects.filter(slug__startswith=f"{PREFIX}iv-")
    slug = bench_drugs.annotate(n=Count("trials")).order_by("-n", "slug").values_list("slug", flat=True)[0]
    expected = Trial.objects.published().filter(intervention_slugs__contains=[slug]).count()
    assert expected > 0
    assert trial_search(filters=TrialFilters(intervention=(slug,))).count() == expected
    facets = trial_facets(filters=TrialFilters())
    assert sum(facets["status"].values()) == Trial.objects.published().count()


def test_structured_rules_are_valid_and_eligibility_sees_bench_trials(bench: None) -> None:
    rules = Criterion.objects.filter(trial__slug__startswith=PREFIX, rule__isnull=False)
    total = Criterion.objects.filter(trial__slug__startswith=PREFIX).count()
    assert 0.03 * total < rules.count() < 0.25 * total
    for rule in rules.values_list("rule", flat=True)[:200]:
        validate_rule(rule)
    facts: Any = PatientFacts.from_dict({"age": 60, "primary_site": "pancreas"})
    evaluations = eligibility_for_published_trials(facts)
    assert sum(e.trial.slug.startswith(PREFIX) for e in evaluations) == N


def test_clear_removes_only_bench_rows(bench: None) -> None:
    before = Trial.objects.exclude(slug__startswith=PREFIX).count()
    call_command("seed_bench", clear=True, stdout=io.StringIO())
    assert bench_trial_count() == 0
    assert Trial.objects.count() == before
    assert not TumourType.objects.filter(slug__startswith=PREFIX).exists()
