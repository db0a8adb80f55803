"""Walking the ISRCTN search API by windows of the last-edited date, against the stand-in's recorded trials."""

from __future__ import annotations

import datetime as dt
from typing import cast

import pytest

from tests.trials.importers.standin import (
    ISRCTN_DATA,
    ISRCTN_PREFIX,
    RecordedTrial,
    Reply,
    StandIn,
    isrctn_search,
    recorded_isrctn_trials,
    serve_file,
    unavailable,
)
from trials.importers.http import RegistryResponseInvalid, RegistryUnavailable
from trials.importers.isrctn.paging import DEFAULT_CONDITION, iter_isrctn_pages, search_query

SEARCH = ISRCTN_PREFIX + "/query/format/default"
NOW = dt.datetime(2026, 11, 30, 9, 30, tzinfo=dt.UTC)
FILES = [
    "search_mecfs_query_default.xml",
    "record_ISRCTN54285094_PACE.xml",
    "record_ISRCTN62918594_HMBD-001_CRUK.xml",
    "record_ISRCTN38597726_gefapixant.xml",
]
# The six recorded trials, oldest edit first.
BY_EDIT = [
    "ISRCTN54285094",  # 2015-11-03
    "ISRCTN16132141",  # 2025-11-18
    "ISRCTN16025168",  # 2026-04-10
    "ISRCTN15375673",  # 2026-05-26
    "ISRCTN38597726",  # 2026-08-04
    "ISRCTN62918594",  # 2026-09-30
]


@pytest.fixture
def registry(standin: StandIn) -> StandIn:
    standin.route(SEARCH, isrctn_search(recorded_isrctn_trials(FILES)))
    return standin


def test_a_window_holding_everything_is_one_page(registry: StandIn) -> None:
    pages = list(iter_isrctn_pages(registry.client(ISRCTN_PREFIX), limit=100, now=NOW))

    assert len(pages) == 1
    assert sorted(t.isrctn for t in pages[0].trials) == sorted(BY_EDIT)
    assert (pages[0].start, pages[0].end, pages[0].is_last) == (
        dt.datetime(1990, 1, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC),
        True,
    )
    (request,) = registry.requests
    assert request.query == {
        "q": (
            '(condition:neuroendocrine OR condition:carcinoid OR condition:"islet cell" OR condition:insulinoma OR '
            "condition:gastrinoma OR condition:glucagonoma OR condition:somatostatinoma OR condition:VIPoma OR "
            'condition:MiNEN OR condition:MANEC) AND (recruitmentCountry:"United Kingdom" OR '
            "recruitmentCountry:England OR recruitmentCountry:Scotland OR recruitmentCountry:Wales OR "
            'recruitmentCountry:"Northern Ireland") AND lastEdited GE 1990-01-01T00:00:00.000Z AND '
            "lastEdited LT 2026-12-01T09:30:00.000Z"
        ),
        "limit": "100",
    }
    assert request.headers["Accept"] == "application/xml"


def test_windows_holding_more_than_the_limit_are_halved_until_every_trial_is_read_once(registry: StandIn) -> None:
    pages = list(iter_isrctn_pages(registry.client(ISRCTN_PREFIX), limit=2, now=NOW))

    read = [t.isrctn for p in pages for t in p.trials]
    assert sorted(read) == sorted(BY_EDIT)
    assert len(read) == len(set(read))
    assert all(len(p.trials) <= 2 for p in pages)
    # Oldest window first, each starting where the one before ended, so a cut-short walk has no gaps.
    assert [p.start for p in pages[1:]] == [p.end for p in pages[:-1]]
    assert pages[0].start == dt.datetime(1990, 1, 1, tzinfo=dt.UTC)
    assert pages[-1].end == dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
    assert sorted(read, key=BY_EDIT.index) == [
        t.isrctn for p in pages for t in sorted(p.trials, key=lambda t: cast(dt.datetime, t.last_updated))
    ]
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))
    assert [p.is_last for p in pages] == [False] * (len(pages) - 1) + [True]
    # Every truncated answer cost one request, and every page one.
    truncated = len(registry.requests) - len(pages)
    assert truncated == len(pages) - 1


def test_a_later_sync_asks_only_for_trials_edited_since_its_date(registry: StandIn) -> None:
    pages = list(iter_isrctn_pages(registry.client(ISRCTN_PREFIX), since=dt.date(2026, 5, 1), limit=100, now=NOW))

    assert [sorted(t.isrctn for t in p.trials) for p in pages] == [
        ["ISRCTN15375673", "ISRCTN38597726", "ISRCTN62918594"]
    ]
    assert (
        "lastEdited GE 2026-05-01T00:00:00.000Z AND lastEdited LT 2026-12-01T09:30:00.000Z"
        in registry.requests[0].query["q"]
    )


