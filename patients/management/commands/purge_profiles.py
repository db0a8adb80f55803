"""manage.py purge_profiles [--days N]: delete profiles nobody has changed for N days, with their history.

The retention period defaults to the PROFILE_RETENTION_DAYS setting (docs/security.md). Run it daily
from cron; it prints how many profiles it deleted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from patients.services import patient_profiles_purge


class Command(BaseCommand):
    help = "Delete patient profiles untouched for --days days (default PROFILE_RETENTION_DAYS), and their history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Retention period in days (at least 1).")

    def handle(self, *args: Any, **options: Any) -> None:
        days: int = options["days"] if options["days"] is not None else settings.PROFILE_RETENTION_DAYS
        if days < 1:
            raise CommandError("--days must be at least 1.")
        deleted = patient_profiles_purge(untouched_for=dt.timedelta(days=days))
        self.stdout.write(f"Deleted {deleted} profile(s) untouched for {days} days, with their history.")
