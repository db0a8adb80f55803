"""Import an uploaded file in the background: the task the admin's import page queues, and its progress.

A task worker (`manage.py db_worker`, started by `make run`) runs `trial_import_run`; each record is
committed in its own transaction and the `TrialImport` row is updated after each one, so a large file
never meets the web server's timeout, the progress page shows how far it has got, and a run that stops
half way keeps every record it finished. Tests use django-tasks' immediate backend: the task runs as
soon as it is queued.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from django_tasks import task
from simple_history.models import HistoricalRecords

from trials.importers.bundle import bundle_import_json
from trials.importers.ctgov.reading import StudyBatch, studies_from_json
from trials.importers.ctgov.running import ctgov_import
from trials.importers.report import ImportReport
from trials.registry.uploads import ImportKind, ImportState, TrialImport


def _report_fields(report: ImportReport) -> dict[str, Any]:
    return {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "failures": [str(failure) for failure in report.failures],
        "held_back": [str(held) for held in report.held_back],
        "notes": list(report.notes),
    }


@contextmanager
def _changes_recorded_as(user: User | None) -> Iterator[None]:
    """Record the history of what the import writes as the uploader's, as the admin's own edits are.

    django-simple-history takes the user from the request its middleware keeps; a task has no request.
    """
    missing = object()
    previous = getattr(HistoricalRecords.context, "request", missing)
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if previous is missing:
            del HistoricalRecords.context.request
        else:
            HistoricalRecords.context.request = previous


def trial_import_queue(
    *, kind: str, file_name: str, content: bytes, publish: bool, dry_run: bool, user: User | None
) -> TrialImport:
    """Store an uploaded file and queue its import; return the import, whose page shows the progress."""
    upload = TrialImport(
        kind=kind,
        file_name=file_name[:255],
        content=content,
        publish=publish,
        dry_run=dry_run,
        uploaded_by=user if user is not None and user.is_authenticated else None,
    )
    upload.full_clean()
    upload.save()
    trial_import_run.enqueue(upload.pk)
    upload.refresh_from_db()
    return upload


def _import(upload: TrialImport) -> ImportReport:
    content = bytes(upload.content)

    def progress(number: int, total: int, report: ImportReport) -> None:
        # A dry run's writes, these included, are rolled back: it reports once, at the end.
        if not upload.dry_run:
            TrialImport.objects.filter(pk=upload.pk).update(
                processed=number, total=total, progressed_at=timezone.now(), **_report_fields(report)
            )

    if upload.kind == ImportKind.BUNDLE:
        return bundle_import_json(
            source=upload.file_name,
            content=content,
            dry_run=upload.dry_run,
            published=True if upload.publish else None,
            on_record=progress,
        )
    batch = StudyBatch()
    studies_from_json(upload.file_name, content, batch)
    return ctgov_import(
        batch=batch,
        publish=upload.publish,
        dry_run=upload.dry_run,
        on_record=lambda _record, _outcome, number, total: progress(number, total, batch.report),
    )


@task()
def trial_import_run(import_id: int) -> None:
    """Import one uploaded file, record by record, keeping its `TrialImport` row up to date."""
    upload = TrialImport.objects.select_related("uploaded_by").get(pk=import_id)
    if upload.state != ImportState.QUEUED:
        return  # a task delivered twice imports the file once
    upload.state, upload.started_at = ImportState.RUNNING, timezone.now()
    upload.save(update_fields=["state", "started_at"])
    try:
        with _changes_recorded_as(upload.uploaded_by):
            report = _import(upload)
    except Exception as error:
        upload.refresh_from_db()
        upload.state, upload.finished_at = ImportState.STOPPED, timezone.now()
        upload.error = f"The import stopped after {upload.processed} records: {type(error).__name__}: {error}"
        upload.content = b""
        upload.save()
        raise
    upload.refresh_from_db()
    for name, value in _report_fields(report).items():
        setattr(upload, name, value)
    written = report.created + report.updated + report.unchanged
    upload.total = upload.processed = max(upload.total, written + report.failed)
    upload.state, upload.finished_at, upload.content = ImportState.FINISHED, timezone.now(), b""
    upload.save()
