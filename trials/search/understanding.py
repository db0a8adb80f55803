"""Understanding a patient's sentence: which of its words are filters the results page already has.

`understand(q, vocabulary)` reads "pancreatic NET grade 2 near Leeds that has spread" as a tumour
type, a grade, a place and an extent, each an `Item` carrying the filter parameters the search form
takes, a label for a removable choice and the words it used; the words left over (without filler
such as "trials for my") are the text to search. Longest phrases win; case, punctuation, plurals and
US spellings do not matter; "not", "except" or "-" before a mention, and "after" or "had" before a
treatment ("stopped working" after it), make it a negation that never filters. Words in double
quotes are never interpreted.

Medical safety: a mapping never narrows more than the words do. A site without a diagnosis keeps
the NEC and MiNEN trials; "NET" alone is every NET type; "bowel" names the small and the large bowel.
The vocabulary is the registry's names and synonyms plus `vocabulary_words`, cached per generation.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import TypedDict

from trials.geography.postcodes import INWARD_RE, OUTWARD_RE, PostcodeError, place_for_postcode
from trials.registry.cache import cached
from trials.registry.choices import Diagnosis, PrimarySite, Status
from trials.search import vocabulary_words as words
from trials.search.phrases import (
    AFTER_LATER,
    InterventionEntry,
    Kind,
    Role,
    Term,
    Token,
    TumourTypeEntry,
    Vocabulary,
    key_of,
    most_specific,
    tokens_of,
    town_index,
)

__all__ = [
    "InterpretedItem",
    "Item",
    "Kind",
    "Role",
    "Understanding",
    "Vocabulary",
    "removal_query",
    "understand",
    "understanding_vocabulary",
]
# Filters the results page has (the extent is not one yet: it orders, it does not filter).
PANEL_PARAMS = ("status", "tumour_type", "grade", "intervention", "intervention_kind", "near", "within_miles")
_DROPPED = words.FILLER | words.BRIDGE | words.LIST_WORDS


@dataclass(frozen=True)
class Item:
    """One understood part of the sentence: a removable choice on the page, an `interpreted` entry."""

    kind: Kind
    params: tuple[tuple[str, str], ...]  # query-string pairs, e.g. (("tumour_type", "stomach-net"),)
    label: str
    spans: tuple[tuple[int, int], ...]  # where its words are in q
    words: tuple[str, ...]  # those words as typed
    role: Role = Role.FILTER

    @property
    def values(self) -> tuple[str, ...]:
        """The values of its first parameter (its filter values)."""
        return tuple(value for name, value in self.params if name == self.params[0][0])


class InterpretedItem(TypedDict):
    kind: str
    role: str
    label: str
    params: dict[str, list[str]]
    words: list[str]


@dataclass(frozen=True)
class Understanding:
    q: str
    items: tuple[Item, ...]  # filters (and the extent), in the order of the sentence
    negations: tuple[Item, ...]  # what the sentence rules out or names as already had
    text: str  # what is left to search as text
    near_me: bool = False  # "near me": a place is wanted but not named

    def filter_params(self) -> dict[str, tuple[str, ...]]:
        """The results page's parameters the sentence sets, merged over its items."""
        merged: dict[str, list[str]] = defaultdict(list)
        for item in self.items:
            for name, value in item.params:
                if name in PANEL_PARAMS and value not in merged[name]:
                    merged[name].append(value)
        return {name: tuple(values) for name, values in merged.items()}

    def extent(self) -> tuple[str, ...]:
        """The Extent values the sentence names (for ordering, not filtering)."""
        return tuple(dict.fromkeys(v for item in self.items if item.kind is Kind.EXTENT for v in item.values))

    def interpreted(self) -> list[InterpretedItem]:
        """Every item and negation as plain data (the API's `interpreted`)."""
        result: list[InterpretedItem] = []
        for item in sorted(self.items + self.negations, key=lambda item: item.spans[0]):
            params: dict[str, list[str]] = defaultdict(list)
            for name, value in item.params:
                params[name].append(value)
            result.append(
                {
                    "kind": item.kind.value,
                    "role": item.role.value,
                    "label": item.label,
                    "params": dict(params),
                    "words": list(item.words),
                }
            )
        return result


