"""A patient's sentence in the search: its understood parts become the filter panel's filters.

`read_sentence()` reads `q` with `understanding.understand()`: each understood part becomes the
filter the panel sets (tumour type, grade, treatment or kind, status, near a place), what it named
orders best match (`Named`: the tumour, grade and extent, see `coverage`), and only the words left
over are searched as text. `relaxations()` are the looser searches tried, in turn, when the whole
sentence finds nothing: any of the words with the understood parts, then the understood parts alone.
A search whose `understand` is off (`?understand=off`) is searched as typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TypedDict

from trials.geography.postcodes import PostcodeError, place_for_postcode
from trials.search.filters import Named, TrialFilters
from trials.search.phrases import Kind, tokens_of
from trials.search.understanding import Item, Role, Understanding, removal_query, understand, understanding_vocabulary
from trials.search.vocabulary_words import FILLER

# The panel's choice filters a sentence can set (its place is `near`, set only when the panel's is not).
_CHOICES = ("status", "tumour_type", "grade", "intervention", "intervention_kind")
NO_MATCH = "No trial matched every word"


@dataclass(frozen=True)
class Reading:
    """The filters to search and what the sentence was understood as (None: it was not read)."""

    filters: TrialFilters
    understanding: Understanding | None = None
    asked: TrialFilters | None = None  # the filters as given

    @property
    def parts(self) -> tuple[Item, ...]:
        """Every understood part, filters and negations, in the order of the sentence."""
        if self.understanding is None:
            return ()
        return tuple(sorted(self.understanding.items + self.understanding.negations, key=lambda item: item.spans[0]))


class InterpretedPart(TypedDict):
    kind: str
    role: str
    label: str
    params: dict[str, list[str]]
    words: list[str]
    without: str


def read_sentence(filters: TrialFilters) -> Reading:
    """The filters with the sentence's understood parts set and only its other words left as text."""
    if not filters.understand or not filters.q:
        return Reading(replace(filters, understand=False), None, filters)
    understanding = understand(filters.q, understanding_vocabulary())
    if not understanding.items and not understanding.negations:
        return Reading(replace(filters, q=understanding.text, understand=False), understanding, filters)
    params = understanding.filter_params()
    changes: dict[str, object] = {}
    for name in _CHOICES:
        if name in params:
            changes[name] = tuple(dict.fromkeys(getattr(filters, name) + params[name]))
    if filters.near is None and "near" in params:
        try:
            changes["near"] = place_for_postcode(params["near"][0])
        except PostcodeError:
            pass  # a place the shipped data names always has a known district; never fail a search on it
        else:
            if "within_miles" in params and filters.within_miles is None:
                changes["within_miles"] = float(params["within_miles"][0])
    types = params.get("tumour_type", ())
    avoided = {
        value
        for item in understanding.negations
        if item.role is Role.NOT and item.kind is Kind.TUMOUR_TYPE
        for value in item.values
    }
    named = Named(
        tumour_type=types,
        tumour_type_keys=_keys(set(types)),
        # Only types with a site: "not the pancreas" rules out pancreatic NETs, not NECs of any site.
        avoid_keys=tuple(key for key in _keys(avoided) if not key.startswith("/")),
        grade=params.get("grade", ()),
        extent=understanding.extent(),
        words=" or ".join(_words_of(understanding.items)),
        mentions=_mentions(understanding.items),
        near="near" in changes,
    )
    read = replace(filters, q=understanding.text, understand=False, named=named, **changes)  # type: ignore[arg-type]
    return Reading(read, understanding, filters)


def _keys(slugs: set[str]) -> tuple[str, ...]:
    """The "<site>/<diagnosis>" keys of these tumour types (as `Trial.tumour_type_keys` holds them)."""
    types = understanding_vocabulary().tumour_types
    return tuple(f"{entry.primary_site}/{entry.diagnosis}" for entry in types if entry.slug in slugs)


