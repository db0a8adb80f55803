"""Load (or refresh) the NET trials the site starts with, from trials/data/net_trials.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trials.importers.bundle import bundle_import

SEED_FILE = Path(__file__).resolve().parents[2] / "data" / "net_trials.json"


class Command(BaseCommand):
    help = "Load the seeded NET trials. Safe to run again: unchanged records are left alone."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=SEED_FILE, help="Bundle to load (default: the seed).")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            bundle = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        report = bundle_import(bundle=bundle, source=path.name)
        for failure in report.failures:
            self.stderr.write(str(failure))
        self.stdout.write(f"NET trials: {report.summary()}.")
        if report.failed:
            raise CommandError(f"{report.failed} record(s) in {path.name} could not be loaded.")
