"""What the structurer proposes: a rule, the words that justify it, and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Suggestion:
    """A proposed rule with its evidence: `text[start:end]` is `words`."""

    rule: dict[str, Any]
    start: int
    end: int
    words: str
    explanation: str
    pattern: str  # the name of the pattern that found it

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "start": self.start,
            "end": self.end,
            "words": self.words,
            "explanation": self.explanation,
            "pattern": self.pattern,
        }


def evidence(text: str, start: int, end: int) -> str:
    """The words of `text[start:end]` as one line."""
    return " ".join(text[start:end].split())