def relaxations(reading: Reading) -> Iterator[tuple[TrialFilters, str]]:
    """Looser searches for a sentence that found nothing, each with what the page says of it."""
    filters = reading.filters
    understood = [item for item in reading.parts if item.role is Role.FILTER]
    wanted = _wanted(understood)
    words = list(dict.fromkeys(token.word for token in tokens_of(filters.q) if token.word != "or"))
    if len(words) > 1 or (words and understood):
        some = f"{NO_MATCH}; showing trials " + (f"for {wanted} that match" if wanted else "matching")
        yield replace(filters, q=" or ".join(words)), some + " some of the words"
    if words and understood:
        yield replace(filters, q=""), f"{NO_MATCH}; showing trials for {wanted}"
    # Last, what the parts named as words (status and place still filter, the named tumour still orders).
    asked = reading.asked or filters
    named = [item for item in understood if item.kind not in (Kind.STATUS, Kind.PLACE)]
    if named:
        every = list(dict.fromkeys(_words_of(named) + [word for word in words if word not in FILLER]))
        words_only = replace(
            filters,
            q=" or ".join(every),
            tumour_type=asked.tumour_type,
            grade=asked.grade,
            intervention=asked.intervention,
            intervention_kind=asked.intervention_kind,
        )
        yield words_only, f"{NO_MATCH}; showing trials that mention some of them"


def _mentions(items: tuple[Item, ...]) -> tuple[tuple[str, str], ...]:
    """For each filter a part set that a trial's text may name too, the part's words (any of the parts)."""
    said: dict[str, list[str]] = {}
    for item in items:
        words = _words_of([item])
        if item.kind in (Kind.TUMOUR_TYPE, Kind.INTERVENTION, Kind.INTERVENTION_KIND) and words:
            said.setdefault(item.kind.value, []).append(" ".join(words))
    return tuple((name, " or ".join(dict.fromkeys(phrases))) for name, phrases in said.items())


def _words_of(items: Iterable[Item]) -> list[str]:
    """The words of the parts that name a tumour or a treatment, without filler: what a trial's text may say."""
    said = (
        token.word
        for item in items
        if item.role is Role.FILTER and item.kind not in (Kind.STATUS, Kind.PLACE)
        for phrase in item.words
        for token in tokens_of(phrase)
    )
    return list(dict.fromkeys(word for word in said if word not in FILLER and word != "or"))


def _wanted(items: list[Item]) -> str:
    """The understood parts as a phrase: "Stomach NET, grade 2 near Birmingham"."""
    places = [item.label[0].lower() + item.label[1:] for item in items if item.kind is Kind.PLACE]
    others = [item.label for item in items if item.kind is not Kind.PLACE]
    if others:
        return " ".join([", ".join(others), *places])
    return " ".join(places)[:1].upper() + " ".join(places)[1:]


def interpreted(reading: Reading) -> list[InterpretedPart]:
    """Each understood part as plain data, with the sentence without it (`without`: to undo it)."""
    if reading.understanding is None:
        return []
    parts: list[InterpretedPart] = []
    for item in reading.parts:
        params: dict[str, list[str]] = {}
        for name, value in item.params:
            params.setdefault(name, []).append(value)
        parts.append(
            {
                "kind": item.kind.value,
                "role": item.role.value,
                "label": item.label,
                "params": params,
                "words": list(item.words),
                "without": removal_query(reading.understanding, item),
            }
        )
    return parts


def corrected_sentence(q: str, text: str, suggestion: str) -> str:
    """The sentence with its searched words corrected: "lutatera near Leeds" -> "Lutathera near Leeds"."""
    if " ".join(q.split()).casefold() == text.casefold():
        return suggestion
    typed, fixed = text.split(), suggestion.split()
    if len(typed) != len(fixed):
        for word in typed:
            q = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", "", q, count=1)
        return " ".join(f"{suggestion} {q}".split())
    for word, better in zip(typed, fixed, strict=True):
        if word.casefold() != better.casefold():
            q = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", better.replace("\\", "\\\\"), q, count=1)
    return " ".join(q.split())
