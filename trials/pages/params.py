"""The search parameters of the pages' addresses, shared by the results page and its feed."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict

from trials.geography.countries import UNITED_KINGDOM
from trials.registry.choices import Status
from trials.search.filters import Ordering, identifier_condition
from trials.search.forms import TrialSearchForm
from trials.search.sentence import InterpretedPart

SEARCH_PARAMETERS = set(TrialSearchForm.base_fields) | {"page"}
# `country=anywhere`: trials in every country. Without a `country`, the pages show UK trials.
ANYWHERE = "anywhere"


def search_form(params: QueryDict) -> TrialSearchForm:
    """The search form for these parameters; a page opened without any shows open trials, in the UK.

    The pages show trials in the UK unless `country` names others, or is `anywhere`: the one choice
    of trials elsewhere (the API has no default).
    """
    data = params.copy()
    if not any(key in SEARCH_PARAMETERS - {"page"} for key in params):
        data.setlist("status", [Status.OPEN])
    countries = [c for c in data.getlist("country") if c != ANYWHERE]
    if uk_only(params):
        countries = [UNITED_KINGDOM]
    data.setlist("country", countries)
    return TrialSearchForm(data)


def uk_only(params: QueryDict) -> bool:
    """Whether the pages show only UK trials because no country was chosen (the default).

    A search for a trial's number finds it wherever it runs.
    """
    return not params.getlist("country") and identifier_condition(params.get("q", "")) is None


def default_ordering(params: QueryDict) -> Ordering:
    """Best match with words to search for, else nearest with a postcode, else newest."""
    if params.get("q", "").strip():
        return Ordering.RELEVANCE
    if params.get("near", "").strip():
        return Ordering.DISTANCE
    return Ordering.NEWEST


def query_string(params: QueryDict, **changes: list[str]) -> str:
    """The current parameters with some replaced (an empty list removes one), without `page`."""
    data = params.copy()
    data.pop("page", None)
    for key, values in changes.items():
        data.setlist(key, values)
    return data.urlencode()


@dataclass(frozen=True)
class Chip:
    """A removable choice the sentence was understood as: its label and the address without it."""

    label: str
    role: str
    query: str


def understood_chips(params: QueryDict, parts: list[InterpretedPart]) -> list[Chip]:
    """A chip for each understood part: a link to the same search with the part's words cut out."""
    return [
        Chip(part["label"], part["role"], query_string(params, q=[part["without"]] if part["without"] else []))
        for part in parts
    ]
