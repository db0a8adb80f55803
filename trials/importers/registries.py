"""Write a registry's record of a trial: the path every registry import ends in (ClinicalTrials.gov and ISRCTN).

Each registry's merge builds the trial's new `TrialData`; `registry_trial_save()` then

1. keeps the fields an admin has edited (`Trial.locked_fields`, `trials.registry.locks`);
2. settles the status between registries: each registry's status is kept (`RegistryRecord`), and
   the one whose record was updated most recently wins (a tie goes to ClinicalTrials.gov, so the
   outcome never depends on which sync ran last); `status_confirmed` and `status_source` say whose
   status the page shows and from when. A `results` status is not turned back into `closed`, and a
   status an admin set (locked) stays;
3. writes nothing when the trial already equals the record (the "imported on" date in `source`
   alone is no change), so a re-run adds no history rows; otherwise validates the record exactly
   as an imported trial record is validated and writes it through `trial_upsert()`;
4. proposes rules for the trial's criteria (`trials.review.services.trial_suggestions_refresh`),
   stored for an admin's review: none counts in a verdict until accepted.

Which registry owns which field when both describe one trial: ClinicalTrials.gov's record, the more
structured one, owns every registry field once the trial has one (`has_ctgov_record`). ISRCTN then
adds only its own number, the numbers the trial lacks (IRAS, EudraCT), tumour types its conditions
name, and its status for the arbitration. A field ClinicalTrials.gov never gives (IRAS) is never
taken from it. Before ClinicalTrials.gov's merge, ISRCTN's block of `other_information` is dropped,
so the two blocks never mix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from trials.importers.ctgov.mapping import MappedStudy
from trials.importers.ctgov.reading import dig
from trials.importers.identity import Identifiers
from trials.importers.isrctn.mapping import INFO_HEADING as ISRCTN_HEADING
from trials.record.data import PartialDate, TrialData
from trials.record.parsing import parse_trial
from trials.record.writing import data_to_record
from trials.registry.choices import Registry, Status
from trials.registry.locks import ADMIN_SOURCE, keep_locked
from trials.registry.models import Trial
from trials.registry.services import SaveResult, WriteOutcome, trial_upsert
from trials.registry.syncs import RegistryRecord
from trials.review.services import trial_suggestions_refresh


@dataclass(frozen=True)
class RegistryStatusData:
    """What one registry's record says of the trial's status, and of when."""

    registry: str
    identifier: str
    status: str = ""  # "" when the record gives none
    words: str = ""
    confirmed: dt.date | None = None
    updated: dt.date | None = None
    inputs: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, record: RegistryRecord) -> RegistryStatusData:
        return cls(
            registry=record.registry,
            identifier=record.identifier,
            status=record.status,
            words=record.status_words,
            confirmed=record.confirmed,
            updated=record.updated,
            inputs=record.status_inputs,
        )


def ctgov_identifiers(mapped: MappedStudy) -> Identifiers:
    return Identifiers(
        registry=Registry.CTGOV,
        nct=mapped.nct,
        isrctn=str(mapped.facts.get("isrctn", "")),
        eudract=str(mapped.facts.get("eudract", "")),
    )


def ctgov_status(mapped: MappedStudy, study: Any) -> RegistryStatusData:
    """The study's status as ours (with results when it has them and is not open) and its dates.

    Confirmed: the registry's `statusVerifiedDate` (a month) when given, else its last update.
    """
    status = str(mapped.facts.get("status", ""))
    if status and status != Status.OPEN and mapped.has_results:
        status = Status.RESULTS
    updated = mapped.facts.get("registry_last_updated")
    verified = dig(study, "protocolSection", "statusModule", "statusVerifiedDate")
    confirmed = updated
    if isinstance(verified, str):
        try:
            confirmed = PartialDate.parse(verified.strip()).date
        except ValueError:
            confirmed = updated
    return RegistryStatusData(
        registry=Registry.CTGOV,
        identifier=mapped.nct,
        status=status,
        words=mapped.info.get("Registry status", ""),
        confirmed=confirmed,
        updated=updated,
    )


def without_block(text: str, heading: str) -> str:
    """`other_information` without a registry's block: its heading line and the "- " lines under it."""
    kept: list[str] = []
    inside = False
    for line in text.splitlines():
        if line.strip() == heading:
            inside = True
            continue
        if inside and line.startswith("- "):
            continue
        inside = False
        kept.append(line)
    paragraphs = "\n".join(kept).split("\n\n")
    return "\n\n".join(p.strip("\n") for p in paragraphs if p.strip())


