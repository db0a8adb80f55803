"""Glossary explanations: find the medical words a page uses and link each to its explanation."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.text import slugify

from trials.registry.models import GlossaryTerm


@dataclass(frozen=True)
class Entry:
    term: str
    definition: str
    anchor: str


@dataclass(frozen=True)
class Glossary:
    """The glossary entries a page uses, and a pattern that finds any of their words."""

    entries: list[Entry]
    pattern: re.Pattern[str] | None
    by_word: dict[str, Entry]

    def __bool__(self) -> bool:
        return bool(self.entries)

    def entry_for(self, word: str) -> Entry | None:
        return self.by_word.get(word.lower())


def _pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    alternatives = sorted({w for w in words if w}, key=len, reverse=True)
    if not alternatives:
        return None
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in alternatives) + r")(?![\w-])", re.IGNORECASE)


def terms_in(texts: Iterable[str]) -> Glossary:
    """Return the glossary entries whose term or a synonym occurs in any of the texts."""
    text = "\n".join(t for t in texts if t)
    by_word: dict[str, Entry] = {}
    all_terms = list(GlossaryTerm.objects.all())
    words: dict[str, GlossaryTerm] = {}
    for term in all_terms:
        for word in (term.term, *term.synonyms):
            words.setdefault(word.lower(), term)
    pattern = _pattern(words)
    if pattern is None:
        return Glossary([], None, {})
    found: dict[int, Entry] = {}
    for match in pattern.finditer(text):
        term = words[match.group(0).lower()]
        entry = found.setdefault(term.pk, Entry(term.term, term.definition, f"glossary-{slugify(term.term)}"))
        by_word[match.group(0).lower()] = entry
    entries = sorted(found.values(), key=lambda e: e.term.lower())
    return Glossary(entries, _pattern(by_word), by_word)
