"""Precision and recall of the structurer over labelled criteria (micro-averaged over rules)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from trials.structuring.structurer import structure_criterion
from trials.structuring.vocabulary import Vocabulary


def rule_key(rule: Mapping[str, Any]) -> str:
    """A rule as comparable text: numbers equal whatever their JSON form (3 and 3.0)."""

    def normal(value: Any) -> Any:
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, list):
            return [normal(item) for item in value]
        return value

    return json.dumps([rule.get("fact"), rule.get("operator"), normal(rule.get("value"))], sort_keys=True)


@dataclass
class Scores:
    proposed: int = 0
    expected: int = 0
    correct: int = 0
    wrong: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (id, proposed rule not expected)
    missed: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (id, expected rule not proposed)

    @property
    def precision(self) -> float:
        return self.correct / self.proposed if self.proposed else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0


def evaluate(items: Iterable[Mapping[str, Any]], vocabulary: Vocabulary) -> Scores:
    """Score the structurer on labelled items (each with id, kind, text and expected rules)."""
    scores = Scores()
    for item in items:
        proposed = [suggestion.rule for suggestion in structure_criterion(item["kind"], item["text"], vocabulary)]
        expected = list(item.get("expected") or [])
        expected_keys = {rule_key(rule) for rule in expected}
        proposed_keys = {rule_key(rule) for rule in proposed}
        scores.proposed += len(proposed_keys)
        scores.expected += len(expected_keys)
        scores.correct += len(proposed_keys & expected_keys)
        scores.wrong += [(str(item["id"]), rule) for rule in proposed if rule_key(rule) not in expected_keys]
        scores.missed += [(str(item["id"]), rule) for rule in expected if rule_key(rule) not in proposed_keys]
    return scores
