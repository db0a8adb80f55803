"""Import a TrialSearch bundle (an `export_trials` file): trials are created or updated by slug."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trials.importers.bundle import bundle_import_json
from trials.management.commands.import_ctgov import write_report


class Command(BaseCommand):
    help = "Import trials from a TrialSearch export. Each record is its own transaction; failures are listed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="A bundle written by export_trials.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report, but write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}") from error
        report = bundle_import_json(source=path.name, content=content, dry_run=options["dry_run"])
        write_report(self, report, dry_run=options["dry_run"])
