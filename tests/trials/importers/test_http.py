"""The registry client and ClinicalTrials.gov paging, against the local stand-in serving recorded answers."""

from __future__ import annotations

import datetime as dt
import json
import socket
import time

import pytest

from tests.trials.importers.standin import (
    CTGOV_PREFIX,
    CTGOV_V2,
    Reply,
    Request,
    StandIn,
    ctgov_pages,
    json_reply,
    malformed_json,
    too_many_requests,
    unavailable,
)
from trials.importers.ctgov.paging import DEFAULT_CONDITION, iter_study_pages, study_query
from trials.importers.http import RegistryClient, RegistryResponseInvalid, RegistryUnavailable, RetryPolicy

STUDIES = CTGOV_PREFIX + "/studies"
FIRST, SECOND, LAST = (
    "search_phelan_limit5_20260811.json",
    "search_phelan_next_20260811.json",
    "search_nsclc_egfr_l858r_20260811.json",
)


def ncts(name: str) -> list[str]:
    page = json.loads((CTGOV_V2 / name).read_text())
    return [s["protocolSection"]["identificationModule"]["nctId"] for s in page["studies"]]


def token(name: str) -> str:
    next_token: str = json.loads((CTGOV_V2 / name).read_text())["nextPageToken"]
    return next_token


def test_it_retries_a_429_after_the_seconds_the_registry_asks_for(standin: StandIn) -> None:
    standin.route(STUDIES, ctgov_pages([LAST]))
    standin.fail_next(too_many_requests(retry_after="7"))
    sleeps: list[float] = []

    page = standin.client(CTGOV_PREFIX, sleeps=sleeps).get_json("studies", {"pageSize": 5})

    assert sleeps == [7.0]
    assert len(standin.requests) == 2
    assert [s["protocolSection"]["identificationModule"]["nctId"] for s in page["studies"]] == ncts(LAST)


def test_it_waits_no_longer_than_its_cap_when_the_registry_asks_for_an_hour(standin: StandIn) -> None:
    standin.route(STUDIES, ctgov_pages([LAST]))
    standin.fail_next(too_many_requests(retry_after="3600"))
    sleeps: list[float] = []

    standin.client(CTGOV_PREFIX, sleeps=sleeps).get_json("studies")

    assert sleeps == [30.0]


def test_a_503_that_never_ends_is_unavailable_naming_503_and_the_url_after_bounded_tries(standin: StandIn) -> None:
    standin.fail_always(unavailable())
    sleeps: list[float] = []

    with pytest.raises(RegistryUnavailable) as raised:
        standin.client(CTGOV_PREFIX, sleeps=sleeps, attempts=4).get_json("studies", {"query.cond": "carcinoid"})

    url = f"{standin.url}/api/v2/studies?query.cond=carcinoid"
    assert str(raised.value) == f"The registry answered 503 Service Unavailable at {url} (asked 4 times)."
    assert (raised.value.status, raised.value.url, raised.value.attempts) == (503, url, 4)
    assert len(standin.requests) == 4
    # Exponential backoff (0.5 s x 2^n), the first retry at once, none beyond the 4 s cap.
    assert sleeps == [1.0, 2.0]


def test_a_registry_that_cannot_be_reached_is_unavailable_naming_the_url() -> None:
    with socket.socket() as probe:  # A port nothing listens on.
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = RegistryClient(
        f"http://127.0.0.1:{port}/api/v2", retry=RetryPolicy(attempts=2), min_interval=0, sleeper=lambda s: None
    )

    with pytest.raises(RegistryUnavailable) as raised:
        client.get_json("studies", {"pageSize": 1})

    assert raised.value.status is None
    assert str(raised.value).startswith(
        f"The registry could not be reached (connection failed: [Errno 111] Connection refused) at "
        f"http://127.0.0.1:{port}/api/v2/studies?pageSize=1"
    )


def test_a_registry_that_answers_too_slowly_times_out_and_is_retried(standin: StandIn) -> None:
    def slow(request: Request) -> Reply:
        time.sleep(0.5)
        return json_reply({"studies": []})

    standin.route(STUDIES, slow)
    client = RegistryClient(
        standin.url + CTGOV_PREFIX,
        retry=RetryPolicy(attempts=2),
        read_timeout=0.1,
        min_interval=0,
        sleeper=lambda s: None,
    )

    with pytest.raises(RegistryUnavailable) as raised:
        client.get_json("studies")

    assert str(raised.value) == (
        f"The registry could not be reached (no answer within the 0.1 s read timeout) at {standin.url}/api/v2/studies "
        "(asked 2 times)."
    )
    assert len(standin.requests) == 2


