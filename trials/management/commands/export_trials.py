"""Export trials as a TrialSearch bundle (docs/trial-record.md) that `import_trials` reads back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trials.importers.bundle import bundle_dumps, bundle_export
from trials.registry.models import Trial


class Command(BaseCommand):
    help = "Export the published trials (all with --all) and the vocabulary they use as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="File to write (default: standard output).")
        parser.add_argument("--all", action="store_true", help="Export draft trials too.")

    def handle(self, *args: Any, **options: Any) -> None:
        trials = Trial.objects.for_detail()
        if not options["all"]:
            trials = trials.published()
        text = bundle_dumps(bundle_export(trials=trials))
        output: Path | None = options["output"]
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror or error}") from error
        self.stderr.write(f"Wrote {text.count(chr(10))} lines to {output}.")
