"""Keep the registry current: one run of a registry sync, page by page, recorded as a `SyncRun`.

`sync_registry()` is what `sync_ctgov` and `sync_isrctn` run. It pages through the registry's API
(`ctgov.paging`, `isrctn.paging`) and stores each page as it comes, each record in its own
transaction through the same path as the file imports (`ctgov_import`, `isrctn_import`), so an
error keeps every page before it. The run's row is saved after each page.

- **Since.** Without `--since`, a run asks only for records updated since the last complete sync
  (`last_complete_sync`), less a day, because the registries date their updates in their own time
  zones (an overlap only re-reads records that are then unchanged); a first run asks for
  everything. A run is complete when it read the last page with no error and no failed record; one
  stopped by `--max-pages`, an error or a failed record does not move the mark, so the next run
  asks again from the same day (a failed record is asked for until it goes in). The mark belongs to
  the condition and country asked for, and only a run that started at or before it (or with no
  `--since`) moves it, so the days between never go unread.
- **Publishing.** Records are drafts unless `publish`, and a record none of whose conditions names
  a neuroendocrine neoplasm is never published: it is stored as a draft and listed as held back.
- **ISRCTN statuses** are worked out from dates, so each ISRCTN run first works every stored one out
  again as of today (`isrctn_statuses_refresh`), before and whatever the registry answers.
- **Dry run**: everything runs inside one transaction that is rolled back, and no run is recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from trials.importers.ctgov.paging import CTGOV_API_URL, StudyPage, iter_study_pages
from trials.importers.ctgov.reading import StudyBatch, StudyRecord
from trials.importers.ctgov.running import ctgov_import
from trials.importers.http import RegistryClient, RegistryError
from trials.importers.identity import OWN_FIELD
from trials.importers.isrctn.paging import ISRCTN_API_URL, IsrctnPage, iter_isrctn_pages
from trials.importers.isrctn.reading import IsrctnTrial
from trials.importers.isrctn.running import isrctn_import, isrctn_statuses_refresh
from trials.importers.report import ImportReport
from trials.registry.choices import Registry
from trials.registry.models import Trial
from trials.registry.services import WriteOutcome
from trials.registry.syncs import SyncRun

DEFAULT_BASE_URLS = {Registry.CTGOV: CTGOV_API_URL, Registry.ISRCTN: ISRCTN_API_URL}
# Registries date updates in their own time zones: ask again from the day before the mark.
SINCE_OVERLAP = dt.timedelta(days=1)


@dataclass(frozen=True)
class SyncOptions:
    """What a run asks the registry for, and what it does with the answer (the commands' options)."""

    registry: str
    base_url: str
    condition: str
    country: str | None
    since: dt.date | None = None  # None: from the last complete sync
    publish: bool = False
    dry_run: bool = False
    max_pages: int | None = None

    def parameters(self) -> dict[str, Any]:
        values = asdict(self)
        del values["registry"]
        values["since"] = self.since.isoformat() if self.since else None
        return values


@dataclass(frozen=True)
class PageDone:
    """One page stored: what it held and what became of it."""

    number: int
    url: str
    records: int
    report: ImportReport
    is_last: bool
    created: tuple[str, ...] = ()  # The registry numbers of the trials it created.
    changes: tuple[str, ...] = ()  # "created NCT01234567", "updated page 1 studies[3] (NCT...)": what changed.
    total: int | None = None  # How many records match, when the registry says (ClinicalTrials.gov's first page).


@dataclass
class SyncResult:
    run: SyncRun
    report: ImportReport = field(default_factory=ImportReport)


def registry_client(base_url: str) -> RegistryClient:
    """The client of a run (tests replace it with one that records its sleeps instead of sleeping)."""
    return RegistryClient(base_url)


def last_complete_sync(*, registry: str, condition: str, country: str | None) -> dt.date | None:
    """The day the last complete run of this query started, over runs that left no days unread; None: none."""
    runs = SyncRun.objects.filter(
        registry=registry, complete=True, parameters__condition=condition, parameters__country=country
    ).order_by("started_at", "pk")
    mark: dt.date | None = None
    for started, since in runs.values_list("started_at", "since"):
        if since is None or (mark is not None and since <= mark):
            mark = started.astimezone(dt.UTC).date()
    return mark


def _store_ctgov_page(page: StudyPage, options: SyncOptions, today: dt.date) -> PageDone:
    report = ImportReport()
    created: list[str] = []

    changes: list[str] = []

    def note(record: StudyRecord, outcome: str, number: int, total: int) -> None:
        if outcome == WriteOutcome.CREATED:
            created.append(record.nct)
        if outcome in (WriteOutcome.CREATED, WriteOutcome.UPDATED):
            changes.append(f"{outcome} {record.source} {record.label}")

    for position, study in enumerate(page.studies):
        record = StudyRecord(f"page {page.number}", f"studies[{position}]", study)
        # One study per batch: each keeps its place (the import holds back a study that is not a NET's).
        ctgov_import(
            batch=StudyBatch(records=[record], report=report), publish=options.publish, today=today, on_record=note
        )
    return PageDone(
        page.number, page.url, len(page.studies), report, page.is_last, tuple(created), tuple(changes), page.total_count
    )


def _store_isrctn_page(page: IsrctnPage, options: SyncOptions, today: dt.date) -> PageDone:
    report = ImportReport(notes=list(page.document.problems))
    created: list[str] = []

    changes: list[str] = []

    def note(trial: IsrctnTrial, outcome: str) -> None:
        if outcome == WriteOutcome.CREATED:
            created.append(trial.isrctn)
        if outcome in (WriteOutcome.CREATED, WriteOutcome.UPDATED):
            changes.append(f"{outcome} {trial.isrctn}: {trial.title or trial.scientific_title}")

    isrctn_import(trials=page.trials, publish=options.publish, today=today, report=report, on_record=note)
    return PageDone(page.number, page.url, len(page.trials), report, page.is_last, tuple(created), tuple(changes))


def _pages(client: RegistryClient, options: SyncOptions, since: dt.date | None, today: dt.date) -> Iterator[PageDone]:
    """Each page of the registry's answer, stored as it comes."""
    query: dict[str, Any] = {
        "condition": options.condition,
        "country": options.country,
        "since": since,
        "max_pages": options.max_pages,
    }
    if options.registry == Registry.CTGOV:
        for page in iter_study_pages(client, **query):
            yield _store_ctgov_page(page, options, today)
    else:
        for isrctn_page in iter_isrctn_pages(client, **query):
            yield _store_isrctn_page(isrctn_page, options, today)


def _add(total: ImportReport, page: ImportReport) -> None:
    total.created += page.created
    total.updated += page.updated
    total.unchanged += page.unchanged
    total.failures += page.failures
    total.held_back += page.held_back
    total.notes += page.notes


def _record(run: SyncRun, report: ImportReport, *, pages: int) -> None:
    run.pages = pages
    run.created, run.updated, run.unchanged = report.created, report.updated, report.unchanged
    run.failed, run.failures = report.failed, [str(f) for f in report.failures]
    run.held_back, run.held_back_reasons = len(report.held_back), [str(h) for h in report.held_back]
    run.notes = list(report.notes)


def sync_registry(
    options: SyncOptions,
    *,
    today: dt.date | None = None,
    on_page: Callable[[PageDone], None] | None = None,
) -> SyncResult:
    """Run one sync (see the module docstring); a registry error ends it and is in `run.error`."""
    today = today or timezone.localdate()
    mark = last_complete_sync(registry=options.registry, condition=options.condition, country=options.country)
    since = options.since if options.since is not None else (mark - SINCE_OVERLAP if mark else None)
    run = SyncRun(registry=options.registry, parameters=options.parameters(), since=since)
    if not options.dry_run:
        run.save()
    result = SyncResult(run)
    reached_last = False
    with transaction.atomic() if options.dry_run else nullcontext():
        if options.registry == Registry.ISRCTN:
            isrctn_statuses_refresh(today=today, report=result.report)
        try:
            with registry_client(options.base_url) as client:
                for done in _pages(client, options, since, today):
                    _add(result.report, done.report)
                    _record(run, result.report, pages=done.number)
                    if not options.dry_run:
                        run.save()
                        own = {OWN_FIELD[Registry(options.registry)] + "__in": done.created}
                        run.created_trials.add(*Trial.objects.filter(**own))
                    if on_page is not None:
                        on_page(done)
                    reached_last = done.is_last
        except RegistryError as error:
            run.error = str(error)
        if options.dry_run:
            transaction.set_rollback(True)
    _record(run, result.report, pages=run.pages)
    run.finished_at = max(timezone.now(), run.started_at)
    run.complete = reached_last and not run.error and not result.report.failed and not options.dry_run
    if not options.dry_run:
        run.save()
    return result
