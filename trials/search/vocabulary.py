"""The names people search by: intervention names and synonyms resolved to slugs, and "did you mean".

The vocabulary is every name and synonym of the tumour types, interventions and glossary terms,
and the acronyms of published trials. Corrections use `difflib`, so no PostgreSQL extension is
needed (the embedded server has none).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

from trials.registry.cache import cached
from trials.registry.models import GlossaryTerm, Intervention, Trial, TumourType

WORD_RE = re.compile(r"[\w\-]+", re.UNICODE)


def resolve_interventions(values: Iterable[str]) -> tuple[list[str], list[str]]:
    """Map intervention slugs, names or synonyms (any case) to slugs; return (slugs, unknown values)."""
    wanted = {value.strip().lower(): value for value in values if value.strip()}
    if not wanted:
        return [], []
    by_key: dict[str, str] = {}
    for slug, name, synonyms in Intervention.objects.values_list("slug", "name", "synonyms"):
        for key in (slug, name, *synonyms):
            by_key.setdefault(key.lower(), slug)
    slugs = [by_key[key] for key in wanted if key in by_key]
    unknown = [original for key, original in wanted.items() if key not in by_key]
    return list(dict.fromkeys(slugs)), unknown


def vocabulary() -> list[str]:
    """Every name and synonym a search can be corrected to (tumour types, interventions, glossary)."""
    return cached("vocabulary", (), _vocabulary)


def _vocabulary() -> list[str]:
    terms: list[str] = []
    for name, synonyms in Intervention.objects.values_list("name", "synonyms"):
        terms += [name, *synonyms]
    for name, synonyms in TumourType.objects.values_list("name", "synonyms"):
        terms += [name, *synonyms]
    for term, synonyms in GlossaryTerm.objects.values_list("term", "synonyms"):
        terms += [term, *synonyms]
    terms += list(Trial.objects.published().exclude(acronym="").values_list("acronym", flat=True))
    return list(dict.fromkeys(t for t in terms if t))


def did_you_mean(q: str, terms: Sequence[str] | None = None) -> str | None:
    """Suggest the nearest known term for a query that found nothing ("lenvatinb" -> "lenvatinib")."""
    query = " ".join(WORD_RE.findall(q.lower()))
    if not query:
        return None
    terms = list(terms) if terms is not None else vocabulary()
    lowered = {term.lower(): term for term in terms}
    whole = difflib.get_close_matches(query, list(lowered), n=1, cutoff=0.75)
    if whole and whole[0] != query:
        return lowered[whole[0]]
    # Otherwise correct word by word against the single words of the vocabulary.
    words = {word for term in lowered for word in WORD_RE.findall(term) if len(word) > 2}
    corrected = []
    for word in query.split():
        match = word if word in words else (difflib.get_close_matches(word, list(words), n=1, cutoff=0.8) or [word])[0]
        corrected.append(match)
    suggestion = " ".join(corrected)
    return suggestion if suggestion != query else None
