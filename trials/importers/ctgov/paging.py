"""Page through ClinicalTrials.gov API v2 `/studies` for the registry sync.

The query (../shared/reference/ctgov/API.md): `query.cond` takes an Essie expression over the
condition search area (conditions, their MeSH terms, keywords, titles); the country and the
last-update date go into `filter.advanced` (`AREA[LocationCountry]"United Kingdom" AND
AREA[LastUpdatePostDate]RANGE[2026-01-01,MAX]`), because filters narrow the answer without
changing it otherwise, and there is no dedicated country filter. `fields` asks for the protocol
section and `hasResults` only: what the importer maps, without the results section (up to
megabytes a study). `sort=LastUpdatePostDate:asc` gives a stable order (without `sort` the order is
not guaranteed), oldest change first, so a run cut short has stored an unbroken prefix of the
changes. Every page repeats the first page's parameters plus `pageToken`, as the API requires;
`countTotal` is asked for on the first page only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from trials.importers.http import RegistryClient, RegistryResponseInvalid

CTGOV_API_URL = "https://clinicaltrials.gov/api/v2"
STUDIES_PATH = "studies"

# The words registries use for the tumours this site covers (trials/data/net_trials.json's tumour
# types and their synonyms). A broad net is safe: only studies whose conditions map to a NET/NEC
# type are published. Small cell lung cancer is left out on purpose: its many trials are not NEC
# trials in this site's sense, and a pulmonary small cell trial that names "neuroendocrine" is
# still found.
NET_CONDITION_TERMS: tuple[str, ...] = (
    "neuroendocrine",
    "carcinoid",
    "islet cell",
    "insulinoma",
    "gastrinoma",
    "glucagonoma",
    "somatostatinoma",
    "VIPoma",
    "MiNEN",
    "MANEC",
)
DEFAULT_COUNTRY = "United Kingdom"
DEFAULT_PAGE_SIZE = 200  # Protocol sections run to about 30 KB each: pages of a few megabytes.
MAX_PAGE_SIZE = 1000  # The API coerces anything larger down to this.
STUDY_FIELDS = ("ProtocolSection", "HasResults")


def any_of(terms: Sequence[str]) -> str:
    """An Essie OR of the terms, quoting phrases: 'neuroendocrine OR "islet cell"'."""
    return " OR ".join(f'"{term}"' if " " in term else term for term in terms)


DEFAULT_CONDITION = any_of(NET_CONDITION_TERMS)


@dataclass(frozen=True)
class StudyPage:
    """One `/studies` page: its studies as the registry sent them, and where the next page is."""

    number: int
    url: str
    studies: tuple[Any, ...]
    page_token: str | None
    next_page_token: str | None
    total_count: int | None = None

    @property
    def is_last(self) -> bool:
        return self.next_page_token is None


def study_query(
    *,
    condition: str = DEFAULT_CONDITION,
    country: str | None = DEFAULT_COUNTRY,
    since: dt.date | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> dict[str, str]:
    """The query parameters of the first page (later pages add `pageToken` and drop `countTotal`)."""
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}.")
    params = {
        "format": "json",
        "fields": ",".join(STUDY_FIELDS),
        "sort": "LastUpdatePostDate:asc",
        "pageSize": str(page_size),
        "countTotal": "true",
    }
    if condition.strip():
        params["query.cond"] = condition.strip()
    filters = []
    if country and country.strip():
        # A double quote would end the Essie phrase early; no country name has one.
        filters.append(f'AREA[LocationCountry]"{country.strip().replace(chr(34), "")}"')
    if since is not None:
        filters.append(f"AREA[LastUpdatePostDate]RANGE[{since.isoformat()},MAX]")
    if filters:
        params["filter.advanced"] = " AND ".join(filters)
    return params


def iter_study_pages(
    client: RegistryClient,
    *,
    condition: str = DEFAULT_CONDITION,
    country: str | None = DEFAULT_COUNTRY,
    since: dt.date | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    max_pages: int | None = None,
) -> Iterator[StudyPage]:
    """Yield each page until one has no `nextPageToken`, or `max_pages` pages have been read.

    Raises RegistryUnavailable when the registry keeps failing and RegistryResponseInvalid when a
    page is not a `/studies` page; the pages yielded before that stay yielded, so a caller that
    stores each page as it comes keeps them.
    """
    if max_pages is not None and max_pages < 1:
        raise ValueError("max_pages must be at least 1.")
    first = study_query(condition=condition, country=country, since=since, page_size=page_size)
    token: str | None = None
    seen_tokens: set[str] = set()
    number = 0
    while max_pages is None or number < max_pages:
        number += 1
        params = dict(first)
        if token is not None:
            del params["countTotal"]
            params["pageToken"] = token
        data = client.get_json(STUDIES_PATH, params)
        page = _page(data, number=number, url=client.url(STUDIES_PATH, params), token=token)
        yield page
        if page.next_page_token is None:
            return
        if page.next_page_token in seen_tokens:
            raise RegistryResponseInvalid(
                url=page.url, reason=f"page {number} repeats the page token {page.next_page_token!r}."
            )
        seen_tokens.add(page.next_page_token)
        token = page.next_page_token


def _page(data: Any, *, number: int, url: str, token: str | None) -> StudyPage:
    if not isinstance(data, Mapping) or not isinstance(data.get("studies"), list):
        found = f"an object with keys {', '.join(sorted(map(str, data))[:6])}" if isinstance(data, Mapping) else None
        raise RegistryResponseInvalid(
            url=url, reason=f"expected a /studies page (an object with a studies list); found {found or _kind(data)}."
        )
    next_token = data.get("nextPageToken")
    if next_token is not None and (not isinstance(next_token, str) or not next_token):
        raise RegistryResponseInvalid(url=url, reason=f"nextPageToken must be text; found {_kind(next_token)}.")
    total = data.get("totalCount")
    if total is not None and (not isinstance(total, int) or isinstance(total, bool) or total < 0):
        raise RegistryResponseInvalid(url=url, reason=f"totalCount must be a count; found {_kind(total)}.")
    return StudyPage(
        number=number,
        url=url,
        studies=tuple(data["studies"]),
        page_token=token,
        next_page_token=next_token,
        total_count=total,
    )


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return f"a JSON {type(value).__name__}" if not isinstance(value, str) else repr(value[:40])
