"""Clauses of a criterion: where one statement ends and the next begins, parentheses kept whole."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A full stop ends a sentence only before a space and a capital (or the end): "1.5 x ULN" and
# "e.g. barrier" stay in one clause.
_SENTENCE_END_RE = re.compile(r"\.(?=\s+[A-Z(]|\s*$)")
_OPENERS = "([{"
_CLOSERS = ")]}"


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    text: str


def clauses(text: str) -> list[Clause]:
    """Split `text` at ";" and sentence ends outside parentheses; offsets point into `text`."""
    cuts: list[tuple[int, int]] = []
    depth = 0
    sentence_ends = {match.start() for match in _SENTENCE_END_RE.finditer(text)}
    for index, char in enumerate(text):
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(0, depth - 1)
        elif depth == 0 and (char == ";" or index in sentence_ends):
            cuts.append((index, index + 1))
    result: list[Clause] = []
    start = 0
    for cut_start, cut_end in [*cuts, (len(text), len(text))]:
        chunk = text[start:cut_start]
        stripped = chunk.strip()
        if stripped:
            offset = start + chunk.index(stripped)
            result.append(Clause(offset, offset + len(stripped), stripped))
        start = cut_end
    return result


def clause_at(all_clauses: list[Clause], position: int) -> Clause | None:
    """The clause holding `position`, if any."""
    for clause in all_clauses:
        if clause.start <= position < clause.end:
            return clause
    return None


def words(text: str) -> str:
    """`text` with its whitespace collapsed: the form explanations quote."""
    return " ".join(text.split())


_ALTERNATIVE_START_RE = re.compile(r"(?:or|and\s*/\s*or)\b", re.IGNORECASE)


def reach(all_clauses: list[Clause], clause: Clause) -> int:
    """Where `clause` ends once the clauses after it that begin with "or" are joined to it."""
    end = clause.end
    later = [item for item in all_clauses if item.start >= clause.end]
    for item in later:
        if not _ALTERNATIVE_START_RE.match(item.text):
            break
        end = item.end
    return end
