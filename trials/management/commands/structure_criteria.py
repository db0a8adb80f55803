"""Propose rules for the criteria of trials already stored: the structurer every import runs, for existing trials."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trials.registry.models import Trial
from trials.review.services import trials_suggestions_refresh


class Command(BaseCommand):
    help = (
        "Store the structurer's proposed rules for every trial's criteria (or the trials named by slug), for an "
        "admin to review in the admin's rule suggestions; none counts in a verdict until accepted. Idempotent: "
        "a proposal already stored (proposed, accepted, edited or rejected) is not stored again, and pending "
        "proposals a criterion's text no longer gives are withdrawn."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="Trial slugs (default: every trial).")

    def handle(self, *args: Any, **options: Any) -> None:
        trials = Trial.objects.order_by("pk")
        if options["slugs"]:
            trials = trials.filter(slug__in=options["slugs"])
            missing = sorted(set(options["slugs"]) - set(trials.values_list("slug", flat=True)))
            if missing:
                raise CommandError(f"No trial with the slug {', '.join(missing)}.")
        report = trials_suggestions_refresh(trials=trials.iterator(chunk_size=200))
        self.stdout.write(
            f"{report.proposed} rule(s) proposed, {report.withdrawn} withdrawn; review them in the admin "
            "(Trials > Rule suggestions)."
        )
