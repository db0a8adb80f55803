"""Recompute every trial's derived fields (search text, tumour-type coverage, intervention arrays)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from trials.registry.models import Trial
from trials.registry.services import trial_refresh_derived


class Command(BaseCommand):
    help = "Rebuild the search text and filter arrays every trial copies from its related rows."

    def handle(self, *args: Any, **options: Any) -> None:
        trials = Trial.objects.prefetch_related("tumour_types").iterator(chunk_size=500)
        changed = trial_refresh_derived(trials=trials)
        self.stdout.write(f"{changed} trial(s) refreshed.")