@dataclass
class _Mention:
    term: Term
    first: int  # token range [first, last)
    last: int
    role: Role = Role.FILTER
    cue: int | None = None  # where the cue before it starts
    after: _Mention | None = None  # the mention it took its role from ("had PRRT and chemo")
    shares_cue: bool = False  # a mention of another item took its role: removing this leaves the cue


def understand(q: str, vocabulary: Vocabulary) -> Understanding:
    """What the sentence asks for: filter items, negations and the text left to search."""
    tokens = tokens_of(q)
    mentions: list[_Mention] = []
    kept: list[int] = []
    cues: dict[int, tuple[Role, int]] = {}  # the last token of a cue -> (its role, its first token)
    near_me = False
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.quoted:
            kept.append(index)
            index += 1
            continue
        found = vocabulary.match(tokens, index)
        placed = any(m.term.kind == Kind.PLACE for m in mentions)
        for other in (_grade_at(tokens, index), None if placed else _place_at(tokens, index, vocabulary)):
            if other is not None and (found is None or other[1] > found[1]):
                found = other
        if found is None:
            if token.key not in _DROPPED and token.word not in _DROPPED:
                kept.append(index)
            index += 1
            continue
        term, end = found
        if term.kind == "keep":
            kept.extend(range(index, end))
        elif term.kind in (Role.NOT, Role.AFTER):
            cues[end - 1] = (Role(term.kind), index)
        elif term.kind == AFTER_LATER:  # "octreotide failed", and "failed octreotide" too
            _had_before(tokens, index, mentions)
            cues[end - 1] = (Role.AFTER, index)
        elif term.kind == "near_me":
            near_me = True
        elif term.kind != "family":
            mentions.append(_with_role(_Mention(term, index, end), tokens, cues, mentions))
        index = end
    items, unresolved = _items(q, tokens, sorted(mentions, key=lambda m: m.first), vocabulary)
    kept = sorted(kept + unresolved)
    filters = tuple(item for item in items if item.role is Role.FILTER)
    negations = tuple(item for item in items if item.role is not Role.FILTER)
    if not filters and not negations and not near_me:
        return Understanding(q=q, items=(), negations=(), text=" ".join(q.split()), near_me=near_me)
    return Understanding(q=q, items=filters, negations=negations, text=_text(q, tokens, kept), near_me=near_me)


def _with_role(
    mention: _Mention, tokens: list[Token], cues: dict[int, tuple[Role, int]], before: list[_Mention]
) -> _Mention:
    """Give a mention the role of a cue just before it ("did not start in the", "after having")."""
    if tokens[mention.first].minus:
        mention.role = Role.NOT
        return mention
    ends = {m.last - 1: m for m in before}
    listed = False
    for index in range(mention.first - 1, max(-1, mention.first - 6), -1):
        if index in cues:
            role, start = cues[index]
            treatment = mention.term.kind in (Kind.INTERVENTION, Kind.INTERVENTION_KIND)
            if role is Role.NOT or treatment:
                mention.role, mention.cue = role, start
            return mention
        if index in ends:
            if listed and ends[index].role is not Role.FILTER:  # "not the pancreas or the lung"
                mention.role, mention.after = ends[index].role, ends[index]
            return mention
        word = tokens[index].key
        if word in words.LIST_WORDS:
            listed = True
        elif word not in words.BRIDGE and tokens[index].word not in words.BRIDGE:
            return mention
    return mention


def _had_before(tokens: list[Token], cue: int, mentions: list[_Mention]) -> None:
    """Make the treatments just before a later cue ones already had: "octreotide and lanreotide failed"."""
    treatments = {m.last - 1: m for m in mentions if m.term.kind in (Kind.INTERVENTION, Kind.INTERVENTION_KIND)}
    index = cue - 1
    while index >= 0 and cue - index <= 8:
        if index in treatments and treatments[index].role is Role.FILTER:
            treatments[index].role = Role.AFTER
            index = treatments[index].first - 1
        elif tokens[index].word in words.AFTER_LATER_BRIDGE:
            index -= 1
        else:
            return


