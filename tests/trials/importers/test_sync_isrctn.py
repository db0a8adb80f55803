"""`sync_isrctn` and `import_isrctn` against recorded ISRCTN XML: windows, reruns, faults and stale statuses."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.trials.importers.standin import ISRCTN_DATA, StandIn, isrctn_search, recorded_isrctn_trials, unavailable
from tests.trials.importers.syncing import ISRCTN_SEARCH, export, history_counts, run
from trials.importers.isrctn.reading import read_isrctn_xml
from trials.importers.isrctn.running import isrctn_import, isrctn_statuses_refresh
from trials.registry.choices import Registry
from trials.registry.models import Trial
from trials.registry.syncs import RegistryRecord, SyncRun

pytestmark = pytest.mark.django_db

FILES = [
    "search_mecfs_query_default.xml",
    "record_ISRCTN54285094_PACE.xml",
    "record_ISRCTN62918594_HMBD-001_CRUK.xml",
    "record_ISRCTN38597726_gefapixant.xml",
]
EVERY_ISRCTN = sorted(
    ["ISRCTN15375673", "ISRCTN16025168", "ISRCTN16132141", "ISRCTN54285094", "ISRCTN62918594", "ISRCTN38597726"]
)
HMBD = ISRCTN_DATA / "record_ISRCTN62918594_HMBD-001_CRUK.xml"
GEFAPIXANT = ISRCTN_DATA / "record_ISRCTN38597726_gefapixant.xml"


@pytest.fixture
def registry(standin: StandIn, sync_sleeps: list[float]) -> StandIn:
    standin.route(ISRCTN_SEARCH, isrctn_search(recorded_isrctn_trials(FILES)))
    return standin


def stored() -> list[str]:
    return sorted(Trial.objects.values_list("isrctn", flat=True))


def import_files(*paths: Path, args: tuple[str, ...] = ()) -> str:
    out = io.StringIO()
    call_command("import_isrctn", *map(str, paths), *args, stdout=out, stderr=out)
    return out.getvalue()


def test_a_first_isrctn_sync_stores_every_trial_edited_since_the_registry_began(registry: StandIn) -> None:
    out = run("sync_isrctn", registry)

    assert stored() == EVERY_ISRCTN
    assert "lastEdited GE 1990-01-01T00:00:00.000Z" in registry.requests[0].query["q"]
    assert out.splitlines()[0] == "Page 1 (6 records): 6 created, 0 updated, 0 unchanged, 0 failed, 6 held back"
    sync = SyncRun.objects.get()
    assert (sync.registry, sync.pages, sync.created, sync.held_back, sync.complete) == ("isrctn", 1, 6, 6, True)
    assert sorted(sync.created_trials.values_list("isrctn", flat=True)) == EVERY_ISRCTN


def test_a_second_isrctn_sync_asks_from_the_last_complete_one_and_changes_nothing(registry: StandIn) -> None:
    run("sync_isrctn", registry)
    before, history = export(), history_counts()
    first = SyncRun.objects.get()
    registry.requests.clear()

    run("sync_isrctn", registry)

    since = first.started_at.astimezone(dt.UTC).date() - dt.timedelta(days=1)
    assert f"lastEdited GE {since.isoformat()}T00:00:00.000Z" in registry.requests[0].query["q"]
    assert export() == before
    assert history_counts() == history


def test_an_isrctn_registry_that_stays_down_fails_the_sync_naming_the_503(registry: StandIn) -> None:
    registry.fail_always(unavailable())

    with pytest.raises(CommandError, match=r"^The registry answered 503 Service Unavailable at http://127\.0\.0\.1:"):
        run("sync_isrctn", registry)

    assert not Trial.objects.exists()
    assert SyncRun.objects.get().complete is False


def test_import_isrctn_maps_a_record_with_its_numbers_sites_and_derived_status() -> None:
    out = import_files(HMBD)

    trial = Trial.objects.get(isrctn="ISRCTN62918594")
    assert (trial.nct_id, trial.eudract, trial.iras) == ("NCT05057013", "2020-005891-36", "298897")
    assert (trial.status, trial.status_source, trial.status_confirmed) == ("results", "ISRCTN", dt.date(2026, 9, 30))
    assert (trial.published, trial.min_age, trial.max_age) == (False, 16, 110)
    # A solid tumour study naming no NET/NEC: a draft, with why; recruiting in the UK (England).
    assert (trial.draft_reason, trial.registry_countries, trial.countries) == (
        "no neuroendocrine condition",
        ["United Kingdom"],
        ["United Kingdom"],
    )
    assert trial.source_url == "https://www.isrctn.com/ISRCTN62918594"
    sites = [(s.hospital.name, s.hospital.town, s.hospital.latitude is not None) for s in trial.sites.all()]
    assert sites == [("Churchill Hospital", "Oxford", True), ("Royal Marsden NHS Foundation Trust", "London", True)]
    criteria = list(trial.criteria.all())
    assert criteria and all(c.registry_text == c.text for c in criteria)  # the registry's own words, kept
    record = RegistryRecord.objects.get(trial=trial)
    assert (record.registry, record.identifier, record.status_words) == (
        "isrctn",
        "ISRCTN62918594",
        "No longer recruiting",
    )
    assert out.splitlines()[-1] == "1 created, 0 updated, 0 unchanged, 0 failed, 1 held back"


def test_importing_the_same_isrctn_file_again_changes_nothing() -> None:
    import_files(HMBD)
    before, history = export(), history_counts()

    out = import_files(HMBD)

    assert export() == before
    assert history_counts() == history
    assert out.splitlines()[-1] == "0 created, 0 updated, 1 unchanged, 0 failed, 1 held back"


def test_an_isrctn_dry_run_writes_nothing() -> None:
    out = import_files(HMBD, args=("--dry-run",))

    assert not Trial.objects.exists()
    assert not RegistryRecord.objects.exists()
    assert out.splitlines()[-1] == "Dry run (nothing written): 1 created, 0 updated, 0 unchanged, 0 failed, 1 held back"


def test_unsafe_xml_is_refused_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "entities.xml"
    bad.write_text('<!DOCTYPE x [<!ENTITY a "aaaa">]><allTrials>&a;</allTrials>', encoding="utf-8")

    with pytest.raises(CommandError, match=r"^1 record\(s\) failed\.$"):
        import_files(bad)

    assert not Trial.objects.exists()


def test_a_derived_status_is_worked_out_again_as_its_dates_pass() -> None:
    trials = read_isrctn_xml(GEFAPIXANT.read_bytes(), "gefapixant.xml").trials
    isrctn_import(trials=trials, today=dt.date(2026, 10, 1))
    trial = Trial.objects.get(isrctn="ISRCTN38597726")
    assert trial.status == "open"
    assert "- Registry status: Not yet recruiting (worked out from the recruitment dates, from 2026-11-02)" in (
        trial.other_information
    )
    history = trial.history.count()

    report = isrctn_statuses_refresh(today=dt.date(2028, 2, 1))

    trial.refresh_from_db()
    assert trial.status == "closed"
    assert "- Registry status: No longer recruiting (worked out from the recruitment end date, 2028-01-03)" in (
        trial.other_information
    )
    assert not trial.sites.filter(recruiting=True).exists()
    assert trial.history.count() == history + 1
    assert report.notes == ["ISRCTN38597726: the status worked out from its dates is now No longer recruiting."]
    assert RegistryRecord.objects.get(registry=Registry.ISRCTN).status == "closed"
    assert isrctn_statuses_refresh(today=dt.date(2028, 2, 2)).updated == 0


def test_each_isrctn_sync_works_out_the_stored_statuses_again_before_asking_the_registry(
    registry: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    trials = read_isrctn_xml(GEFAPIXANT.read_bytes(), "gefapixant.xml").trials
    isrctn_import(trials=trials, today=dt.date(2026, 10, 1))
    monkeypatch.setattr("trials.importers.sync.timezone.localdate", lambda: dt.date(2028, 2, 1))
    registry.fail_always(unavailable())

    with pytest.raises(CommandError):
        run("sync_isrctn", registry)

    assert Trial.objects.get(isrctn="ISRCTN38597726").status == "closed"
