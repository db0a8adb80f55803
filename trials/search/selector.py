"""The one search selector: everything a list of search results shows, for the page, the API and the feed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import overload

from django.core.paginator import Page, Paginator
from django.utils.safestring import SafeString

from trials.geography.distance import NearestSite, trial_nearest_sites
from trials.registry.models import Trial
from trials.registry.querysets import TrialQuerySet
from trials.search.facets import InterventionCount, facet_options, intervention_counts, trial_facets
from trials.search.filters import TrialFilters
from trials.search.headlines import trial_headlines
from trials.search.matches import text_search_plan, trial_count, trial_search
from trials.search.pagination import KeysetPaginator
from trials.search.vocabulary import did_you_mean


@dataclass(frozen=True)
class NumberedPage:
    """Page `number` of `size` rows, read as a page address: not a number is page 1, past the end the last."""

    number: str | int | None
    size: int


@dataclass(frozen=True)
class KeysetPage:
    """The `size` rows after (or before) `cursor`, the first ones without; a bad cursor raises CursorError."""

    cursor: str | None
    size: int


class _CountedMatches(Sequence[Trial]):
    """The matches as `Paginator` reads them: the cached count as their length, a page under the search's plan."""

    def __init__(self, trials: TrialQuerySet, filters: TrialFilters) -> None:
        self.trials = trials
        self.filters = filters

    def __len__(self) -> int:
        return trial_count(filters=self.filters)

    @overload
    def __getitem__(self, index: int) -> Trial: ...

    @overload
    def __getitem__(self, index: slice) -> list[Trial]: ...

    def __getitem__(self, index: int | slice) -> Trial | list[Trial]:
        with text_search_plan(self.filters):
            return list(self.trials[index]) if isinstance(index, slice) else self.trials[index]


@dataclass(frozen=True)
class SearchResults:
    """One search and one page of its results, with everything shown beside them.

    The rows were read by `trial_results()`; every other part is read when first used, once, and
    the counts come from the cache until the registry changes: the feed, which shows only rows, and
    the API, which shows no suggestion, pay only for what they show.
    """

    filters: TrialFilters
    # Every match, in order, unread: the CSV streams it.
    matches: TrialQuerySet
    rows: list[Trial]
    # A NumberedPage's page (the template's pagination reads it); None for the others.
    page: Page[Trial] | None = None
    next_cursor: str | None = None
    previous_cursor: str | None = None

    @cached_property
    def count(self) -> int:
        return trial_count(filters=self.filters)

    @cached_property
    def facet_options(self) -> dict[str, list[tuple[str, str]]]:
        return facet_options()

    @cached_property
    def facets(self) -> dict[str, dict[str, int]]:
        """How many trials each option of each facet would give, with the other filters applied."""
        return trial_facets(filters=self.filters, options=self.facet_options)

    @cached_property
    def interventions(self) -> list[InterventionCount]:
        """The interventions of the matching trials and those chosen, with their counts."""
        return intervention_counts(filters=self.filters)

    @cached_property
    def headlines(self) -> dict[int, SafeString]:
        """The highlighted matches in each row's summary (none without words to search for)."""
        return trial_headlines(trial_ids=[trial.pk for trial in self.rows], q=self.filters.q)

    @cached_property
    def nearest(self) -> dict[int, NearestSite]:
        """Each row's nearest site to the place searched near (none without a place)."""
        if self.filters.near is None:
            return {}
        return trial_nearest_sites(trial_ids=[trial.pk for trial in self.rows], place=self.filters.near)

    @cached_property
    def suggestion(self) -> str | None:
        """The nearest known term when the words found nothing."""
        return did_you_mean(self.filters.q) if self.filters.q and not self.count else None


def trial_results(*, filters: TrialFilters, page: NumberedPage | KeysetPage | None = None) -> SearchResults:
    """The published trials matching `filters`, the rows of `page`, and their counts, facets and highlights.

    The rows are read under the text-search plan (`text_search_plan`); without a page none are read
    and `matches` holds them all. Raise `CursorError` for a cursor that this search did not make.
    """
    matches = trial_search(filters=filters).for_listing()
    if isinstance(page, NumberedPage):
        numbered = Paginator(_CountedMatches(matches, filters), page.size).get_page(page.number)
        return SearchResults(filters=filters, matches=matches, rows=list(numbered), page=numbered)
    if isinstance(page, KeysetPage):
        paginator = KeysetPaginator(matches, page_size=page.size)
        with text_search_plan(filters):
            keyset = paginator.page(page.cursor)
        return SearchResults(
            filters=filters,
            matches=matches,
            rows=keyset.rows,
            next_cursor=keyset.next_cursor,
            previous_cursor=keyset.previous_cursor,
        )
    return SearchResults(filters=filters, matches=matches, rows=[])
