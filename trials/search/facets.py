"""Facet counts: how many trials each option of each filter would give, with the other filters applied.

The counts of a search take a fixed, small number of queries whatever the data: one aggregate of
conditional counts for the small facets, one grouped `unnest` for the tumour types and one for the
interventions. Each answer is cached until the registry changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Func, Q, TextField

from trials.geography.countries import UNITED_KINGDOM
from trials.registry.cache import cached
from trials.registry.choices import Grade, InterventionKind, Phase, Sex, Status, TrialType
from trials.registry.models import Intervention, Trial, TumourType
from trials.registry.querysets import TrialQuerySet
from trials.search.filters import FACETS, TrialFilters, filter_condition, option_condition
from trials.search.matches import cache_key, matching_trials, text_search_plan

# Facets with many options (one per tumour type) are counted by unnesting their array in one grouped
# pass; a conditional count per option would test every row once per option.
UNNESTED_FACETS = {"tumour_type": "tumour_type_coverage", "country": "countries"}


def facet_options() -> dict[str, list[tuple[str, str]]]:
    """Every option of every faceted filter, as (value, label) pairs."""
    tumour_types = cached(
        "tumour-type-options", (), lambda: list(TumourType.objects.order_by("name").values_list("slug", "name"))
    )
    return {
        "status": list(Status.choices),
        "tumour_type": tumour_types,
        "grade": list(Grade.choices),
        "intervention_kind": list(InterventionKind.choices),
        "phase": list(Phase.choices),
        "trial_type": list(TrialType.choices),
        "sex": list(Sex.choices),
        "country": [(name, name) for name in trial_countries_known()],
    }


def trial_countries_known() -> list[str]:
    """Every country of a published trial, and the UK (the pages' default), by name: the `country` filter's options."""

    def load() -> list[str]:
        rows = (
            Trial.objects.published()
            .annotate(country=Func(F("countries"), function="unnest", output_field=TextField()))
            .values_list("country", flat=True)
            .distinct()
            .order_by("country")
        )
        return sorted({*rows, UNITED_KINGDOM})

    return cached("country-options", (), load)


def trial_facets(
    *, filters: TrialFilters, options: dict[str, list[tuple[str, str]]] | None = None
) -> dict[str, dict[str, int]]:
    """How many trials each option of each facet would give, with the other filters applied.

    One aggregate query computes the counts of the small facets and one grouped query those of the
    tumour types; the answer is cached until the registry changes.
    """
    options = options if options is not None else facet_options()
    key = (cache_key(filters), {name: [value for value, _ in values] for name, values in options.items()})

    def compute() -> dict[str, dict[str, int]]:
        with text_search_plan(filters):
            return count_facets(filters, options)

    return cached("facets", key, compute)


def count_facets(filters: TrialFilters, options: dict[str, list[tuple[str, str]]]) -> dict[str, dict[str, int]]:
    """The facet counts of `trial_facets()`, read from the database (no cache, no plan setting)."""
    # The filters that are not counted in the aggregate (the interventions, and the facets counted by
    # unnesting) narrow every one of its counts: they go in its WHERE, where PostgreSQL can find the
    # trials through their indexes, rather than into each count's condition, tested for every trial.
    counted = [name for name in FACETS if name not in UNNESTED_FACETS]
    conditions = {name: filter_condition(filters, name) for name in counted}
    aggregates: dict[str, Count] = {}
    keys: list[tuple[str, str, str]] = []
    for name in counted:
        others = Q()
        for other, condition in conditions.items():
            if other != name:
                others &= condition
        for index, (value, _label) in enumerate(options[name]):
            alias = f"{name}__{index}"
            aggregates[alias] = Count("pk", filter=others & option_condition(name, value))
            keys.append((alias, name, value))
    counts = matching_trials(filters, except_filters=counted).aggregate(**aggregates) if aggregates else {}
    result: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    for alias, name, value in keys:
        result[name][value] = counts[alias]
    for name, column in UNNESTED_FACETS.items():
        grouped = _unnest_counts(matching_trials(filters, except_filters=(name,)), column)
        result[name] = {value: grouped.get(value, 0) for value, _label in options[name]}
    return result


def _unnest_counts(trials: TrialQuerySet, column: str) -> dict[str, int]:
    rows = (
        trials.annotate(value=Func(F(column), function="unnest", output_field=TextField()))
        .values("value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["value"]: row["n"] for row in rows}


def intervention_facet(*, filters: TrialFilters) -> dict[str, int]:
    """How many trials each intervention (by slug) would give, with the other filters applied."""

    def compute() -> dict[str, int]:
        with text_search_plan(filters):
            return _unnest_counts(matching_trials(filters, except_filters=("intervention",)), "intervention_slugs")

    return cached("intervention-facet", cache_key(filters), compute)


@dataclass(frozen=True)
class InterventionCount:
    """An intervention people can filter by, and how many trials choosing it would give."""

    slug: str
    name: str
    trials: int


def intervention_counts(
    *, filters: TrialFilters, also: frozenset[str] = frozenset(), treatments_only: bool = False
) -> list[InterventionCount]:
    """The interventions of the matching trials (and those in `also`, by slug) with their counts, by name.

    `treatments_only` leaves out placebo, tests and samples, which are not what people browse by.
    """
    counts = intervention_facet(filters=filters)
    interventions = Intervention.objects.filter(slug__in=set(counts) | set(filters.intervention) | also)
    if treatments_only:
        interventions = interventions.exclude(kind__in=[InterventionKind.OTHER, InterventionKind.PROCEDURE])
    return [
        InterventionCount(slug, name, counts.get(slug, 0))
        for slug, name in interventions.order_by("name").values_list("slug", "name")
    ]
