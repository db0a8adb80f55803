"""Write ISRCTN trials: each trial mapped, merged and written in its own transaction, with a report.

`isrctn_trial_import()` is the path of one trial (the files of `import_isrctn` and the pages of
`sync_isrctn` alike): matched to a stored trial by any number it shares (`identity`), merged
(`merging`) and written by `registries.registry_trial_save()`, which keeps admin edits and settles
the status between registries.

ISRCTN gives no status, so the one the site shows is worked out from the recruitment dates, and
it goes stale as those dates pass with no edit in the registry, which an incremental sync (by last
edit) never sees. What it is worked out from is kept (`RegistryRecord.status_inputs`), and
`isrctn_statuses_refresh()` works every stored one out again, as of today, at each sync.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from trials.importers.bundle import describe
from trials.importers.identity import Identifiers, trial_for_identifiers
from trials.importers.isrctn.mapping import INFO_HEADING, IsrctnMappingError, derive_status, map_isrctn_trial
from trials.importers.isrctn.merging import build_isrctn_trial_data, trial_status
from trials.importers.isrctn.reading import IsrctnTrial
from trials.importers.registries import RegistryStatusData, has_ctgov_record, registry_trial_save
from trials.importers.report import ImportReport
from trials.record.data import TrialData
from trials.record.parsing import RecordInvalid
from trials.record.writing import trial_to_data
from trials.registry.choices import Registry, Status
from trials.registry.models import Trial
from trials.registry.services import SaveResult, WriteOutcome
from trials.registry.syncs import RegistryRecord

# What `derive_status` reads from a record: kept so that the status can be worked out again.
STATUS_TEXTS = ("overall_status_override", "recruitment_status_override", "recruitment_start_status_override")
STATUS_DATES = ("recruitment_start", "recruitment_end", "overall_end")
STATUS_LABEL = "- Registry status: "


@dataclass(frozen=True)
class IsrctnResult:
    saved: SaveResult[Trial]
    held_back: str = ""


def status_inputs(trial: IsrctnTrial, *, has_results: bool) -> dict[str, Any]:
    inputs: dict[str, Any] = {name: getattr(trial, name) for name in STATUS_TEXTS if getattr(trial, name)}
    for name in STATUS_DATES:
        if (value := getattr(trial, name)) is not None:
            inputs[name] = value.isoformat()
    if has_results:
        inputs["has_results"] = True
    return inputs


def _from_inputs(isrctn: str, inputs: dict[str, Any]) -> IsrctnTrial:
    dates = {name: dt.date.fromisoformat(inputs[name]) for name in STATUS_DATES if inputs.get(name)}
    texts = {name: str(inputs[name]) for name in STATUS_TEXTS if inputs.get(name)}
    return IsrctnTrial(source=isrctn, isrctn=isrctn, **texts, **dates)  # type: ignore[arg-type]


@transaction.atomic
def isrctn_trial_import(*, trial: IsrctnTrial, publish: bool = False, today: dt.date) -> IsrctnResult:
    """Create or update the trial of one ISRCTN record (matched by any number it shares)."""
    mapped = map_isrctn_trial(trial, today=today)
    identifiers = Identifiers(
        registry=Registry.ISRCTN, nct=mapped.nct, isrctn=mapped.isrctn, eudract=mapped.eudract, iras=mapped.iras
    )
    stored_trial = trial_for_identifiers(identifiers)
    stored = trial_to_data(stored_trial) if stored_trial is not None else None
    merge = build_isrctn_trial_data(
        mapped, stored, ctgov_owns=has_ctgov_record(stored_trial), publish=publish, today=today
    )
    claim = RegistryStatusData(
        registry=Registry.ISRCTN,
        identifier=mapped.isrctn,
        status=trial_status(mapped),
        words=mapped.status.words,
        # When the registrant last confirmed the record: never the day the status was worked out,
        # which would show a status derived from old dates as confirmed today.
        confirmed=mapped.registry_last_updated,
        updated=mapped.registry_last_updated,
        inputs=status_inputs(trial, has_results=mapped.has_results),
    )
    saved = registry_trial_save(trial=stored_trial, stored=stored, data=merge.data, claim=claim)
    return IsrctnResult(saved, merge.held_back)


def isrctn_import(
    *,
    trials: Iterable[IsrctnTrial],
    publish: bool = False,
    dry_run: bool = False,
    today: dt.date,
    report: ImportReport | None = None,
    on_record: Callable[[IsrctnTrial, str], None] | None = None,
) -> ImportReport:
    """Import every trial, each in its own transaction; with `dry_run`, write nothing.

    `on_record(trial, outcome)` is called after each trial (for progress).
    """
    report = report if report is not None else ImportReport()
    with transaction.atomic():
        for trial in trials:
            source, position = trial.source.rsplit(" (", 1)[0], trial.isrctn
            try:
                with transaction.atomic():
                    result = isrctn_trial_import(trial=trial, publish=publish, today=today)
            except (IsrctnMappingError, RecordInvalid, ValidationError, DatabaseError) as error:
                report.fail(source, position, describe(error))
                outcome = "failed"
            else:
                report.count(result.saved.outcome)
                if result.held_back:
                    report.hold_back(source, position, result.held_back)
                outcome = result.saved.outcome.value
            if on_record is not None:
                on_record(trial, outcome)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _with_status_line(text: str, line: str) -> str:
    """`other_information` with the status line of ISRCTN's block replaced."""
    lines = text.splitlines()
    inside = False
    for number, current in enumerate(lines):
        if current.strip() == INFO_HEADING:
            inside = True
        elif inside and current.startswith(STATUS_LABEL):
            lines[number] = STATUS_LABEL + line
            break
        elif not current.startswith("- "):
            inside = False
    return "\n".join(lines)


