"""What `sync_ctgov` and `sync_isrctn` share: their options, their progress and their report."""

from __future__ import annotations

import datetime as dt
import math
import sys
from argparse import ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from trials.importers import sync
from trials.importers.ctgov.paging import DEFAULT_COUNTRY, DEFAULT_PAGE_SIZE
from trials.importers.report import ImportReport
from trials.registry.choices import Registry


def day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD.") from None


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ArgumentTypeError(f"{text!r} is not a whole number of at least 1.")
    return int(text)


def write_outcome(command: BaseCommand, report: ImportReport, *, dry_run: bool) -> None:
    """Print the notes, the records held back and the failures, then the summary line."""
    for note in report.notes:
        command.stdout.write(note)
    for held in report.held_back:
        command.stdout.write(f"Held back as a draft: {held}")
    for failure in report.failures:
        command.stderr.write(f"Failed: {failure}")
    prefix = "Dry run (nothing written): " if dry_run else ""
    command.stdout.write(f"{prefix}{report.summary()}")


class SyncCommand(BaseCommand):
    """A registry sync command; subclasses name the registry and its default condition."""

    registry: Registry
    default_condition: str

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default=sync.DEFAULT_BASE_URLS[self.registry],
            help="The registry API's base URL (default: %(default)s).",
        )
        parser.add_argument(
            "--condition",
            default=self.default_condition,
            help="What to search the registry's conditions for (default: the NET/NEC terms, %(default)s).",
        )
        parser.add_argument(
            "--country", default=DEFAULT_COUNTRY, help="Recruiting in this country; '' for any (default: %(default)s)."
        )
        parser.add_argument(
            "--since",
            type=day,
            help="Only records updated on or after this day (YYYY-MM-DD). Default: since the last complete sync; "
            "everything on a first run.",
        )
        parser.add_argument("--publish", action="store_true", help="Publish the trials (only NET trials ever are).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change, and write nothing.")
        parser.add_argument("--max-pages", type=positive, help="Stop after this many pages (an incomplete run).")

    def handle(self, *args: Any, **options: Any) -> None:
        settings = sync.SyncOptions(
            registry=self.registry,
            base_url=options["base_url"],
            condition=options["condition"],
            country=options["country"] or None,
            since=options["since"],
            publish=options["publish"],
            dry_run=options["dry_run"],
            max_pages=options["max_pages"],
        )
        on_terminal = self.stdout.isatty()
        bar: tqdm[Any] | None = None
        verbose = options["verbosity"] >= 2 or settings.dry_run

        def progress(done: sync.PageDone) -> None:
            nonlocal bar
            if on_terminal:
                if bar is None:
                    bar = tqdm(unit="page", file=sys.stderr, desc=Registry(self.registry).label)
                if done.total is not None:
                    bar.total = max(1, math.ceil(done.total / DEFAULT_PAGE_SIZE))
                bar.update(1)
            else:
                self.stdout.write(f"Page {done.number} ({done.records} records): {done.report.summary()}")
            if verbose:
                for change in done.changes:
                    self.stdout.write(("Would have " if settings.dry_run else "") + change)

        try:
            result = sync.sync_registry(settings, on_page=progress)
        finally:
            if bar is not None:
                bar.close()
        run = result.run
        write_outcome(self, result.report, dry_run=settings.dry_run)
        if run.error:
            kept = f"the {run.pages} page(s) before it are stored" if run.pages else "nothing was stored"
            raise CommandError(f"{run.error} The sync stopped: {kept}; the next run starts again from the same day.")
        if result.report.failed:
            raise CommandError(f"{result.report.failed} record(s) failed; the next run asks for them again.")
        if not settings.dry_run:
            mark = "complete" if run.complete else "incomplete (stopped by --max-pages)"
            self.stdout.write(f"Sync run {run.pk}: {run.pages} page(s), {mark}.")
