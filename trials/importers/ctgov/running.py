"""Run an import: each study of a batch mapped, merged and written in its own transaction, with a report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from trials.importers.bundle import describe
from trials.importers.ctgov.mapping import map_study
from trials.importers.ctgov.merging import build_trial_data
from trials.importers.ctgov.reading import StudyBatch, StudyRecord, combine_copies
from trials.importers.identity import trial_for_identifiers
from trials.importers.registries import ctgov_identifiers, ctgov_status, for_ctgov_merge, registry_trial_save
from trials.importers.report import ImportReport
from trials.record.parsing import RecordInvalid
from trials.record.writing import trial_to_data
from trials.registry.models import Trial
from trials.registry.services import SaveResult


@transaction.atomic
def ctgov_study_import(*, study: Any, publish: bool = False, today: dt.date | None = None) -> SaveResult[Trial]:
    """Create or update the trial of one ClinicalTrials.gov study (matched by any number it shares)."""
    mapped = map_study(study)
    trial = trial_for_identifiers(ctgov_identifiers(mapped))
    stored = trial_to_data(trial) if trial is not None else None
    data = build_trial_data(mapped, for_ctgov_merge(stored), publish=publish, today=today or timezone.localdate())
    # Admin edits, the status between registries, "unchanged", validation and the write: trials.importers.registries.
    return registry_trial_save(trial=trial, stored=stored, data=data, claim=ctgov_status(mapped, study))


def ctgov_import(
    *,
    batch: StudyBatch,
    publish: bool = False,
    dry_run: bool = False,
    today: dt.date | None = None,
    on_record: Callable[[StudyRecord, str, int, int], None] | None = None,
) -> ImportReport:
    """Import every study of the batch, each in its own transaction; with `dry_run`, write nothing.

    A study none of whose terms names a NET/NEC is stored as a draft and listed as held back, with why.

    `on_record(record, outcome, number, total)` is called after each study (for progress). Only a dry
    run holds one outer transaction (rolled back at the end): otherwise each study is committed as it
    goes, so a run stopped half way keeps every study it finished.
    """
    report = batch.report
    records = combine_copies(batch.records)
    with transaction.atomic() if dry_run else nullcontext():
        for number, record in enumerate(records, start=1):
            if record.copies:
                report.note(f"{record.source} {record.label} also appears as {', '.join(record.copies)}; combined.")
            try:
                with transaction.atomic():
                    result = ctgov_study_import(study=record.study, publish=publish, today=today)
            except (RecordInvalid, ValidationError, DatabaseError) as error:
                report.fail(record.source, record.label, describe(error))
                outcome = "failed"
            else:
                report.count(result.outcome)
                if result.obj.draft_reason:
                    report.hold_back(record.source, record.label, result.obj.draft_reason)
                outcome = result.outcome.value
            if on_record is not None:
                on_record(record, outcome, number, len(records))
        if dry_run:
            transaction.set_rollback(True)
    return report
