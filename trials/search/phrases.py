"""The phrases the sentence interpreter knows: words, normalised; what each phrase means; tumour types.

A `Vocabulary` maps normalised phrases (tuples of word keys: lower case, no plural "s", UK spelling,
no inner a/the/my) to a `Term`: a tumour site, a diagnosis, a tumour type, a grade, an extent, a
treatment or a kind of treatment, a status, a cue ("not", "after"), "near me", a word of the whole
neuroendocrine family (understood, never a filter) or words kept as text ("open label").
It is built from the registry's names and synonyms (`Vocabulary.build`), with the curated words of
`vocabulary_words` over them (they decide where the registry's synonyms would narrow a search more
than the person's words do: "PRRT" is the kind, "neuroendocrine cancer" the whole family).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from trials.geography.towns import post_towns
from trials.registry.choices import InterventionKind
from trials.search import vocabulary_words as words

WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
AFTER_LATER = "after-later"  # the kind of a cue that follows its treatment: "octreotide stopped working"


class Kind(StrEnum):
    TUMOUR_TYPE = "tumour_type"
    GRADE = "grade"
    EXTENT = "extent"
    INTERVENTION = "intervention"
    INTERVENTION_KIND = "intervention_kind"
    STATUS = "status"
    PLACE = "place"


class Role(StrEnum):
    FILTER = "filter"
    NOT = "not"  # "not in the pancreas", "without placebo", "-lung"
    AFTER = "after"  # a treatment already had: "after cisplatin", "had PRRT"


@dataclass(frozen=True)
class TumourTypeEntry:
    slug: str
    name: str
    primary_site: str
    diagnosis: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class InterventionEntry:
    slug: str
    name: str
    kind: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    """What a phrase means: a kind of mention ("site", "diagnosis", a Kind, a cue...) and its values."""

    kind: str
    values: tuple[str, ...] = ()
    label: str = ""


@dataclass(frozen=True)
class Town:
    name: str
    outcode: str  # its central district: where distances are measured from


@dataclass(frozen=True)
class Vocabulary:
    """Every phrase the interpreter knows, by normalised words, and the tumour types it resolves to."""

    terms: dict[tuple[str, ...], Term]
    tumour_types: tuple[TumourTypeEntry, ...]
    towns: dict[tuple[str, ...], Town]

    @classmethod
    def build(
        cls,
        *,
        tumour_types: Iterable[TumourTypeEntry],
        interventions: Iterable[InterventionEntry],
        acronyms: Iterable[str] = (),
    ) -> Vocabulary:
        """The registry's names and synonyms, the curated words over them, trial acronyms under them."""
        # In slug order, so the same registry gives the same answers whatever order it is read in.
        types = tuple(sorted(tumour_types, key=lambda entry: entry.slug))
        drugs = tuple(sorted(interventions, key=lambda entry: entry.slug))
        terms: dict[tuple[str, ...], Term] = {}
        for acronym in acronyms:  # kept whole, so "NET-02" is not read as a NET
            _add(terms, acronym, Term("keep"))
        for drug in drugs:
            for phrase in (drug.name, *drug.synonyms):
                _add(terms, phrase, Term(Kind.INTERVENTION, (drug.slug,), drug.name), merge=True)
        diagnosis_keys = {d: {k for w in ws for k in phrase_keys(w)} for d, ws in words.DIAGNOSES.items()}
        for entry in types:
            phrases = (entry.name, *entry.synonyms)
            general = not entry.primary_site and any(
                key in diagnosis_keys.get(entry.diagnosis, ()) for phrase in phrases for key in phrase_keys(phrase)
            )
            term = Term("diagnosis", (entry.diagnosis,)) if general else Term(Kind.TUMOUR_TYPE, (entry.slug,))
            for phrase in phrases:
                _add(terms, phrase, term, merge=not general)
        for term, curated in _curated(drugs):
            for phrase in curated:
                _add(terms, phrase, term, replace=True)
        return cls(terms=terms, tumour_types=types, towns=town_index())

    def match(self, tokens: list[Token], start: int) -> tuple[Term, int] | None:
        """The longest phrase at `start` and where it ends; a/the/my... are skipped inside phrases."""
        key: tuple[str, ...] = ()
        best = None
        for index in range(start, min(len(tokens), start + 12)):
            token = tokens[index]
            if token.quoted:
                break
            if index > start and token.key in words.SOFT:
                continue
            key += (token.key,)
            if key in self.terms:
                best = (self.terms[key], index + 1)
        return best


def _add(
    terms: dict[tuple[str, ...], Term], phrase: str, term: Term, *, merge: bool = False, replace: bool = False
) -> None:
    for key in phrase_keys(phrase):
        old = terms.get(key)
        if old is None or replace or old.kind == "keep":
            terms[key] = term
        elif merge and old.kind == term.kind and old.values != term.values:
            # One synonym of several entries names them all ("PRRT" on every lutetium drug).
            label = old.label if term.label in old.label else f"{old.label} or {term.label}"
            terms[key] = Term(term.kind, tuple(dict.fromkeys(old.values + term.values)), label)


