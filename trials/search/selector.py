"""The one search selector: everything a list of search results shows, for the page, the API and the feed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
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
from trials.search.sentence import InterpretedPart, Reading, corrected_sentence, interpreted, read_sentence, relaxations
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

    # What was searched: the sentence's understood parts as filters, only its other words as text.
    filters: TrialFilters
    # Every match, in order, unread: the CSV streams it.
    matches: TrialQuerySet
    rows: list[Trial]
    # A NumberedPage's page (the template's pagination reads it); None for the others.
    page: Page[Trial] | None = None
    next_cursor: str | None = None
    previous_cursor: str | None = None
    # How `q` was read; the whole sentence's search when it found nothing and a looser one is shown.
    reading: Reading = field(default_factory=lambda: Reading(TrialFilters()))
    missed: TrialFilters | None = None
    fallback: str = ""

    @property
    def interpreted(self) -> list[InterpretedPart]:
        """Each understood part of the sentence, with the sentence without it."""
        return interpreted(self.reading)

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
        words = self.filters.q or self.filters.named.words
        return trial_headlines(trial_ids=[trial.pk for trial in self.rows], q=words)

    @cached_property
    def nearest(self) -> dict[int, NearestSite]:
        """Each row's nearest site to the place searched near (none without a place)."""
        if self.filters.near is None:
            return {}
        return trial_nearest_sites(trial_ids=[trial.pk for trial in self.rows], place=self.filters.near)

    @cached_property
    def suggestion(self) -> str | None:
        """The sentence with its searched words corrected to known terms, when the words found nothing."""
        strict = self.missed or self.filters
        if not strict.q or (self.missed is None and self.count):
            return None
        found = did_you_mean(strict.q)
        if found is None or self.reading.understanding is None:
            return found
        return corrected_sentence(self.reading.understanding.q, strict.q, found)


def trial_results(
    *, filters: TrialFilters, page: NumberedPage | KeysetPage | None = None, relax: bool = True
) -> SearchResults:
    """The published trials matching `filters`, the rows of `page`, and their counts, facets and highlights.

    `q` is read as a sentence (`read_sentence`) unless `filters.understand` is off. When it finds
    nothing and `relax`, the first looser search that finds something is shown (`fallback` says so).
    The rows are read under the text-search plan (`text_search_plan`); without a page none are read
    and `matches` holds them all. Raise `CursorError` for a cursor that this search did not make.
    """
    reading = read_sentence(filters)
    searched, missed, fallback = reading.filters, None, ""
    if relax and filters.q and not trial_count(filters=searched):
        for looser, message in relaxations(reading):
            if trial_count(filters=looser):
                searched, missed, fallback = looser, reading.filters, message
                break
    matches = trial_search(filters=searched).for_listing()
    rows: list[Trial] = []
    numbered: Page[Trial] | None = None
    next_cursor = previous_cursor = None
    if isinstance(page, NumberedPage):
        numbered = Paginator(_CountedMatches(matches, searched), page.size).get_page(page.number)
        rows = list(numbered)
    elif isinstance(page, KeysetPage):
        paginator = KeysetPaginator(matches, page_size=page.size)
        with text_search_plan(searched):
            keyset = paginator.page(page.cursor)
        rows, next_cursor, previous_cursor = keyset.rows, keyset.next_cursor, keyset.previous_cursor
    return SearchResults(
        filters=searched,
        matches=matches,
        rows=rows,
        page=numbered,
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
        reading=reading,
        missed=missed,
        fallback=fallback,
    )
