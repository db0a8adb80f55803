"""Facet counts: each option counted with the other filters applied, in a fixed number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import InterventionFactory, TrialFactory, TumourTypeFactory
from trials.registry.cache import generation_scope
from trials.registry.services import trial_refresh_derived
from trials.search.facets import count_facets, facet_options, trial_facets
from trials.search.filters import TrialFilters
from trials.search.matches import trial_search

pytestmark = pytest.mark.django_db


def test_facet_counts_apply_the_other_filters_but_not_their_own() -> None:
    TrialFactory(status="open", phase="phase_2", grades=["G1"])
    TrialFactory(status="open", phase="phase_3", grades=[])
    TrialFactory(status="closed", phase="phase_3", grades=["G2"])
    TrialFactory(status="results", phase="phase_3", published=False)
    facets = trial_facets(filters=TrialFilters(status=("open",), phase=("phase_3",)))
    assert facets["status"] == {"open": 1, "closed": 1, "results": 0}
    assert facets["phase"]["phase_2"] == 1
    assert facets["phase"]["phase_3"] == 1
    # The open phase 3 trial has no grade limit, so it counts for every grade.
    assert facets["grade"] == {"G1": 1, "G2": 1, "G3": 1}
    assert trial_facets(filters=TrialFilters(status=("open",)))["grade"] == {"G1": 2, "G2": 1, "G3": 1}


def test_facets_and_results_take_a_fixed_number_of_queries(seeded: None, django_assert_num_queries: Any) -> None:
    filters = TrialFilters(q="NET", grade=("G2",), phase=("phase_3",))
    # The tumour-type vocabulary and the countries, the small facets' counts in one aggregate, the
    # tumour types' and the countries' in one grouped query each, the match count (which picks the rank vector), and the results; the facets and
    # the count each run between a SET and a RESET of enable_seqscan (trials.search.matches.text_search_plan);
    # and the registry's generation, read once per request (here: per generation_scope).
    with generation_scope(), django_assert_num_queries(12):
        trial_facets(filters=filters)
        list(trial_search(filters=filters))
    # Then the counts come from the cache until the registry changes: only the results are read.
    with generation_scope(), django_assert_num_queries(2):
        trial_facets(filters=filters)
        list(trial_search(filters=filters))


def test_the_filters_not_counted_narrow_the_aggregate_as_a_whole() -> None:
    # An intervention or a tumour type narrows every count of the small facets: the aggregate reads
    # only those trials (found through their indexes), rather than testing every trial in every count.
    pnet = [TumourTypeFactory(slug="pnet", primary_site="pancreas", diagnosis="net")]
    lenvatinib, everolimus = InterventionFactory(slug="lenvatinib"), InterventionFactory(slug="everolimus")
    trials = [
        TrialFactory(status="open", phase="phase_2", interventions=[lenvatinib], tumour_types=pnet),
        TrialFactory(status="closed", phase="phase_3", interventions=[lenvatinib], tumour_types=pnet),
        TrialFactory(status="open", phase="phase_3", interventions=[everolimus], tumour_types=pnet),
        TrialFactory(status="open", phase="phase_3", interventions=[lenvatinib]),
    ]
    trial_refresh_derived(trials=trials)
    filters = TrialFilters(intervention=("lenvatinib",), tumour_type=("pnet",))

    with CaptureQueriesContext(connection) as queries:
        facets = count_facets(filters, facet_options())

    assert facets["status"] == {"open": 1, "closed": 1, "results": 0}
    assert facets["phase"]["phase_2"] == facets["phase"]["phase_3"] == 1
    aggregate = next(q["sql"] for q in queries if 'AS "status__0"' in q["sql"])
    where = aggregate.split(" WHERE ", 1)[1]
    assert '"intervention_slugs" &&' in where
    assert '"tumour_type_coverage" &&' in where
