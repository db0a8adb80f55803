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
    if name == "country":
        return Q(countries__overlap=list(values))
    if name in ("grade", "sex"):
        column = "grades" if name == "grade" else "sexes"
        return Q(**{f"{column}__len": 0}) | Q(**{f"{column}__overlap": list(values)})
    return Q(**{f"{name}__in": list(values)})