def test_the_worst_case_wait_is_bounded_by_the_policy() -> None:
    assert RetryPolicy(attempts=5, backoff_max=60, retry_after_max=120).worst_case_wait == 480
    with pytest.raises(ValueError, match="attempts must be at least 1"):
        RetryPolicy(attempts=0)


def test_a_400_is_not_retried_and_its_explanation_is_quoted(standin: StandIn) -> None:
    standin.route(STUDIES, ctgov_pages([FIRST]))

    with pytest.raises(RegistryUnavailable) as raised:
        standin.client(CTGOV_PREFIX).get_json("studies", {"pageToken": "not-a-token"})

    url = f"{standin.url}/api/v2/studies?pageToken=not-a-token"
    assert str(raised.value) == (
        f"The registry answered 400 Bad Request: Invalid pageToken: not-a-token at {url} (asked once)."
    )
    assert len(standin.requests) == 1


def test_malformed_json_is_an_invalid_response_naming_the_url(standin: StandIn) -> None:
    standin.fail_next(malformed_json())

    with pytest.raises(RegistryResponseInvalid) as raised:
        standin.client(CTGOV_PREFIX).get_json("studies", {"pageSize": 5})

    assert str(raised.value).startswith(
        f"The registry's answer at {standin.url}/api/v2/studies?pageSize=5 is not usable: not JSON ("
    )
    assert len(standin.requests) == 1


def test_requests_and_retries_keep_the_polite_interval(standin: StandIn) -> None:
    standin.route(STUDIES, ctgov_pages([LAST]))
    standin.fail_next(unavailable())
    sleeps: list[float] = []
    client = RegistryClient(standin.url + CTGOV_PREFIX, min_interval=1.2, sleeper=sleeps.append, clock=lambda: 0.0)

    client.get_json("studies")  # A 503 first: retried no sooner than the interval.
    client.get_json("studies")  # Asked at once after the last answer: waits the interval.

    assert sleeps == [1.2, 1.2]
    assert len(standin.requests) == 3


def test_it_says_who_is_asking(standin: StandIn) -> None:
    standin.route(STUDIES, ctgov_pages([LAST]))

    standin.client(CTGOV_PREFIX).get_json("studies")

    headers = standin.requests[0].headers
    assert headers["User-Agent"].startswith("TrialSearch/1.0 (registry sync of a neuroendocrine tumour trial finder")
    assert headers["Accept"] == "application/json"


def test_the_first_page_asks_for_net_conditions_in_the_uk_changed_since_the_last_sync() -> None:
    assert study_query(since=dt.date(2026, 11, 1), page_size=200) == {
        "format": "json",
        "fields": "ProtocolSection,HasResults",
        "sort": "LastUpdatePostDate:asc",
        "pageSize": "200",
        "countTotal": "true",
        "query.cond": (
            'neuroendocrine OR carcinoid OR "islet cell" OR insulinoma OR gastrinoma OR glucagonoma OR '
            "somatostatinoma OR VIPoma OR MiNEN OR MANEC"
        ),
        "filter.advanced": 'AREA[LocationCountry]"United Kingdom" AND AREA[LastUpdatePostDate]RANGE[2026-11-01,MAX]',
    }


def test_a_first_sync_of_every_country_has_no_filter() -> None:
    query = study_query(condition="carcinoid", country=None, since=None, page_size=10)

    assert "filter.advanced" not in query
    assert query["query.cond"] == "carcinoid"


def test_paging_follows_next_page_token_across_the_recorded_pages(standin: StandIn) -> None:
    standin.route(STUDIES, ctgov_pages([FIRST, SECOND, LAST]))

    pages = list(iter_study_pages(standin.client(CTGOV_PREFIX), since=dt.date(2026, 1, 1), page_size=5))

    assert [p.number for p in pages] == [1, 2, 3]
    assert [[s["protocolSection"]["identificationModule"]["nctId"] for s in p.studies] for p in pages] == [
        ncts(FIRST),
        ncts(SECOND),
        ncts(LAST),
    ]
    assert [p.page_token for p in pages] == [None, token(FIRST), token(SECOND)]
    assert [p.next_page_token for p in pages] == [token(FIRST), token(SECOND), None]
    assert [p.total_count for p in pages] == [21, None, 2]
    assert [p.is_last for p in pages] == [False, False, True]
    first, second, third = (r.query for r in standin.requests)
    assert first == study_query(condition=DEFAULT_CONDITION, since=dt.date(2026, 1, 1), page_size=5)
    common = {k: v for k, v in first.items() if k != "countTotal"}
    assert second == {**common, "pageToken": token(FIRST)}
    assert third == {**common, "pageToken": token(SECOND)}
    assert pages[1].url.startswith(f"{standin.url}/api/v2/studies?format=json&")
    assert pages[1].url.endswith(f"&pageToken={token(FIRST)}")


