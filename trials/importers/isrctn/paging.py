"""Walk the ISRCTN search API (`/api/query/format/default?q=...&limit=...`) for the registry sync.

The API honours only `q` and `limit`: there is no offset, page or sort, and the answer's
`totalCount` says how many trials matched while at most `limit` are sent (notes beside the samples
in ../shared/data/isrctn/). So the sync pages by the last-edited date instead: each request asks for
the trials edited in one window (`lastEdited GE <start> AND lastEdited LT <end>`); when the answer
holds fewer trials than matched, the window is halved and both halves are asked for, earliest
first, down to one second (and then once more with a `limit` as large as the count). A window that
fits is one page. A trial edited while the sync runs may move into a later window and come twice:
the writer keeps the last copy.

`q` is Lucene-like: field queries such as `condition:carcinoid` and `recruitmentCountry:"United
Kingdom"` (a value with a space must be quoted, or it matches nothing), `AND`/`OR`, and dates as
`lastEdited GE 2026-01-01T00:00:00.000Z`. The registry does not reject what it does not understand:
a malformed clause is dropped and the rest answered, so each page is checked against its window;
a trial edited well outside it means the date filter was ignored, and the walk stops rather than
return the same trials from every window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from trials.importers.ctgov.paging import DEFAULT_COUNTRY, NET_CONDITION_TERMS
from trials.importers.http import RegistryClient, RegistryResponseInvalid
from trials.importers.isrctn.reading import IsrctnDocument, IsrctnTrial, IsrctnXmlInvalid, read_isrctn_xml

ISRCTN_API_URL = "https://www.isrctn.com/api"
SEARCH_PATH = "query/format/default"
DEFAULT_LIMIT = 100  # Records run to 10-30 KB: answers of one to three megabytes.
# Before the registry's first record was edited: a first sync asks for everything since.
EARLIEST = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)
SMALLEST_WINDOW = dt.timedelta(seconds=1)
# How far outside its window a trial may have been edited before the filter counts as ignored: the
# index the query searches and the record's own `lastUpdated` need not agree to the microsecond.
WINDOW_SLACK = dt.timedelta(days=1)
# ISRCTN lists a UK trial under the nations as well as, or instead of, the United Kingdom.
UK_NATIONS = ("United Kingdom", "England", "Scotland", "Wales", "Northern Ireland")


def quote(value: str) -> str:
    """A field value as the query language needs it: quoted when it has a space, without inner quotes."""
    value = value.replace('"', "").strip()
    return f'"{value}"' if " " in value else value


def any_condition(terms: Sequence[str]) -> str:
    """`condition:neuroendocrine OR condition:"islet cell" OR ...`."""
    return " OR ".join(f"condition:{quote(term)}" for term in terms)


DEFAULT_CONDITION = any_condition(NET_CONDITION_TERMS)


def timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def search_query(*, condition: str, country: str | None, start: dt.datetime, end: dt.datetime) -> str:
    """The `q` of one window: the condition, the country, and `start <= lastEdited < end`."""
    parts = [f"({condition.strip()})"] if condition.strip() else []
    if country and country.strip():
        names = UK_NATIONS if country.strip().casefold() == "united kingdom" else (country.strip(),)
        parts.append("(" + " OR ".join(f"recruitmentCountry:{quote(name)}" for name in names) + ")")
    parts.append(f"lastEdited GE {timestamp(start)} AND lastEdited LT {timestamp(end)}")
    return " AND ".join(parts)


@dataclass(frozen=True)
class IsrctnPage:
    """The trials edited in one window, as read from one answer."""

    number: int
    url: str
    start: dt.datetime
    end: dt.datetime
    document: IsrctnDocument
    is_last: bool

    @property
    def trials(self) -> tuple[IsrctnTrial, ...]:
        return self.document.trials


def iter_isrctn_pages(
    client: RegistryClient,
    *,
    condition: str = DEFAULT_CONDITION,
    country: str | None = DEFAULT_COUNTRY,
    since: dt.date | None = None,
    limit: int = DEFAULT_LIMIT,
    max_pages: int | None = None,
    now: dt.datetime | None = None,
) -> Iterator[IsrctnPage]:
    """Yield the trials edited since `since` (all, without it), one window at a time, oldest first.

    `max_pages` bounds the number of requests. Raises RegistryUnavailable when the registry keeps
    failing and RegistryResponseInvalid for an answer that is not ISRCTN XML or ignores its window;
    the pages yielded before stay yielded.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1.")
    if max_pages is not None and max_pages < 1:
        raise ValueError("max_pages must be at least 1.")
    start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC) if since is not None else EARLIEST
    # Up to tomorrow, so that nothing edited while the sync runs falls after the last window.
    end = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0) + dt.timedelta(days=1)
    windows = [(start, end)]  # A stack: the earliest window is on top.
    requests = 0
    number = 0
    while windows:
        if max_pages is not None and requests >= max_pages:
            return
        start, end = windows.pop()
        q = search_query(condition=condition, country=country, start=start, end=end)
        requests += 1
        url, document = _search(client, q, limit, start, end)
        if document.total_count > len(document.trials):
            if end - start > SMALLEST_WINDOW:
                middle = start + dt.timedelta(seconds=(end - start) // SMALLEST_WINDOW // 2)
                windows += [(middle, end), (start, middle)]
                continue
            # More trials were edited within one second than fit: ask for all of them at once.
            requests += 1
            url, document = _search(client, q, document.total_count, start, end)
            if document.total_count > len(document.trials):
                raise RegistryResponseInvalid(
                    url=url,
                    reason=f"{document.total_count} trials match, but only {len(document.trials)} were sent.",
                )
        number += 1
        yield IsrctnPage(number=number, url=url, start=start, end=end, document=document, is_last=not windows)


def _search(
    client: RegistryClient, q: str, limit: int, start: dt.datetime, end: dt.datetime
) -> tuple[str, IsrctnDocument]:
    url, body = client.get_bytes(SEARCH_PATH, {"q": q, "limit": limit}, accept="application/xml")
    try:
        document = read_isrctn_xml(body, url)
    except IsrctnXmlInvalid as error:
        raise RegistryResponseInvalid(url=url, reason=error.reason) from error
    check_window(document, url, start, end)
    return url, document


def check_window(document: IsrctnDocument, url: str, start: dt.datetime, end: dt.datetime) -> None:
    """Refuse an answer holding a trial edited well outside the window it was asked for."""
    for trial in document.trials:
        edited = trial.last_updated
        if edited is not None and not start - WINDOW_SLACK <= edited < end + WINDOW_SLACK:
            raise RegistryResponseInvalid(
                url=url,
                reason=(
                    f"{trial.isrctn} was last edited {edited.isoformat()}, outside the window asked for "
                    f"({timestamp(start)} to {timestamp(end)}): the registry ignored the date filter."
                ),
            )
