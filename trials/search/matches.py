"""The published trials a search matches: counted, ranked and ordered, under the right query plan."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import replace

from django.db import connection

from trials.geography.distance import HospitalMiles
from trials.registry.cache import cached
from trials.registry.models import Trial
from trials.registry.querysets import TrialQuerySet
from trials.search.filters import Ordering, TrialFilters

# Up to this many matches, results are ranked on the full weighted vector (title, names, summary and
# the rest). Past it, ts_rank would read every match's whole vector (about 9 KB each: 1.6 s for a
# query matching 100k trials), so broad queries rank on the small `rank_vector` (title, acronym,
# tumour-type and intervention names) and still match on the full one.
FULL_RANK_LIMIT = 5000


@contextmanager
def text_search_plan(filters: TrialFilters) -> Iterator[None]:
    """Within this block, a text query reads the GIN index rather than scanning the table.

    The planner costs `search_vector @@ query` as cheap, but in a scan each row's vector (about
    6 KB, stored out of line) must be fetched and decompressed: for a query matching most trials
    it picks a sequential scan that takes 950 ms where the bitmap index scan takes 220 ms (100k
    trials). The setting is local to the connection and reset at the end of the block.
    """
    if not filters.q:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET enable_seqscan")


def matching_trials(filters: TrialFilters, *, except_filters: Collection[str] = ()) -> TrialQuerySet:
    """Published trials matching the filters (but the choice filters named), with `distance_miles` near a place."""
    trials = Trial.objects.published().matching(filters, except_filters=except_filters)
    if filters.near is not None:
        trials = trials.near(HospitalMiles(filters.near), within_miles=filters.within_miles)
    return trials


def cache_key(filters: TrialFilters) -> TrialFilters:
    """The filters that decide a count: the ordering does not."""
    return replace(filters, ordering=Ordering.RELEVANCE)


def trial_count(*, filters: TrialFilters) -> int:
    """How many published trials match the filters (cached until the registry changes)."""

    def compute() -> int:
        with text_search_plan(filters):
            return matching_trials(filters).count()

    return cached("count", cache_key(filters), compute)


def trial_search(*, filters: TrialFilters) -> TrialQuerySet:
    """Published trials matching every filter, annotated and ordered as asked.

    Annotations: `fit` (with what a sentence named), `rank` (with q, or else the words of the
    sentence's understood parts) and `distance_miles` (with near).
    Unknown distances sort last.
    """
    trials = matching_trials(filters)
    if filters.named.fits:
        trials = trials.fitted_for(filters.named)
    if words := filters.q or filters.named.words:
        trials = trials.ranked_for(words, broad=trial_count(filters=filters) > FULL_RANK_LIMIT)
    return trials.ordered_for(filters)
