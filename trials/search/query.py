"""Search and filters over published trials: one selector for the results page, the feed and the API.

- Text: `websearch_to_tsquery('english', q)` against the stored, weighted `search_vector`; ranked,
  ties broken by the most recently updated. Lay, brand and code names are found because each
  trial's search text carries its tumour types' and interventions' synonyms.
- Filters never drop a trial for a limit it does not have: no age limit matches any age, no grade or
  sex restriction matches any, and a trial for "NET, any site" matches a stomach NET filter.
- Facet counts for every filter option, each with the other filters applied, in one query, plus
  one grouped query for interventions.
- Distance: the nearest site's great-circle distance from a postcode's district centroid
  (trials.geography.distance).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Count, F, Func, Q, TextField
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from trials.geography.distance import HospitalMiles
from trials.geography.postcodes import Place
from trials.registry.cache import cached
from trials.registry.choices import Grade, InterventionKind, Phase, Sex, Status, TrialType
from trials.registry.models import (
    SEARCH_CONFIG,
    GlossaryTerm,
    Intervention,
    Trial,
    TrialQuerySet,
    TumourType,
)


class Ordering(StrEnum):
    RELEVANCE = "relevance"
    NEWEST = "-updated_at"
    DISTANCE = "distance"


@dataclass(frozen=True)
class TrialFilters:
    """Validated search input. Empty tuples and None mean "no filter"."""

    q: str = ""
    status: tuple[str, ...] = ()
    tumour_type: tuple[str, ...] = ()
    grade: tuple[str, ...] = ()
    intervention: tuple[str, ...] = ()  # intervention slugs
    intervention_kind: tuple[str, ...] = ()
    phase: tuple[str, ...] = ()
    trial_type: tuple[str, ...] = ()
    sex: tuple[str, ...] = ()
    age: int | None = None
    near: Place | None = None
    within_miles: float | None = None
    updated_since: dt.date | None = None
    ordering: Ordering = Ordering.RELEVANCE


# The filters that have facet counts, in the order pages show them.
FACETS = ("status", "tumour_type", "grade", "intervention_kind", "phase", "trial_type", "sex")


def search_query(q: str) -> SearchQuery:
    return SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)


def _option_condition(name: str, value: str) -> Q:
    """The condition for one option of one filter."""
    if name == "tumour_type":
        return Q(tumour_type_coverage__contains=[value])
    if name == "grade":
        return Q(grades__len=0) | Q(grades__contains=[value])
    if name == "sex":
        return Q(sexes__len=0) | Q(sexes__contains=[value])
    if name == "intervention_kind":
        return Q(intervention_kinds__contains=[value])
    return Q(**{name: value})


def _filter_condition(filters: TrialFilters, name: str) -> Q:
    """The condition for one multi-valued filter (any of its chosen options)."""
    values: tuple[str, ...] = getattr(filters, name)
    if not values:
        return Q()
    if name == "tumour_type":
        return Q(tumour_type_coverage__overlap=list(values))
    if name == "intervention":
        return Q(intervention_slugs__overlap=list(values))
    if name == "intervention_kind":
        return Q(intervention_kinds__overlap=list(values))
    if name in ("grade", "sex"):
        column = "grades" if name == "grade" else "sexes"
        return Q(**{f"{column}__len": 0}) | Q(**{f"{column}__overlap": list(values)})
    return Q(**{f"{name}__in": list(values)})


FILTERS = (*FACETS, "intervention")


def _base(filters: TrialFilters) -> TrialQuerySet:
    """Published trials matching the filters that are not faceted: text, age, date and distance."""
    trials = Trial.objects.published()
    if filters.q:
        trials = trials.filter(search_vector=search_query(filters.q))
    if filters.age is not None:
        trials = trials.filter(
            Q(min_age__isnull=True) | Q(min_age__lte=filters.age),
            Q(max_age__isnull=True) | Q(max_age__gte=filters.age),
        )
    if filters.updated_since is not None:
        trials = trials.filter(updated_at__date__gte=filters.updated_since)
    if filters.near is not None:
        hospital_miles = HospitalMiles(filters.near)
        trials = trials.annotate(distance_miles=hospital_miles.nearest_site())
        if filters.within_miles is not None:
            trials = trials.filter(hospital_miles.has_site_within(filters.within_miles))
    return trials


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


def _matching(filters: TrialFilters) -> TrialQuerySet:
    trials = _base(filters)
    for name in FILTERS:
        trials = trials.filter(_filter_condition(filters, name))
    return trials


# Up to this many matches, results are ranked on the full weighted vector (title, names, summary and
# the rest). Past it, ts_rank would read every match's whole vector (about 9 KB each: 1.6 s for a
# query matching 100k trials), so broad queries rank on the small `rank_vector` (title, acronym,
# tumour-type and intervention names) and still match on the full one.
FULL_RANK_LIMIT = 5000


def rank_vector_for(filters: TrialFilters) -> str:
    """The column results are ranked on: the full vector, or the small one for broad queries."""
    return "search_vector" if trial_count(filters=filters) <= FULL_RANK_LIMIT else "rank_vector"


def trial_search(*, filters: TrialFilters) -> TrialQuerySet:
    """Published trials matching every filter, annotated and ordered as asked.

    Annotations: `rank` (with q) and `distance_miles` (with near). Unknown distances sort last.
    """
    trials = _matching(filters)
    order: list[Any] = []
    if filters.q:
        trials = trials.annotate(rank=SearchRank(F(rank_vector_for(filters)), search_query(filters.q)))
    if filters.ordering is Ordering.DISTANCE and filters.near is not None:
        order.append(F("distance_miles").asc(nulls_last=True))
    elif filters.ordering is Ordering.RELEVANCE and filters.q:
        order.append(F("rank").desc())
    order += [F("updated_at").desc(), F("title").asc(), F("pk").asc()]
    return trials.order_by(*order)


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
    }


def _cache_key(filters: TrialFilters) -> TrialFilters:
    """The filters that decide a count: the ordering does not."""
    return replace(filters, ordering=Ordering.RELEVANCE)


def _filtered_except(filters: TrialFilters, excluded: str) -> TrialQuerySet:
    trials = _base(filters)
    for name in FILTERS:
        if name != excluded:
            trials = trials.filter(_filter_condition(filters, name))
    return trials


# Facets with many options (one per tumour type) are counted by unnesting their array in one grouped
# pass; a conditional count per option would test every row once per option.
UNNESTED_FACETS = {"tumour_type": "tumour_type_coverage"}


def trial_facets(
    *, filters: TrialFilters, options: dict[str, list[tuple[str, str]]] | None = None
) -> dict[str, dict[str, int]]:
    """How many trials each option of each facet would give, with the other filters applied.

    One aggregate query computes the counts of the small facets and one grouped query those of the
    tumour types; the answer is cached until the registry changes.
    """
    options = options if options is not None else facet_options()
    key = (_cache_key(filters), {name: [value for value, _ in values] for name, values in options.items()})

    def compute() -> dict[str, dict[str, int]]:
        with text_search_plan(filters):
            return _trial_facets(filters, options)

    return cached("facets", key, compute)


def _trial_facets(filters: TrialFilters, options: dict[str, list[tuple[str, str]]]) -> dict[str, dict[str, int]]:
    conditions = {name: _filter_condition(filters, name) for name in FILTERS}
    aggregates: dict[str, Count] = {}
    keys: list[tuple[str, str, str]] = []
    for name in FACETS:
        if name in UNNESTED_FACETS:
            continue
        others = Q()
        for other, condition in conditions.items():
            if other != name:
                others &= condition
        for index, (value, _label) in enumerate(options[name]):
            alias = f"{name}__{index}"
            aggregates[alias] = Count("pk", filter=others & _option_condition(name, value))
            keys.append((alias, name, value))
    counts = _base(filters).aggregate(**aggregates) if aggregates else {}
    result: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    for alias, name, value in keys:
        result[name][value] = counts[alias]
    for name, column in UNNESTED_FACETS.items():
        grouped = _unnest_counts(_filtered_except(filters, name), column)
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
            return _unnest_counts(_filtered_except(filters, "intervention"), "intervention_slugs")

    return cached("intervention-facet", _cache_key(filters), compute)


def trial_count(*, filters: TrialFilters) -> int:
    """How many published trials match the filters (cached until the registry changes)."""

    def compute() -> int:
        with text_search_plan(filters):
            return _matching(filters).count()

    return cached("count", _cache_key(filters), compute)


# Control characters that never occur in trial text mark the matches before the text is escaped.
_START, _STOP = "\x02", "\x03"


def trial_headlines(*, trial_ids: Sequence[int], q: str) -> dict[int, SafeString]:
    """Highlighted snippets of each trial's summary for the rows shown, in one query.

    The text is escaped; only the `<mark>` elements around matches are HTML. A trial whose summary
    does not contain the words (it matched on its title or drug names) has no snippet.
    """
    if not q or not trial_ids:
        return {}
    rows = Trial.objects.filter(pk__in=list(trial_ids)).annotate(
        headline=SearchHeadline(
            "summary",
            search_query(q),
            config=SEARCH_CONFIG,
            start_sel=_START,
            stop_sel=_STOP,
            max_words=35,
            min_words=15,
        )
    )
    return {
        pk: mark_safe(escape(headline).replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308
        for pk, headline in rows.values_list("pk", "headline")
        if _START in headline
    }


def resolve_interventions(values: Iterable[str]) -> tuple[list[str], list[str]]:
    """Map intervention slugs, names or synonyms (any case) to slugs; return (slugs, unknown values)."""
    wanted = {value.strip().lower(): value for value in values if value.strip()}
    if not wanted:
        return [], []
    by_key: dict[str, str] = {}
    for slug, name, synonyms in Intervention.objects.values_list("slug", "name", "synonyms"):
        for key in (slug, name, *synonyms):
            by_key.setdefault(key.lower(), slug)
    slugs = [by_key[key] for key in wanted if key in by_key]
    unknown = [original for key, original in wanted.items() if key not in by_key]
    return list(dict.fromkeys(slugs)), unknown


WORD_RE = re.compile(r"[\w\-]+", re.UNICODE)


def vocabulary() -> list[str]:
    """Every name and synonym a search can be corrected to (tumour types, interventions, glossary)."""
    return cached("vocabulary", (), _vocabulary)


def _vocabulary() -> list[str]:
    terms: list[str] = []
    for name, synonyms in Intervention.objects.values_list("name", "synonyms"):
        terms += [name, *synonyms]
    for name, synonyms in TumourType.objects.values_list("name", "synonyms"):
        terms += [name, *synonyms]
    for term, synonyms in GlossaryTerm.objects.values_list("term", "synonyms"):
        terms += [term, *synonyms]
    terms += list(Trial.objects.published().exclude(acronym="").values_list("acronym", flat=True))
    return list(dict.fromkeys(t for t in terms if t))


def did_you_mean(q: str, terms: Sequence[str] | None = None) -> str | None:
    """Suggest the nearest known term for a query that found nothing ("lenvatinb" -> "lenvatinib")."""
    query = " ".join(WORD_RE.findall(q.lower()))
    if not query:
        return None
    terms = list(terms) if terms is not None else vocabulary()
    lowered = {term.lower(): term for term in terms}
    whole = difflib.get_close_matches(query, list(lowered), n=1, cutoff=0.75)
    if whole and whole[0] != query:
        return lowered[whole[0]]
    # Otherwise correct word by word against the single words of the vocabulary.
    words = {word for term in lowered for word in WORD_RE.findall(term) if len(word) > 2}
    corrected = []
    for word in query.split():
        match = word if word in words else (difflib.get_close_matches(word, list(words), n=1, cutoff=0.8) or [word])[0]
        corrected.append(match)
    suggestion = " ".join(corrected)
    return suggestion if suggestion != query else None
