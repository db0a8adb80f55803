"""Import ClinicalTrials.gov API v2 JSON files (a study, a /studies page, a list, or folders of them)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from trials.importers.ctgov.reading import StudyRecord, read_paths
from trials.importers.ctgov.running import ctgov_import
from trials.importers.report import ImportReport


def write_report(command: BaseCommand, report: ImportReport, *, dry_run: bool) -> None:
    """Print every note, record held back and failure, then the summary line; fail if any record failed."""
    for note in report.notes:
        command.stdout.write(note)
    for held in report.held_back:
        command.stdout.write(f"Held back as a draft: {held}")
    for failure in report.failures:
        command.stderr.write(str(failure))
    prefix = "Dry run (nothing written): " if dry_run else ""
    command.stdout.write(f"{prefix}{report.summary()}")
    if report.failed:
        raise CommandError(f"{report.failed} record(s) failed.")


class Command(BaseCommand):
    help = (
        "Import trials from ClinicalTrials.gov API v2 JSON. Re-importing updates trials in place (matched by "
        "NCT id); imported trials are drafts unless --publish (only NET studies ever are)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="JSON files or folders (searched for *.json).")
        parser.add_argument("--dry-run", action="store_true", help="Check and report, but write nothing.")
        parser.add_argument("--publish", action="store_true", help="Publish the imported NET trials.")

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"No such file or folder: {', '.join(missing)}")
        batch = read_paths(paths)
        bar: tqdm[Any] | None = None
        on_terminal = self.stdout.isatty()

        def progress(record: StudyRecord, outcome: str, number: int, total: int) -> None:
            nonlocal bar
            if on_terminal:
                if bar is None:
                    bar = tqdm(total=total, unit="study", file=sys.stderr)
                bar.update(1)
            else:
                self.stdout.write(f"[{number}/{total}] {record.source} {record.label}: {outcome}")

        try:
            report = ctgov_import(
                batch=batch, publish=options["publish"], dry_run=options["dry_run"], on_record=progress
            )
        finally:
            if bar is not None:
                bar.close()
        write_report(self, report, dry_run=options["dry_run"])