def for_ctgov_merge(stored: TrialData | None) -> TrialData | None:
    """The stored trial as ClinicalTrials.gov's merge should see it: without ISRCTN's information lines."""
    if stored is None or ISRCTN_HEADING not in stored.other_information:
        return stored
    return replace(stored, other_information=without_block(stored.other_information, ISRCTN_HEADING))


def has_ctgov_record(trial: Trial | None) -> bool:
    """Whether ClinicalTrials.gov's record of the trial has been imported (it then owns the registry fields)."""
    return trial is not None and trial.registry_records.filter(registry=Registry.CTGOV).exists()


def _newest(statuses: list[RegistryStatusData]) -> RegistryStatusData | None:
    given = [s for s in statuses if s.status]
    if not given:
        return None
    return max(given, key=lambda s: (s.updated or dt.date.min, s.registry == Registry.CTGOV))


def settle_status(
    data: TrialData, *, trial: Trial | None, stored: TrialData | None, claim: RegistryStatusData
) -> tuple[TrialData, RegistryStatusData | None]:
    """The record with the winning registry's status, and the winner (None: no registry gives one, or locked)."""
    if trial is not None and "status" in trial.locked_fields:
        return data, None
    others = [RegistryStatusData.of(r) for r in trial.registry_records.all()] if trial is not None else []
    winner = _newest([claim, *(o for o in others if o.registry != claim.registry)])
    if winner is None:
        return data, None
    status = winner.status
    if stored is not None and stored.status == Status.RESULTS and status == Status.CLOSED:
        status = Status.RESULTS  # A trial an admin or a registry marked as having results stays so.
    return replace(data, status=status), winner


@transaction.atomic
def registry_trial_save(
    *, trial: Trial | None, stored: TrialData | None, data: TrialData, claim: RegistryStatusData
) -> SaveResult[Trial]:
    """Write one registry's merged record of a trial (see the module docstring); raise ValidationError if invalid."""
    if trial is not None:
        data = keep_locked(data, stored, trial.locked_fields)
    data, winner = settle_status(data, trial=trial, stored=stored, claim=claim)
    if trial is not None and replace(data, source=trial.source) == stored:
        result = SaveResult(trial, WriteOutcome.UNCHANGED)
    else:
        if trial is None and Trial.objects.filter(slug=data.slug).exists():
            raise ValidationError({"slug": f"{data.slug!r} is the slug of another trial (with none of its numbers)."})
        # Validate the merged record exactly as an imported trial record is validated.
        result = trial_upsert(data=parse_trial(data_to_record(data)), trial=trial)
    registry_record_save(trial=result.obj, claim=claim)
    if winner is not None and not _admin_confirmed_since(result.obj, stored, data, winner):
        trial_status_provenance_save(
            trial=result.obj, confirmed=winner.confirmed, source=Registry(winner.registry).label
        )
    # Rules proposed from the registry's criteria wait for an admin's review: they count once accepted.
    trial_suggestions_refresh(trial=result.obj)
    return result


def _admin_confirmed_since(trial: Trial, stored: TrialData | None, data: TrialData, winner: RegistryStatusData) -> bool:
    """Whether an admin confirmed the same status after the registry last did: the newer confirmation stays."""
    return (
        stored is not None
        and stored.status == data.status
        and trial.status_source == ADMIN_SOURCE
        and trial.status_confirmed is not None
        and (winner.confirmed is None or trial.status_confirmed > winner.confirmed)
    )


def registry_record_save(*, trial: Trial, claim: RegistryStatusData) -> None:
    """Keep what this registry says of the trial; write nothing when it says what it said before."""
    values = {
        "identifier": claim.identifier,
        "status": claim.status,
        "status_words": claim.words[:300],
        "confirmed": claim.confirmed,
        "updated": claim.updated,
        "status_inputs": dict(claim.inputs),
    }
    # A number that moved to this trial (an admin corrected the other one) describes this trial now.
    RegistryRecord.objects.filter(registry=claim.registry, identifier=claim.identifier).exclude(trial=trial).delete()
    record = RegistryRecord.objects.filter(trial=trial, registry=claim.registry).first()
    if record is not None and all(getattr(record, name) == value for name, value in values.items()):
        return
    record = record or RegistryRecord(trial=trial, registry=claim.registry)
    for name, value in values.items():
        setattr(record, name, value)
    record.full_clean()
    record.save()


def trial_status_provenance_save(*, trial: Trial, confirmed: dt.date | None, source: str) -> None:
    """Say whose status the trial shows and since when, with update(): it follows from the registry records."""
    if (trial.status_confirmed, trial.status_source) == (confirmed, source):
        return
    Trial.objects.filter(pk=trial.pk).update(status_confirmed=confirmed, status_source=source)
    trial.status_confirmed, trial.status_source = confirmed, source
