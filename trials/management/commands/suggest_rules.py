"""Propose structured rules for criteria: JSON lines in, one JSON line out per criterion."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trials.review.selectors import vocabulary_load
from trials.structuring import Suggestion, structure_criterion
from trials.structuring.evaluation import Scores, evaluate

KINDS = ("inclusion", "exclusion")


class BadLine(ValueError):
    """An input line that is not a criterion; the message names what is wrong."""


def parse_line(line: str) -> dict[str, Any]:
    """One input line as {"id", "kind", "text", ...}, or BadLine saying why not."""
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        raise BadLine(f"not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(item, dict):
        raise BadLine('not a JSON object: write {"id": ..., "kind": ..., "text": ...}')
    missing = [key for key in ("id", "kind", "text") if key not in item]
    if missing:
        raise BadLine(f"missing {', '.join(missing)}")
    if item["kind"] not in KINDS:
        raise BadLine(f'"kind" must be "inclusion" or "exclusion", not {json.dumps(item["kind"])}')
    if not isinstance(item["text"], str):
        raise BadLine('"text" must be a string')
    if isinstance(item["id"], dict | list):
        raise BadLine('"id" must be a string or a number')
    return item


class Command(BaseCommand):
    help = (
        'Propose rules for criteria. FILE ("-" for standard input) holds JSON lines {"id": ..., "kind": '
        '"inclusion"|"exclusion", "text": ...}; for each line, in order, one JSON line {"id": ..., "rules": '
        '[{"fact": ..., "operator": ..., "value": ...}, ...]} is printed (an empty list when nothing is safe to '
        "say; an inclusion's rules must all hold, any one of an exclusion's excludes). Interventions are named "
        "from the database. Blank lines are skipped. A bad line is reported on standard error with its line "
        "number and gets no output line; the other lines are still answered, and the command then exits with "
        "status 1. --explain adds the words behind each rule; --evaluate scores labelled lines instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help='JSON lines file, or "-" for standard input.')
        parser.add_argument(
            "--explain",
            action="store_true",
            help='Add "evidence" to each output line: per rule, the words that justify it, their offsets, and why.',
        )
        parser.add_argument(
            "--evaluate",
            action="store_true",
            help='Read lines that also carry "expected" rules and print micro precision and recall over rules '
            "(with -v 2, every wrong and missed rule).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        vocabulary = vocabulary_load()
        bad = 0
        items: list[dict[str, Any]] = []
        for number, line in self._lines(options["file"]):
            try:
                item = parse_line(line)
            except BadLine as error:
                bad += 1
                self.stderr.write(f"line {number}: {error}")
                continue
            if options["evaluate"]:
                items.append(item)
                continue
            suggestions = structure_criterion(item["kind"], item["text"], vocabulary)
            self.stdout.write(json.dumps(_output(item, suggestions, explain=options["explain"]), ensure_ascii=False))
        if options["evaluate"]:
            self._report(evaluate(items, vocabulary), len(items), verbose=options["verbosity"] >= 2)
        if bad:
            raise CommandError(f"{bad} bad line(s); see the messages above.")

    def _lines(self, name: str) -> Iterator[tuple[int, str]]:
        if name == "-":
            yield from _numbered(sys.stdin)
            return
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"No such file: {name}")
        with path.open(encoding="utf-8") as handle:
            yield from _numbered(handle)

    def _report(self, scores: Scores, count: int, *, verbose: bool) -> None:
        self.stdout.write(
            f"{count} criteria, {scores.expected} expected rules, {scores.proposed} proposed, "
            f"{scores.correct} correct: precision {scores.precision:.3f}, recall {scores.recall:.3f}"
        )
        if verbose:
            for item_id, rule in scores.wrong:
                self.stdout.write(f"wrong  {item_id}: {json.dumps(rule)}")
            for item_id, rule in scores.missed:
                self.stdout.write(f"missed {item_id}: {json.dumps(rule)}")


def _numbered(handle: TextIO) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(handle, start=1):
        if line.strip():
            yield number, line


def _output(item: dict[str, Any], suggestions: list[Suggestion], *, explain: bool) -> dict[str, Any]:
    output: dict[str, Any] = {"id": item["id"], "rules": [suggestion.rule for suggestion in suggestions]}
    if explain:
        output["evidence"] = [
            {key: value for key, value in suggestion.as_dict().items() if key != "rule"} for suggestion in suggestions
        ]
    return output