def test_nothing_edited_since_the_last_sync_is_one_empty_page(registry: StandIn) -> None:
    pages = list(iter_isrctn_pages(registry.client(ISRCTN_PREFIX), since=dt.date(2026, 11, 1), now=NOW))

    assert [(p.document.total_count, p.trials, p.is_last) for p in pages] == [(0, (), True)]


def test_max_pages_bounds_the_requests(registry: StandIn) -> None:
    pages = list(iter_isrctn_pages(registry.client(ISRCTN_PREFIX), limit=2, max_pages=3, now=NOW))

    assert len(registry.requests) == 3
    assert all(not p.is_last for p in pages)


def test_more_trials_edited_within_one_second_than_the_limit_are_asked_for_at_once(standin: StandIn) -> None:
    same_second = "2026-06-01T12:00:00.5Z"
    trials = [
        RecordedTrial(t.isrctn, same_second[:19], t.xml.replace(_attribute(t.xml), f'lastUpdated="{same_second}"'))
        for t in recorded_isrctn_trials(FILES)[:3]
    ]
    standin.route(SEARCH, isrctn_search(trials))

    pages = list(iter_isrctn_pages(standin.client(ISRCTN_PREFIX), limit=2, now=NOW))

    assert sorted(t.isrctn for p in pages for t in p.trials) == sorted(t.isrctn for t in trials)
    crowded = next(p for p in pages if p.trials)
    assert crowded.end - crowded.start == dt.timedelta(seconds=1)
    # The one-second window held three trials: asked for again with a limit of three.
    assert [r.query["limit"] for r in standin.requests].count("3") == 1


def _attribute(xml: str) -> str:
    start = xml.index('lastUpdated="')
    return xml[start : xml.index('"', start + len('lastUpdated="')) + 1]


def test_an_answer_that_ignores_the_date_window_stops_the_walk(standin: StandIn) -> None:
    # A registry that drops the lastEdited clause answers every window with the same trials.
    standin.route(SEARCH, serve_file(ISRCTN_DATA / "search_mecfs_query_default.xml", "application/xml"))

    with pytest.raises(RegistryResponseInvalid) as raised:
        list(iter_isrctn_pages(standin.client(ISRCTN_PREFIX), limit=3, now=NOW))

    assert raised.value.reason == (
        "ISRCTN15375673 was last edited 2026-05-26T15:09:37.845816+00:00, outside the window asked for "
        "(1990-01-01T00:00:00.000Z to 2008-06-16T16:45:00.000Z): the registry ignored the date filter."
    )
    assert len(standin.requests) == 2


def test_an_answer_that_is_not_xml_is_an_invalid_response_naming_the_url(standin: StandIn) -> None:
    standin.route(SEARCH, lambda request: Reply(200, b"<html><body>Maintenance</body></html>", {}))

    with pytest.raises(RegistryResponseInvalid) as raised:
        list(iter_isrctn_pages(standin.client(ISRCTN_PREFIX), now=NOW))

    assert str(raised.value).startswith(f"The registry's answer at {standin.url}/api/query/format/default?q=")
    assert str(raised.value).endswith(
        " is not usable: not ISRCTN API XML: the root element is <html>, not <allTrials>."
    )


def test_a_registry_that_stays_down_is_unavailable(standin: StandIn) -> None:
    standin.fail_always(unavailable())

    with pytest.raises(RegistryUnavailable) as raised:
        list(iter_isrctn_pages(standin.client(ISRCTN_PREFIX, attempts=2), now=NOW))

    assert raised.value.status == 503
    assert len(standin.requests) == 2


def test_a_query_for_another_country_names_only_it() -> None:
    start, end = dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 2, 1, tzinfo=dt.UTC)

    assert search_query(condition='condition:"islet cell"', country="Canada", start=start, end=end) == (
        '(condition:"islet cell") AND (recruitmentCountry:Canada) AND '
        "lastEdited GE 2026-01-01T00:00:00.000Z AND lastEdited LT 2026-02-01T00:00:00.000Z"
    )
    assert search_query(condition="", country=None, start=start, end=end) == (
        "lastEdited GE 2026-01-01T00:00:00.000Z AND lastEdited LT 2026-02-01T00:00:00.000Z"
    )
    assert DEFAULT_CONDITION.startswith("condition:neuroendocrine OR condition:carcinoid OR ")


def test_recorded_trials_are_served_verbatim() -> None:
    trials = recorded_isrctn_trials(FILES)

    assert [t.isrctn for t in trials] == [
        "ISRCTN15375673",
        "ISRCTN16025168",
        "ISRCTN16132141",
        "ISRCTN54285094",
        "ISRCTN62918594",
        "ISRCTN38597726",
    ]
    texts = [(ISRCTN_DATA / name).read_text() for name in FILES]
    assert all(any(t.xml in text for text in texts) for t in trials)
