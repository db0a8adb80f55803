"""`sync_ctgov` against a local stand-in serving recorded ClinicalTrials.gov pages: paging, faults, reruns."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError

from tests.factories import TumourTypeFactory
from tests.trials.importers.standin import (
    StandIn,
    ctgov_pages,
    json_reply,
    malformed_json,
    too_many_requests,
    unavailable,
)
from tests.trials.importers.syncing import (
    FIRST,
    LAST,
    SECOND,
    STUDIES,
    export,
    first_time_each_token,
    from_page,
    history_counts,
    ncts,
    run,
    study,
)
from trials.importers.ctgov.paging import DEFAULT_CONDITION, study_query
from trials.importers.sync import last_complete_sync
from trials.registry.choices import Registry
from trials.registry.models import Trial
from trials.registry.syncs import SyncRun

pytestmark = pytest.mark.django_db

EVERY_NCT = sorted(ncts(FIRST) + ncts(SECOND) + ncts(LAST))


@pytest.fixture
def registry(standin: StandIn, sync_sleeps: list[float]) -> StandIn:
    standin.route(STUDIES, ctgov_pages([FIRST, SECOND, LAST]))
    return standin


def stored() -> list[str]:
    return sorted(Trial.objects.values_list("nct_id", flat=True))


def mark() -> dt.date | None:
    return last_complete_sync(registry=Registry.CTGOV, condition=DEFAULT_CONDITION, country="United Kingdom")


def test_a_first_sync_follows_every_page_and_stores_every_study_as_a_draft(registry: StandIn) -> None:
    out = run("sync_ctgov", registry)

    assert stored() == EVERY_NCT
    assert not Trial.objects.filter(published=True).exists()
    first, second, third = (r.query for r in registry.requests)
    assert first == study_query()
    assert "LastUpdatePostDate" not in first["filter.advanced"]
    assert second["pageToken"] == "ZVt07cGHkvI2wRk2CJf6_LLq14bEL8swd7KrgP4dnDeTsPkw"
    assert third["pageToken"] == "ZVt07cGHkvI2wRk2CJf6_LLq14bEL8swd7KrgP4bmjeauvk_IQ"
    assert out.splitlines()[:3] == [
        "Page 1 (5 records): 5 created, 0 updated, 0 unchanged, 0 failed, 5 held back",
        "Page 2 (5 records): 5 created, 0 updated, 0 unchanged, 0 failed, 5 held back",
        "Page 3 (2 records): 2 created, 0 updated, 0 unchanged, 0 failed, 2 held back",
    ]
    sync = SyncRun.objects.get()
    assert (sync.registry, sync.pages, sync.created, sync.updated, sync.unchanged, sync.failed) == (
        "ctgov",
        3,
        12,
        0,
        0,
        0,
    )
    assert (sync.held_back, sync.complete, sync.error, sync.since) == (12, True, "", None)
    assert sync.held_back_reasons[0] == "page 1 studies[0] (NCT02710084): no neuroendocrine condition"
    assert sorted(sync.created_trials.values_list("nct_id", flat=True)) == EVERY_NCT
    assert mark() == sync.started_at.astimezone(dt.UTC).date()
    assert out.splitlines()[-1] == f"Sync run {sync.pk}: 3 page(s), complete."


def test_a_second_sync_asks_only_for_changes_since_the_first_and_changes_nothing(registry: StandIn) -> None:
    run("sync_ctgov", registry)
    before, history = export(), history_counts()
    registry.requests.clear()

    out = run("sync_ctgov", registry)

    assert export() == before
    assert history_counts() == history
    stored = mark()
    assert stored is not None
    since = stored - dt.timedelta(days=1)
    assert registry.requests[0].query["filter.advanced"] == (
        f'AREA[LocationCountry]"United Kingdom" AND AREA[LastUpdatePostDate]RANGE[{since.isoformat()},MAX]'
    )
    second = SyncRun.objects.first()
    assert second is not None
    assert (second.since, second.created, second.updated, second.unchanged, second.complete) == (since, 0, 0, 12, True)
    assert "Page 1 (5 records): 0 created, 0 updated, 5 unchanged, 0 failed, 5 held back" in out


def test_a_sync_facing_one_429_per_page_waits_as_asked_and_completes(
    registry: StandIn, sync_sleeps: list[float]
) -> None:
    route = registry.routes[STUDIES]
    registry.route(STUDIES, first_time_each_token(too_many_requests(retry_after="7"), route))

    run("sync_ctgov", registry)

    assert stored() == EVERY_NCT
    assert sync_sleeps == [7.0, 7.0, 7.0]
    assert len(registry.requests) == 6
    assert SyncRun.objects.get().complete is True


def test_a_sync_facing_503s_exits_naming_the_503_and_the_url_and_changes_nothing(registry: StandIn) -> None:
    run("sync_ctgov", registry)
    before, history, first_mark = export(), history_counts(), mark()
    registry.fail_always(unavailable())

    with pytest.raises(CommandError) as raised:
        run("sync_ctgov", registry)

    message = str(raised.value)
    assert message.startswith(
        f"The registry answered 503 Service Unavailable at {registry.url}/api/v2/studies?format=json"
    )
    assert message.endswith(
        "(asked 4 times). The sync stopped: nothing was stored; the next run starts again from the same day."
    )
    assert export() == before
    assert history_counts() == history
    failed = SyncRun.objects.first()
    assert failed is not None
    assert (failed.pages, failed.complete, failed.outcome) == (0, False, "stopped by an error")
    assert failed.error == message.split(" The sync stopped")[0]
    assert mark() == first_mark


def test_pages_stored_before_the_registry_goes_down_are_kept_and_the_next_run_asks_again(registry: StandIn) -> None:
    route = registry.routes[STUDIES]
    registry.route(STUDIES, from_page(2, unavailable(), route))

    with pytest.raises(CommandError, match=r"answered 503 Service Unavailable .*pageToken=ZVt07cGH"):
        run("sync_ctgov", registry)

    assert stored() == sorted(ncts(FIRST))
    assert mark() is None
    registry.route(STUDIES, route)
    registry.requests.clear()

    run("sync_ctgov", registry)

    assert "LastUpdatePostDate" not in registry.requests[0].query["filter.advanced"]
    assert stored() == EVERY_NCT
    latest = SyncRun.objects.first()
    assert latest is not None
    assert (latest.created, latest.unchanged, latest.complete) == (7, 5, True)


def test_a_malformed_page_stops_the_sync_after_the_pages_before_it(registry: StandIn) -> None:
    registry.route(STUDIES, from_page(2, malformed_json(), registry.routes[STUDIES]))

    with pytest.raises(CommandError) as raised:
        run("sync_ctgov", registry)

    assert "is not usable: not JSON" in str(raised.value)
    assert str(raised.value).endswith(
        "the 1 page(s) before it are stored; the next run starts again from the same day."
    )
    assert stored() == sorted(ncts(FIRST))
    assert SyncRun.objects.get().complete is False


def test_a_dry_run_prints_what_would_change_and_stores_nothing(registry: StandIn) -> None:
    out = run("sync_ctgov", registry, "--dry-run")

    assert not Trial.objects.exists()
    assert not SyncRun.objects.exists()
    assert "Would have created page 1 studies[0] (NCT02710084)" in out.splitlines()
    assert (
        out.splitlines()[-1] == "Dry run (nothing written): 12 created, 0 updated, 0 unchanged, 0 failed, 12 held back"
    )


def test_max_pages_stops_early_and_leaves_the_run_incomplete(registry: StandIn) -> None:
    out = run("sync_ctgov", registry, "--max-pages", "1")

    assert stored() == sorted(ncts(FIRST))
    assert SyncRun.objects.get().outcome == "incomplete"
    assert mark() is None
    assert out.splitlines()[-1].endswith("1 page(s), incomplete (stopped by --max-pages).")


def test_the_filters_go_to_the_registry_as_query_parameters(registry: StandIn) -> None:
    run("sync_ctgov", registry, "--condition", "carcinoid", "--country", "", "--since", "2026-01-02")

    query = registry.requests[0].query
    assert (query["query.cond"], query["filter.advanced"]) == (
        "carcinoid",
        "AREA[LastUpdatePostDate]RANGE[2026-01-02,MAX]",
    )
    sync = SyncRun.objects.get()
    assert sync.parameters["country"] is None
    assert sync.since == dt.date(2026, 1, 2)
    # A run that started at a later day than any mark leaves days unread: it sets none.
    assert last_complete_sync(registry=Registry.CTGOV, condition="carcinoid", country=None) is None


def test_publish_publishes_only_the_studies_with_a_neuroendocrine_condition(
    standin: StandIn, sync_sleeps: list[float]
) -> None:
    TumourTypeFactory(slug="net", name="Neuroendocrine tumour", diagnosis="net", synonyms=["NET"])
    net = study("NCT06171568.json")
    net["protocolSection"]["conditionsModule"]["conditions"] = ["Neuroendocrine Tumour"]
    other = study("NCT04207047.json")
    standin.route(STUDIES, lambda request: json_reply({"studies": [net, other]}))

    out = run("sync_ctgov", standin, "--publish")

    assert dict(Trial.objects.values_list("nct_id", "published")) == {"NCT06171568": True, "NCT04207047": False}
    assert "Held back as a draft: page 1 studies[1] (NCT04207047): no neuroendocrine condition" in out.splitlines()
    assert list(Trial.objects.get(nct_id="NCT06171568").tumour_types.values_list("slug", flat=True)) == ["net"]


def test_the_mark_belongs_to_the_condition_and_country_asked_for(registry: StandIn) -> None:
    run("sync_ctgov", registry, "--condition", "carcinoid", "--country", "")

    started = SyncRun.objects.get().started_at.astimezone(dt.UTC).date()
    assert last_complete_sync(registry=Registry.CTGOV, condition="carcinoid", country=None) == started
    assert last_complete_sync(registry=Registry.CTGOV, condition="carcinoid", country="United Kingdom") is None
    assert mark() is None