def _place_at(tokens: list[Token], start: int, vocabulary: Vocabulary) -> tuple[Term, int] | None:
    """A place at `start`: "near Leeds", "in Leeds", "within 20 miles of LS1", "M20 4BX", "Milton Keynes"."""
    at, strength, miles = start, "", ""
    for key in _near_keys():
        if tuple(t.word for t in tokens[start : start + len(key)]) == key and len(key) > at - start:
            at, strength = start + len(key), "near"
    window = [t.word for t in tokens[start : start + 4]] + [""] * 4
    if window[0] == "within" and window[1].isdigit() and key_of(window[2]) == "mile" and window[3] in ("of", "from"):
        at, strength, miles = start + 4, "near", window[1]
    if not strength and tokens[start].word in words.WEAK_NEAR:
        at, strength = start + 1, "weak"
    if at >= len(tokens) or any(t.quoted for t in tokens[start : at + 1]):
        return None
    found = _postcode_at(tokens, at, strong=strength == "near") or _town_at(tokens, at, vocabulary, strength)
    if found is None:
        return None
    (code, label), end = found
    params = ("near", code) + (("within_miles", miles) if miles else ())
    label = f"Within {miles} miles of {label}" if miles else f"Near {label}"
    return Term(Kind.PLACE, params, label), end


@cache
def _near_keys() -> list[tuple[str, ...]]:
    return [tuple(t.word for t in tokens_of(phrase)) for phrase in words.NEAR]


def _postcode_at(tokens: list[Token], at: int, *, strong: bool) -> tuple[tuple[str, str], int] | None:
    first = tokens[at].word.upper()
    following = tokens[at + 1].word.upper() if at + 1 < len(tokens) else ""
    if OUTWARD_RE.match(first) and INWARD_RE.match(following):
        text, end = f"{first} {following}", at + 2
    elif (len(first) >= 5 and OUTWARD_RE.match(first[:-3]) and INWARD_RE.match(first[-3:])) or (
        OUTWARD_RE.match(first) and (strong or first not in words.MEDICAL_CODES)
    ):
        text, end = first, at + 1
    else:
        return None
    try:
        place = place_for_postcode(text)
    except PostcodeError:
        return None
    # The outward code only: a full postcode in links and logs says more than a search needs.
    return (place.outcode, place.outcode), end


def _town_at(tokens: list[Token], at: int, vocabulary: Vocabulary, strength: str) -> tuple[tuple[str, str], int] | None:
    for length in range(6, 0, -1):
        key = tuple(t.word for t in tokens[at : at + length])
        town = vocabulary.towns.get(key) if len(key) == length else None
        if town is None:
            continue
        if length == 1 and (not strength or (strength == "weak" and key[0] in words.EVERYDAY_TOWNS)):
            return None
        return (town.outcode, town.name), at + length
    return None


def _grade_at(tokens: list[Token], start: int) -> tuple[Term, int] | None:
    """A grade at `start`: "grade 2", "grade 1 or 2", "G1/G2", "grade II", "grade 1 to 3" (a range)."""
    numbers: list[str] = []
    if re.fullmatch(r"g[123]", tokens[start].word):
        numbers.append(words.GRADE_NUMBERS[tokens[start].word[1]])
    elif tokens[start].word not in ("grade", "grades"):
        return None
    end = probe = start + 1
    while probe < len(tokens) and not tokens[probe].quoted:
        word = tokens[probe].word
        grade = words.GRADE_NUMBERS.get(word) or (words.GRADE_NUMBERS[word[1]] if re.fullmatch(r"g[123]", word) else "")
        if grade:
            numbers.append(grade)
            end = probe + 1
        elif word not in ("or", "and", "to") or not numbers:
            break
        probe += 1
    if not numbers:
        return None
    low, high = min(numbers), max(numbers)
    return Term(Kind.GRADE, tuple(g for g in ("G1", "G2", "G3") if low <= g <= high)), end


