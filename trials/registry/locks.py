"""Fields an admin has edited are kept from registry syncs: `Trial.locked_fields`.

A sync owns the registry's fields of a trial (titles, status, criteria, sites, ...) and overwrites them
with what the registry says. When an admin changes one of them in the admin, its record name is added
to `locked_fields`, and every registry's merge keeps the stored value (`keep_locked`) until an admin
removes it from the list. Names are the trial record's (`TrialData`: `nct`, `locations`,
`cancer_types`), since the merges work on records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import fields, replace

from django.db import transaction

from trials.record.data import TrialData
from trials.registry.models import Trial

ADMIN_SOURCE = "admin"

# Every record field a registry sync may write, so every field an admin edit can lock.
LOCKABLE = frozenset(
    {
        "nct",
        "isrctn",
        "eudract",
        "iras",
        "title",
        "acronym",
        "official_title",
        "status",
        "phase",
        "trial_type",
        "summary",
        "more_about",
        "cancer_types",
        "interventions",
        "criteria",
        "min_age",
        "max_age",
        "sexes",
        "locations",
        "supported_by",
        "contacts",
        "chief_investigator",
        "recruitment_start",
        "recruitment_end",
        "registry_conditions",
        "registry_countries",
        "registry_last_updated",
        "other_information",
        "source",
        "source_url",
        "published",
    }
)
# Model (and admin form) field names that differ from the record's.
RECORD_NAMES = {
    "nct_id": "nct",
    "tumour_types": "cancer_types",
    "recruitment_start_precision": "recruitment_start",
    "recruitment_end_precision": "recruitment_end",
    "sites": "locations",
    "trial_interventions": "interventions",
}
_RECORD_FIELDS = frozenset(f.name for f in fields(TrialData))
assert LOCKABLE <= _RECORD_FIELDS, LOCKABLE - _RECORD_FIELDS


def fields_to_lock(changed: Iterable[str]) -> set[str]:
    """The record names of the registry fields among changed model fields (or related names)."""
    return {name for field in changed if (name := RECORD_NAMES.get(field, field)) in LOCKABLE}


def keep_locked(data: TrialData, stored: TrialData | None, locked: Iterable[str]) -> TrialData:
    """`data` with every locked field as stored (a new trial has nothing locked)."""
    if stored is None:
        return data
    kept = {name: getattr(stored, name) for name in locked if name in _RECORD_FIELDS}
    return replace(data, **kept) if kept else data


@transaction.atomic
def trial_lock_fields(*, trial: Trial, fields: Iterable[str], today: dt.date) -> list[str]:
    """Lock the registry fields among those an admin has changed; return the ones newly locked.

    A status an admin sets is confirmed by the admin, today. Written with update(): the admin's edit
    itself is already in the trial's history.
    """
    changed = fields_to_lock(fields)
    new = sorted(changed - set(trial.locked_fields))
    values: dict[str, object] = {}
    if new:
        values["locked_fields"] = sorted({*trial.locked_fields, *new})
    if "status" in changed:
        values.update(status_source=ADMIN_SOURCE, status_confirmed=today)
    if values:
        Trial.objects.filter(pk=trial.pk).update(**values)
        for name, value in values.items():
            setattr(trial, name, value)
    return new
