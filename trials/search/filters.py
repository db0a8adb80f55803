"""The search's input (`TrialFilters`, `Ordering`) and the SQL condition of each filter and option.

Filters never drop a trial for a limit it does not have: no grade or sex restriction matches any,
and a trial for "NET, any site" matches a stomach NET filter (its `tumour_type_coverage` holds the
more specific types it covers). Age and text are applied by `TrialQuerySet.matching()`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q

from trials.geography.postcodes import Place


@dataclass(frozen=True)
class Named:
    """What a sentence named (trials.search.sentence): best match puts the trials that cover it first."""

    tumour_type: tuple[str, ...] = ()
    # Their "<site>/<diagnosis>" keys: a trial for one of these very types is first among those covering them.
    tumour_type_keys: tuple[str, ...] = ()
    grade: tuple[str, ...] = ()
    extent: tuple[str, ...] = ()
    # The words of the understood parts, any of them ("pancreatic or lenvatinib"): with no other words
    # to search, best match ranks and highlights by these (they never filter).
    words: str = ""
    # For a choice filter the sentence set (tumour type, treatment, kind), the words that named it: a
    # trial whose text says them matches too, below those the filter finds (a registry's links are
    # not complete, and unknown never excludes). Pairs of (filter, websearch words).
    mentions: tuple[tuple[str, str], ...] = ()
    # The "<site>/<diagnosis>" keys of tumour types the sentence ruled out ("not the pancreas"): a
    # trial for those types only comes after the others (never hidden: a negation never filters).
    avoid_keys: tuple[str, ...] = ()
    # A place was named ("near Leeds"): among equals, the nearest first.
    near: bool = False

    def mention(self, name: str) -> str:
        """The words that named filter `name`'s values in the sentence ("" for none)."""
        return next((words for filter_name, words in self.mentions if filter_name == name), "")

    @property
    def fits(self) -> bool:
        """Whether a tumour, grade or extent was named (`TrialQuerySet.fitted_for()` orders by it)."""
        return bool(self.tumour_type or self.grade or self.extent or self.avoid_keys)

    def __bool__(self) -> bool:
        return self.fits or bool(self.words) or self.near


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
    country: tuple[str, ...] = ()  # country names (Trial.countries)
    age: int | None = None
    near: Place | None = None
    within_miles: float | None = None
    updated_since: dt.date | None = None
    ordering: Ordering = Ordering.RELEVANCE
    # Read `q` as a sentence (trials.search.sentence): its understood parts become the filters above.
    understand: bool = True
    named: Named = Named()


# The filters that have facet counts, in the order pages show them.
FACETS = ("status", "tumour_type", "grade", "intervention_kind", "phase", "trial_type", "sex", "country")
# Every filter that chooses among options (any of the chosen ones matches).
FILTERS = (*FACETS, "intervention")


# A search for a trial's number: the whole of `q`, any case, spaces or a hyphen after the prefix.
_IDENTIFIERS = (
    ("nct_id", re.compile(r"^nct[\s-]*(?P<n>\d{8})$"), "NCT{n}"),
    ("isrctn", re.compile(r"^isrctn[\s-]*(?P<n>\d{8})$"), "ISRCTN{n}"),
    # EudraCT 2015-001467-39, EU CT 2022-500123-45-00.
    (
        "eudract",
        re.compile(r"^(?:eudract|eu\s*ct)?[\s:-]*(?P<y>\d{4})-(?P<s>\d{6})-(?P<c>\d{2})(?:-(?P<x>\d{2}))?$"),
        "",
    ),
    ("iras", re.compile(r"^iras(?:\s*(?:id|number|no\.?))?[\s:-]*(?P<n>\d{1,10})$"), "{n}"),
    ("cruk_id", re.compile(r"^cruk(?:\s*id)?[\s:/-]*(?P<n>\d{1,9})$"), "{n}"),
)
# A bare number may be an IRAS number or a CRUK id.
_BARE_NUMBER = re.compile(r"^\d{3,9}$")


def identifier_condition(q: str) -> Q | None:
    """The condition matching the trial whose number `q` is (NCT, ISRCTN, EudraCT/EU CT, IRAS, CRUK id), or None.

    `q=nct 02678780`, `NCT-02678780` and `nct02678780` all find NCT02678780.
    """
    text = " ".join(q.split()).casefold()
    if _BARE_NUMBER.match(text):
        return Q(iras=text) | Q(cruk_id=int(text))
    for field, pattern, template in _IDENTIFIERS:
        if (match := pattern.match(text)) is None:
            continue
        if field == "eudract":
            value = "-".join(p for p in (match["y"], match["s"], match["c"], match["x"]) if p)
            return Q(eudract=value)
        value = template.format(n=match["n"])
        return Q(cruk_id=int(value)) if field == "cruk_id" else Q(**{field: value})
    return None


def option_condition(name: str, value: str) -> Q:
    """The condition for one option of one filter."""
    if name == "tumour_type":
        return Q(tumour_type_coverage__contains=[value])
    if name == "grade":
        return Q(grades__len=0) | Q(grades__contains=[value])
    if name == "sex":
        return Q(sexes__len=0) | Q(sexes__contains=[value])
    if name == "intervention_kind":
        return Q(intervention_kinds__contains=[value])
    if name == "country":
        return Q(countries__contains=[value])
    return Q(**{name: value})


def filter_condition(filters: TrialFilters, name: str) -> Q:
    """The condition for one multi-valued filter: any of its chosen options, or the words that named them."""
    condition = _chosen(filters, name)
    words = filters.named.mention(name)
    if words and condition:
        # At call time: querysets imports this module.
        from trials.registry.querysets import text_query

        condition |= Q(search_vector=text_query(words))
    return condition


def _chosen(filters: TrialFilters, name: str) -> Q:
    values: tuple[str, ...] = getattr(filters, name)
    if not values:
        return Q()
    if name == "tumour_type":
        return Q(tumour_type_coverage__overlap=list(values))
    if name == "intervention":
        return Q(intervention_slugs__overlap=list(values))
    if name == "intervention_kind":
        return Q(intervention_kinds__overlap=list(values))
    if name == "country":
        return Q(countries__overlap=list(values))
    if name in ("grade", "sex"):
        column = "grades" if name == "grade" else "sexes"
        return Q(**{f"{column}__len": 0}) | Q(**{f"{column}__overlap": list(values)})
    return Q(**{f"{name}__in": list(values)})