def test_paging_stops_at_max_pages(standin: StandIn) -> None:
    standin.route(STUDIES, ctgov_pages([FIRST, SECOND, LAST]))

    pages = list(iter_study_pages(standin.client(CTGOV_PREFIX), page_size=5, max_pages=2))

    assert [p.number for p in pages] == [1, 2]
    assert pages[-1].is_last is False
    assert len(standin.requests) == 2


def test_pages_read_before_the_registry_goes_down_stay_read(standin: StandIn) -> None:
    standin.route(STUDIES, ctgov_pages([FIRST, SECOND, LAST]))
    pages = iter_study_pages(standin.client(CTGOV_PREFIX, attempts=3), page_size=5)

    first = next(pages)
    standin.fail_always(unavailable())
    with pytest.raises(RegistryUnavailable) as raised:
        next(pages)

    assert [s["protocolSection"]["identificationModule"]["nctId"] for s in first.studies] == ncts(FIRST)
    assert raised.value.status == 503
    assert f"pageToken={token(FIRST)}" in raised.value.url
    assert len(standin.requests) == 4


def test_a_page_without_studies_is_an_invalid_response(standin: StandIn) -> None:
    standin.route(STUDIES, lambda request: json_reply({"error": "maintenance"}))

    with pytest.raises(RegistryResponseInvalid) as raised:
        list(iter_study_pages(standin.client(CTGOV_PREFIX), page_size=5))

    assert (
        raised.value.reason
        == "expected a /studies page (an object with a studies list); found an object with keys error."
    )


def test_a_malformed_page_stops_the_walk_after_the_good_ones(standin: StandIn) -> None:
    standin.route(STUDIES, ctgov_pages([FIRST, SECOND, LAST]))
    pages = iter_study_pages(standin.client(CTGOV_PREFIX), page_size=5)

    first = next(pages)
    standin.fail_next(malformed_json())
    with pytest.raises(RegistryResponseInvalid):
        next(pages)

    assert first.number == 1


def test_a_page_token_seen_before_stops_the_walk(standin: StandIn) -> None:
    standin.route(STUDIES, lambda request: json_reply(json.loads((CTGOV_V2 / FIRST).read_text())))

    with pytest.raises(RegistryResponseInvalid) as raised:
        list(iter_study_pages(standin.client(CTGOV_PREFIX), page_size=5))

    assert raised.value.reason == f"page 2 repeats the page token {token(FIRST)!r}."
    assert len(standin.requests) == 2


def test_an_empty_page_that_is_not_the_last_is_followed(standin: StandIn) -> None:
    empty = {"studies": [], "nextPageToken": "after-the-empty-page"}
    last = json.loads((CTGOV_V2 / LAST).read_text())
    standin.route(
        STUDIES,
        lambda request: (
            json_reply(last) if request.query.get("pageToken") == "after-the-empty-page" else json_reply(empty)
        ),
    )

    pages = list(iter_study_pages(standin.client(CTGOV_PREFIX), page_size=5))

    assert [len(p.studies) for p in pages] == [0, 2]


def test_errors_quote_no_html(standin: StandIn) -> None:
    standin.fail_always(Reply(502, b"<html><h1>Bad gateway</h1></html>", {"Content-Type": "text/html"}))

    with pytest.raises(RegistryUnavailable) as raised:
        standin.client(CTGOV_PREFIX, attempts=1).get_json("studies")

    assert str(raised.value) == f"The registry answered 502 Bad Gateway at {standin.url}/api/v2/studies (asked once)."


def test_text_without_a_charset_is_read_as_utf8(standin: StandIn) -> None:
    standin.route(
        "/notes", lambda request: Reply(200, "Université Paris-Est Créteil".encode(), {"Content-Type": "text/plain"})
    )

    assert standin.client("").get_text("notes") == "Université Paris-Est Créteil"