def _rederived(record: RegistryRecord, today: dt.date) -> tuple[RegistryStatusData, str] | None:
    """The record's status worked out again as of today, with its information line; None when unchanged."""
    inputs = dict(record.status_inputs)
    status = derive_status(_from_inputs(record.identifier, inputs), today=today)
    ours = Status.RESULTS if inputs.get("has_results") and status.status != Status.OPEN else status.status
    if (ours, status.words) == (record.status, record.status_words):
        return None
    return replace(RegistryStatusData.of(record), status=ours, words=status.words), status.line


@transaction.atomic
def isrctn_statuses_refresh(*, today: dt.date, report: ImportReport | None = None) -> ImportReport:
    """Work out every stored ISRCTN status again as of today, and write the trials whose status changed."""
    report = report if report is not None else ImportReport()
    records = RegistryRecord.objects.filter(registry=Registry.ISRCTN).exclude(status_inputs={}).order_by("pk")
    for record in records:
        rederived = _rederived(record, today)
        if rederived is None:
            continue
        claim, line = rederived
        trial = Trial.objects.for_detail().get(pk=record.trial_id)
        stored = trial_to_data(trial)
        data: TrialData = stored
        if not has_ctgov_record(trial):
            # ISRCTN owns the trial: its status line and its sites' recruiting follow the new status.
            data = replace(
                stored,
                other_information=_with_status_line(stored.other_information, line),
                locations=tuple(replace(loc, recruiting=claim.status == Status.OPEN) for loc in stored.locations),
            )
        try:
            with transaction.atomic():
                result = registry_trial_save(trial=trial, stored=stored, data=data, claim=claim)
        except (RecordInvalid, ValidationError, DatabaseError) as error:
            report.fail("ISRCTN status", record.identifier, describe(error))
            continue
        if result.outcome is WriteOutcome.UPDATED:
            report.updated += 1
            report.note(f"{record.identifier}: the status worked out from its dates is now {claim.words}.")
    return report