# Kinds whose mentions make one item together: the page filters them as one list of options.
_MERGED = (Kind.TUMOUR_TYPE, "site", "diagnosis", Kind.GRADE, Kind.STATUS)


def _items(
    q: str, tokens: list[Token], mentions: list[_Mention], vocabulary: Vocabulary
) -> tuple[list[Item], list[int]]:
    """Merge the mentions into items; return the items and the tokens of mentions that resolved to nothing."""
    groups: dict[tuple[str, tuple[str, ...], str], list[_Mention]] = {}
    keys: dict[int, tuple[str, tuple[str, ...], str]] = {}
    for mention in mentions:
        kind = mention.term.kind
        merged = Kind.TUMOUR_TYPE if kind in ("site", "diagnosis") else kind
        values = () if kind in _MERGED else mention.term.values
        keys[id(mention)] = (merged, values, mention.role)
        groups.setdefault(keys[id(mention)], []).append(mention)
    for mention in mentions:
        if mention.after is not None and keys[id(mention.after)] != keys[id(mention)]:
            mention.after.shares_cue = True
    items, unresolved = [], []
    for (kind, _values, _role), group in groups.items():
        role = group[0].role
        if kind == Kind.TUMOUR_TYPE:
            values, label = _tumour_types(group, vocabulary.tumour_types)
            params = tuple((str(kind), value) for value in values)
        elif kind == Kind.PLACE:
            params = tuple(zip(group[0].term.values[::2], group[0].term.values[1::2], strict=True))
            label = group[0].term.label
        else:
            values = tuple(dict.fromkeys(v for m in group for v in m.term.values))
            params = tuple((str(kind), value) for value in values)
            single = len(group) == 1 or kind not in _MERGED
            label = group[0].term.label if single and group[0].term.label else _label(Kind(kind), values)
        if not params:
            unresolved += [i for m in group for i in range(m.first, m.last)]
            continue
        spans = tuple((_start(tokens, m), tokens[m.last - 1].end) for m in group)
        if role is not Role.FILTER:
            label = ("After " if role is Role.AFTER else "Not ") + (
                label if label[1:2].isupper() else label[0].lower() + label[1:]
            )
        items.append(Item(Kind(kind), params, label, spans, tuple(q[a:b] for a, b in spans), role))
    return sorted(items, key=lambda item: item.spans[0]), unresolved


def _start(tokens: list[Token], mention: _Mention) -> int:
    """Where a mention's words start: at its cue, or at the "-" typed before it."""
    if mention.cue is not None and not mention.shares_cue:
        return tokens[mention.cue].start
    return tokens[mention.first].start - tokens[mention.first].minus


def _label(kind: Kind, values: tuple[str, ...]) -> str:
    if kind is Kind.GRADE:
        return "Grade " + _or([value[1] for value in values])
    if kind is Kind.STATUS:
        return _or([Status(value).label for value in values]).capitalize()
    return _or(list(values))