def _curated(drugs: tuple[InterventionEntry, ...]) -> Iterator[tuple[Term, Iterable[str]]]:
    yield Term("family"), words.FAMILY
    for diagnosis, phrases in words.DIAGNOSES.items():
        yield Term("diagnosis", (diagnosis,)), phrases
    for phrase, sites in words.SITES.items():
        yield Term("site", sites), (phrase,)
    for phrase, (values, label) in words.EXTENTS.items():
        yield Term(Kind.EXTENT, values, label), (phrase,)
    for phrase, (values, label) in words.GRADE_WORDS.items():
        yield Term(Kind.GRADE, values, label), (phrase,)
    for kind, phrases in words.KINDS.items():
        yield Term(Kind.INTERVENTION_KIND, (kind,), InterventionKind(kind).label), phrases
    lutetium = tuple(
        d.slug
        for d in drugs
        if any(words.LUTETIUM_NAME_WORDS & set(k) for p in (d.name, *d.synonyms) for k in phrase_keys(p))
    )
    prrt = Term(Kind.INTERVENTION_KIND, ("prrt",), InterventionKind.PRRT.label)
    yield (Term(Kind.INTERVENTION, lutetium, "Lutetium-177") if lutetium else prrt), words.LUTETIUM
    oral = tuple(d.slug for d in drugs if d.name.lower() in words.ORAL_DRUGS)
    if oral:
        yield Term(Kind.INTERVENTION, oral, "Tablets or capsules"), words.TABLETS
    for status, phrases in words.STATUSES.items():
        yield Term(Kind.STATUS, (status,)), phrases
    yield Term(Kind.STATUS, ("closed", "results")), words.STATUS_FINISHED
    yield Term("keep"), words.KEEP
    yield Term(Role.NOT), words.NOT_CUES
    yield Term(Role.AFTER), words.AFTER_CUES
    yield Term(AFTER_LATER), words.AFTER_LATER_CUES
    yield Term("near_me"), words.NEAR_ME


@dataclass(frozen=True)
class Token:
    word: str  # lower case, without apostrophes: what places match
    key: str  # the word without a plural "s", in UK spelling: what phrases match
    start: int
    end: int
    quoted: bool = False
    minus: bool = False  # typed as "-word": the web search syntax for "not"


def key_of(word: str) -> str:
    """How a word is compared: without a plural "s", in UK spelling ("tumors" -> "tumour")."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return words.SPELLINGS.get(word, word)


def tokens_of(text: str) -> list[Token]:
    """The words of `text` with where they are, which are in double quotes, which start with "-"."""
    quoted = [match.span() for match in re.finditer(r'"[^"]*"', text)]
    result = []
    for match in WORD_RE.finditer(text):
        word = re.sub(r"['’]", "", match.group().casefold())
        start = match.start()
        inside = any(a < start < b for a, b in quoted)
        minus = start > 0 and text[start - 1] == "-" and (start == 1 or text[start - 2].isspace())
        result.append(Token(word, key_of(word), start, match.end(), inside, minus))
    return result


def phrase_keys(phrase: str) -> list[tuple[str, ...]]:
    """How a vocabulary phrase is looked up: its keys without inner a/the/my, and hyphens joined too."""
    variants = [phrase]
    if re.search(r"\w-\w", phrase):
        variants.append(re.sub(r"(?<=\w)-(?=\w)", "", phrase))
    keys = []
    for variant in variants:
        parts = [token.key for token in tokens_of(variant)]
        key = tuple(part for index, part in enumerate(parts) if index == 0 or part not in words.SOFT)
        if key and key not in keys:
            keys.append(key)
    return keys


@cache
def town_index() -> dict[tuple[str, ...], Town]:
    """UK post towns and their spoken names ("Newcastle"), by their words."""
    towns = {name: Town(name, outcode) for name, outcode in post_towns().items()}
    index = {tuple(t.word for t in tokens_of(name)): town for name, town in towns.items()}
    for alias, name in words.TOWN_ALIASES.items():
        index[tuple(t.word for t in tokens_of(alias))] = towns[name]
    return index


def covers(general: TumourTypeEntry, specific: TumourTypeEntry) -> bool:
    """`TumourType.covers` over plain entries: a trial for `general` is also for `specific`."""
    if general.slug == specific.slug:
        return True
    known = [value for value in (general.primary_site, general.diagnosis) if value]
    other = [value for value in (specific.primary_site, specific.diagnosis) if value]
    return (
        len(known) < len(other)
        and general.primary_site in ("", specific.primary_site)
        and general.diagnosis in ("", specific.diagnosis)
    )


def most_specific(types: Iterable[TumourTypeEntry], site: str | None, diagnosis: str | None) -> list[TumourTypeEntry]:
    """The types a tumour of `site` and `diagnosis` (None: not said) may be, without the ones covering them.

    A trial for a covering type ("NET, any site") already has the specific one in its coverage.
    """
    fits = [
        entry
        for entry in types
        if (site is None or entry.primary_site in ("", site))
        and (diagnosis is None or entry.diagnosis in ("", diagnosis))
    ]
    return [entry for entry in fits if not any(other is not entry and covers(entry, other) for other in fits)]
