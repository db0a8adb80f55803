"""Open trials first: the results page lists the open matches, then the closed and finished ones.

A search for open and closed trials together is one numbered list whose first part is every open
match (in the search's own order) and whose second part is every closed or finished match (in the
same order): the page shows the two parts under their own headings, so a trial nobody can join
never sits among those people can. Both parts come from the one search selector, `trial_results()`,
run for each status group; the counts, facets and suggestion are those of the whole search.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import overload

from django.core.paginator import Paginator

from trials.geography.distance import NearestSite
from trials.geography.maps import LegendEntry, Located, SiteMap, hospitals_map
from trials.geography.postcodes import Place
from trials.registry.choices import Status
from trials.registry.models import Trial
from trials.search.filters import TrialFilters
from trials.search.matches import text_search_plan
from trials.search.selector import NumberedPage, SearchResults, trial_results

NOT_OPEN = (Status.CLOSED.value, Status.RESULTS.value)


class _OpenThenClosed(Sequence[Trial]):
    """The open matches, then the others, as one sequence that `Paginator` slices."""

    def __init__(self, first: SearchResults, then: SearchResults) -> None:
        self.first, self.then = first, then

    def __len__(self) -> int:
        return self.first.count + self.then.count

    def _read(self, part: SearchResults, start: int, stop: int) -> list[Trial]:
        with text_search_plan(part.filters):
            return list(part.matches[start:stop])

    @overload
    def __getitem__(self, index: int) -> Trial: ...

    @overload
    def __getitem__(self, index: slice) -> list[Trial]: ...

    def __getitem__(self, index: int | slice) -> Trial | list[Trial]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop, _step = index.indices(len(self))
        boundary = self.first.count
        rows = self._read(self.first, start, min(stop, boundary)) if start < boundary else []
        if stop > boundary:
            rows += self._read(self.then, max(start - boundary, 0), stop - boundary)
        return rows


def splits(filters: TrialFilters) -> bool:
    """Whether the search asks for open trials and closed or finished ones together."""
    wanted = set(filters.status) or set(Status.values)
    return Status.OPEN in wanted and bool(wanted - {Status.OPEN})


def open_first_results(*, filters: TrialFilters, page: NumberedPage) -> SearchResults:
    """The search's results with its open matches first; a search of one kind is `trial_results()`.

    The sentence is read (and relaxed when it finds nothing) once, by the whole search; its parts
    search what it searched.
    """
    whole = trial_results(filters=filters)
    searched = whole.filters
    if not splits(searched):
        paged = trial_results(filters=searched, page=page, relax=False)
        return replace(whole, rows=paged.rows, page=paged.page)
    others = tuple(status for status in NOT_OPEN if not searched.status or status in searched.status)
    sequence = _OpenThenClosed(
        trial_results(filters=replace(searched, status=(Status.OPEN.value,)), relax=False),
        trial_results(filters=replace(searched, status=others), relax=False),
    )
    numbered = Paginator(sequence, page.size).get_page(page.number)
    return replace(whole, rows=list(numbered), page=numbered)


def open_trials_map(
    trials: Sequence[Trial], nearest: dict[int, NearestSite], place: Place
) -> tuple[SiteMap | None, list[LegendEntry]]:
    """The nearest hospital of each open trial shown, on a map with the searcher's area."""
    located = [
        Located(site.hospital, site.town, site.latitude, site.longitude, trial.title, miles=site.miles)
        for trial in trials
        if (site := nearest.get(trial.pk)) is not None and site.latitude is not None and site.longitude is not None
    ]
    return hospitals_map(located, place)
