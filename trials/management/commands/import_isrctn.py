"""Import ISRCTN XML files (an API answer or a record file, or folders of them) as trials."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from trials.importers.isrctn.reading import IsrctnTrial, IsrctnXmlInvalid, read_isrctn_xml
from trials.importers.isrctn.running import isrctn_import
from trials.importers.report import ImportReport
from trials.management.commands._sync import write_outcome


def xml_files(paths: list[Path]) -> list[tuple[str, Path]]:
    """Expand folders (recursively, *.xml, sorted) into (name to report, path) pairs."""
    files: list[tuple[str, Path]] = []
    for path in paths:
        if path.is_dir():
            files += [(str(p.relative_to(path.parent)), p) for p in sorted(path.rglob("*.xml")) if p.is_file()]
        else:
            files.append((str(path), path))
    return files


class Command(BaseCommand):
    help = (
        "Import trials from ISRCTN XML. Re-importing updates trials in place (matched by any number they share: "
        "ISRCTN, NCT, EudraCT, IRAS); imported trials are drafts unless --publish (only NET trials ever are)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="XML files or folders (searched for *.xml).")
        parser.add_argument("--publish", action="store_true", help="Publish the imported trials.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report, but write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"No such file or folder: {', '.join(missing)}")
        report = ImportReport()
        trials: list[IsrctnTrial] = []
        for name, path in xml_files(paths):
            try:
                document = read_isrctn_xml(path.read_bytes(), name)
            except OSError as error:
                report.fail(name, "file", f"cannot be read ({error.strerror or error}).")
                continue
            except IsrctnXmlInvalid as error:
                report.fail(name, "file", error.reason)
                continue
            report.notes += document.problems
            trials += document.trials
        on_terminal = self.stdout.isatty()
        bar = tqdm(total=len(trials), unit="trial", file=sys.stderr) if on_terminal else None
        numbers = iter(range(1, len(trials) + 1))

        def progress(trial: IsrctnTrial, outcome: str) -> None:
            if bar is not None:
                bar.update(1)
            else:
                self.stdout.write(f"[{next(numbers)}/{len(trials)}] {trial.source}: {outcome}")

        try:
            isrctn_import(
                trials=trials,
                publish=options["publish"],
                dry_run=options["dry_run"],
                today=timezone.localdate(),
                report=report,
                on_record=progress,
            )
        finally:
            if bar is not None:
                bar.close()
        write_outcome(self, report, dry_run=options["dry_run"])
        if report.failed:
            raise CommandError(f"{report.failed} record(s) failed.")
