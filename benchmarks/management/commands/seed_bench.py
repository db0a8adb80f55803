"""Seed (or clear) reproducible synthetic trials for the benchmark."""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from benchmarks.seed import bench_trial_count, clear_bench, seed_bench


class Command(BaseCommand):
    help = "Add synthetic bench trials until there are N (idempotent), or remove them with --clear."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--trials", type=int, default=100_000, help="How many bench trials to have.")
        parser.add_argument("--seed", type=int, default=8, help="Random seed (same seed, same trials).")
        parser.add_argument("--clear", action="store_true", help="Remove every bench trial and vocabulary.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["clear"]:
            clear_bench()
            self.stdout.write("Bench data removed.")
            return
        call_command("load_net_trials", stdout=self.stdout)
        started = time.monotonic()
        added = seed_bench(trials=options["trials"], seed=options["seed"], log=self.stdout.write)
        self.stdout.write(
            f"Added {added} bench trials in {time.monotonic() - started:.0f} s; {bench_trial_count()} in all."
        )
