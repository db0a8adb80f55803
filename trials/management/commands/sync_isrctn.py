"""Sync NET trials from the ISRCTN API, window by window of the last-edited date; see docs/registry-sync.md."""

from __future__ import annotations

from trials.importers.isrctn.paging import DEFAULT_CONDITION
from trials.management.commands._sync import SyncCommand
from trials.registry.choices import Registry


class Command(SyncCommand):
    help = (
        "Fetch the trials ISRCTN has edited since the last complete sync (all on a first run), store each as a "
        "trial (drafts unless --publish; only NET trials are ever published), and work out every stored ISRCTN "
        "status again as of today."
    )
    registry = Registry.ISRCTN
    default_condition = DEFAULT_CONDITION