def _or(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def _tumour_types(group: list[_Mention], types: tuple[TumourTypeEntry, ...]) -> tuple[tuple[str, ...], str]:
    """The tumour type slugs and label for the sites, diagnoses and named types of one sentence."""
    sites = list(dict.fromkeys(s for m in group if m.term.kind == "site" for s in m.term.values))
    diagnoses = list(dict.fromkeys(d for m in group if m.term.kind == "diagnosis" for d in m.term.values))
    by_slug = {entry.slug: entry for entry in types}
    named = [by_slug[s] for m in group if m.term.kind == Kind.TUMOUR_TYPE for s in m.term.values if s in by_slug]
    chosen: list[TumourTypeEntry] = list(named)
    labels = [entry.name for entry in named]
    if sites and not diagnoses:
        for site in sites:
            chosen += most_specific(types, site, None)
        names = [PrimarySite(site).label.lower() for site in sites]
        labels.insert(0, "Primary site unknown" if sites == ["unknown_primary"] else "Started in the " + _or(names))
    origins: list[str | None] = list(sites) or [None]
    for origin in origins if diagnoses else []:
        for diagnosis in diagnoses:
            found = most_specific(types, origin, diagnosis)
            chosen += found
            if len(found) == 1:
                labels.append(found[0].name)
            elif origin is None:
                labels.append(Diagnosis(diagnosis).label)
            else:
                short = Diagnosis(diagnosis).label.rsplit("(", 1)[-1].rstrip(")")  # "NEC", "MiNEN"
                labels.append(f"{short} that started in the {PrimarySite(origin).label.lower()}")
    slugs = tuple(dict.fromkeys(entry.slug for entry in chosen))
    return slugs, _or(list(dict.fromkeys(labels))) if slugs else ""


def _text(q: str, tokens: list[Token], kept: list[int]) -> str:
    """The kept words as typed, in order: "5-FU" stays whole, quoted words keep their quotes."""
    segments = [match.span() for match in re.finditer(r'"[^"]*"', q)]
    parts: list[str] = []
    previous = -2
    for index in kept:
        token = tokens[index]
        segment = next((span for span in segments if span[0] < token.start < span[1]), None)
        if segment is not None:
            text = " " + q[segment[0] : segment[1]]
            if text not in parts[-1:]:
                parts.append(text)
        else:
            between = q[tokens[previous].end : token.start] if previous == index - 1 else " "
            glue = between if between and not any(c.isspace() or c == '"' for c in between) else " "
            parts.append(glue + ("-" if token.minus else "") + q[token.start : token.end])
        previous = index
    return " ".join("".join(parts).split())


def removal_query(understanding: Understanding, item: Item, *, keep_words: bool = False) -> str:
    """The sentence without `item`: its words cut out, or quoted so they are searched as text only.

    Understanding the result gives the other items unchanged, so a chip's link (no JavaScript) is
    `?q=<this>` with the rest of the page's parameters.
    """
    q = understanding.q
    parts, position = [], 0
    for start, end in sorted(item.spans):
        parts.append(q[position:start])
        if keep_words:
            parts.append('"' + q[start:end].replace('"', "") + '"')
        position = end
    parts.append(q[position:])
    text = re.sub(r"\(\s*\)", "", " ".join("".join(parts).split()))  # "everolimus (Afinitor)"
    text = re.sub(r"\s+([,.;:!?])", r"\1", " ".join(text.split()))
    return re.sub(r"([,;:])[,;:]+", r"\1", text).strip(" ,;:")


# This process's copy of the vocabulary, with the stamp it was read under.
_memo: tuple[str, Vocabulary] | None = None


def understanding_vocabulary() -> Vocabulary:
    """The vocabulary for this generation of the registry (three queries when the cache is cold).

    Unpickling the cached vocabulary costs about 4 ms, so each process keeps the one it last read,
    until the stamp cached beside it changes (a new generation, or a cleared cache).
    """
    global _memo
    stamp = cached("understanding-vocabulary-stamp", (), lambda: uuid.uuid4().hex)
    if _memo is None or _memo[0] != stamp:
        terms, tumour_types = cached("understanding-vocabulary", (), _vocabulary_from_database)
        # The towns come from a file, the same in every process: not worth a place in the shared cache.
        _memo = stamp, Vocabulary(terms=terms, tumour_types=tumour_types, towns=town_index())
    return _memo[1]


def _vocabulary_from_database() -> tuple[dict[tuple[str, ...], Term], tuple[TumourTypeEntry, ...]]:
    from trials.registry.models import Intervention, Trial, TumourType

    built = Vocabulary.build(
        tumour_types=[
            TumourTypeEntry(slug, name, site, diagnosis, tuple(synonyms))
            for slug, name, site, diagnosis, synonyms in TumourType.objects.order_by("name").values_list(
                "slug", "name", "primary_site", "diagnosis", "synonyms"
            )
        ],
        interventions=[
            InterventionEntry(slug, name, kind, tuple(synonyms))
            for slug, name, kind, synonyms in Intervention.objects.order_by("name").values_list(
                "slug", "name", "kind", "synonyms"
            )
        ],
        acronyms=Trial.objects.published().exclude(acronym="").values_list("acronym", flat=True),
    )
    return built.terms, built.tumour_types
