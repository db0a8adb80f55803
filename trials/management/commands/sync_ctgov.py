"""Sync NET trials from the ClinicalTrials.gov API v2 (`/studies`), page by page; see docs/registry-sync.md."""

from __future__ import annotations

from trials.importers.ctgov.paging import DEFAULT_CONDITION
from trials.management.commands._sync import SyncCommand
from trials.registry.choices import Registry


class Command(SyncCommand):
    help = (
        "Fetch the studies ClinicalTrials.gov has updated since the last complete sync (all on a first run) and "
        "store each as a trial (drafts unless --publish; only NET studies are ever published)."
    )
    registry = Registry.CTGOV
    default_condition = DEFAULT_CONDITION
