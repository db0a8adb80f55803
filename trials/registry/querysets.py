"""What the pages, the API and the services ask of trials, named as intents on `TrialQuerySet`.

A search reads `Trial.objects.published().matching(filters).near(...).ranked_for(q).ordered_for(filters)`
(composed by `trials.search`): every filter, the distance, the rank and the order are columns of the
trial row, so no search joins another table.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import models
from django.db.models import Case, ExpressionWrapper, F, FloatField, Q, Value, When

from trials.search.coverage import coverage_fit
from trials.search.filters import FILTERS, Named, Ordering, TrialFilters, filter_condition, identifier_condition

if TYPE_CHECKING:
    from trials.geography.distance import HospitalMiles

    # Named (as a string) in TrialQuerySet's base: models.py imports this module, so not at run time.
    from trials.registry.models import Trial  # noqa: F401

# The text search configuration of the stored vectors and of every query against them.
SEARCH_CONFIG = "english"
# Added to the rank of a trial whose number is the query: above any text rank (ts_rank stays under 10).
IDENTIFIER_RANK = 100.0


def text_query(q: str) -> SearchQuery:
    """A person's words as a query: websearch syntax ("quotes", or, -word), never raw tsquery."""
    return SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)


# Columns kept for search and ranking only (trials.registry.services keeps them): no page shows them.
SEARCH_COPIES = ("search_vector", "rank_vector", "related_search_text", "rule_keys", "rule_hashes")


class TrialQuerySet(models.QuerySet["Trial"]):
    def published(self) -> TrialQuerySet:
        return self.filter(published=True)

    def with_status(self, statuses: Iterable[str]) -> TrialQuerySet:
        return self.filter(status__in=list(statuses))

    def matching(self, filters: TrialFilters, *, except_filters: Collection[str] = ()) -> TrialQuerySet:
        """Trials matching the text, the age and the date of `filters`, and each choice filter but these.

        No age limit matches any age. Facet counts leave out the filters whose options they count.
        Distance is `near()`'s: it needs every hospital's distance, which the caller computes.
        """
        trials = self
        if filters.q:
            words = Q(search_vector=text_query(filters.q))
            number = identifier_condition(filters.q)
            trials = trials.filter(words if number is None else words | number)
        if filters.age is not None:
            trials = trials.filter(
                Q(min_age__isnull=True) | Q(min_age__lte=filters.age),
                Q(max_age__isnull=True) | Q(max_age__gte=filters.age),
            )
        if filters.updated_since is not None:
            trials = trials.filter(updated_at__date__gte=filters.updated_since)
        for name in FILTERS:
            if name not in except_filters:
                trials = trials.filter(filter_condition(filters, name))
        return trials

    def near(self, hospital_miles: HospitalMiles, *, within_miles: float | None = None) -> TrialQuerySet:
        """Annotate `distance_miles`, the nearest site's (None: no site with coordinates).

        With `within_miles`, keep only the trials with a site that close.
        """
        trials = self.annotate(distance_miles=hospital_miles.nearest_site())
        if within_miles is not None:
            trials = trials.filter(hospital_miles.has_site_within(within_miles))
        return trials

    def ranked_for(self, q: str, *, broad: bool = False) -> TrialQuerySet:
        """Annotate `rank` for the words `q`: on the full weighted vector, or on `rank_vector` when `broad`.

        ts_rank reads each match's whole vector (about 9 KB a trial), so a query matching most of
        the registry ranks on the small vector of titles and names, and still matches on the full one.
        """
        vector = "rank_vector" if broad else "search_vector"
        rank: Any = SearchRank(F(vector), text_query(q))
        if (number := identifier_condition(q)) is not None:
            # The trial whose number was searched for comes first.
            rank = rank + Case(When(number, then=Value(IDENTIFIER_RANK)), default=Value(0.0))
        return self.annotate(rank=ExpressionWrapper(rank, output_field=FloatField()))

    def fitted_for(self, named: Named) -> TrialQuerySet:
        """Annotate `fit`: how well each trial covers the tumour, grade and extent a sentence named."""
        return self.annotate(fit=coverage_fit(named))

    def ordered_for(self, filters: TrialFilters) -> TrialQuerySet:
        """Order as `filters.ordering` asks, then newest, title and id, so that the order is total.

        Nearest first needs `near()` (unknown distances last). Best match is what a sentence named
        first (`fitted_for()`), then the words (`ranked_for()`), then the nearest when the sentence
        named a place; the keyset pager relies on the order ending with the primary key.
        """
        order: list[Any] = []
        if filters.ordering is Ordering.DISTANCE and filters.near is not None:
            order.append(F("distance_miles").asc(nulls_last=True))
        elif filters.ordering is Ordering.RELEVANCE:
            if filters.named.fits:
                order.append(F("fit").desc())
            if filters.q or filters.named.words:
                order.append(F("rank").desc())
            if filters.near is not None and filters.named.near:
                order.append(F("distance_miles").asc(nulls_last=True))
        order += [F("updated_at").desc(), F("title").asc(), F("pk").asc()]
        return self.order_by(*order)

    def for_listing(self) -> TrialQuerySet:
        """Load what a list of trial cards shows, in a fixed number of queries."""
        return self.prefetch_related("tumour_types", "trial_interventions__intervention")

    def for_reading(self) -> TrialQuerySet:
        """`for_detail()` without the search and ranking copies, for a record that only shows the
        trial (the API's): the text vector alone is about 6 KB a trial, stored out of line, and would be
        fetched and decompressed for nothing."""
        return self.defer(*SEARCH_COPIES).for_detail()

    def for_page(self) -> TrialQuerySet:
        """What the trial page shows of the trial itself, in a fixed number of queries: `for_reading()`
        without the sites (the page asks `selectors.trial_sites()` for them, nearest first) and the
        old slugs (only the record lists them)."""
        return self.defer(*SEARCH_COPIES).prefetch_related(
            "tumour_types", "trial_interventions__intervention", "criteria", "contacts", "publications"
        )

    def for_detail(self) -> TrialQuerySet:
        """Load everything the full record shows, in a fixed number of queries."""
        return self.prefetch_related(
            "tumour_types",
            "trial_interventions__intervention",
            "criteria",
            "sites__hospital",
            "contacts",
            "publications",
            "old_slugs",
        )
