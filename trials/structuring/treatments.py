"""Prior treatments: "Prior treatment with lenvatinib", "No prior therapy with cabozantinib".

Only the plainest wording gives a rule: a prior-use phrase, a list of treatments, nothing else.
Allergy, hypersensitivity and intolerance are not use; current, concurrent and ongoing use is not
prior use; "within 4 weeks", "for metastatic disease", "more than one line" limit it in ways the
fact cannot say (it has no dates, settings or counts). Each named treatment must be in the
vocabulary (an intervention's name, slug or synonym) or name a kind ("chemotherapy", "PRRT"); an
unknown name is dropped from the list, which only ever makes the rule looser (an exclusion
excludes fewer, an inclusion's "no prior X or Y" forbids fewer). "And" makes the list ambiguous
(both, or either?), so it gives no rule.
"""

from __future__ import annotations

import re
from functools import cache

from trials.registry.choices import InterventionKind
from trials.structuring.limits import EXCLUSION, INCLUSION
from trials.structuring.suggestion import Suggestion, evidence
from trials.structuring.vocabulary import Vocabulary

# Kinds of intervention a patient can have been treated with (not tracers, devices or tests).
_TREATMENT_KINDS = {
    InterventionKind.TARGETED_DRUG,
    InterventionKind.PRRT,
    InterventionKind.SOMATOSTATIN_ANALOGUE,
    InterventionKind.CHEMOTHERAPY,
    InterventionKind.IMMUNOTHERAPY,
    InterventionKind.OTHER,
}
# A synonym with one of these words names a class or a test, not the drug ("platinum chemotherapy").
_GENERIC_WORDS_RE = re.compile(
    r"\b(?:chemotherapy|therapy|treatment|factor|tests?|samples?|drug|pill|injection|app|scan|blood|urine|tissue"
    r"|dummy|placebo)\b",
    re.IGNORECASE,
)
_KIND_TERMS: dict[str, str] = {
    InterventionKind.CHEMOTHERAPY: r"(?:cytotoxic\s+|systemic\s+)?chemotherap(?:y|ies)|chemo",
    InterventionKind.SOMATOSTATIN_ANALOGUE: r"somatostatin\s+analog(?:ue)?s?|SSAs?",
    InterventionKind.PRRT: r"PRRT|peptide[\s-]+receptor[\s-]+radio(?:nuclide|ligand)\s+(?:therap(?:y|ies)|treatment)",
    InterventionKind.IMMUNOTHERAPY: r"immunotherap(?:y|ies)",
    InterventionKind.TARGETED_DRUG: r"targeted\s+(?:therap(?:y|ies)|agents?|drugs?)",
}
_SUBJECT = r"(?:(?:the\s+)?(?:patients?|subjects?|participants?)\s+(?:who\s+)?(?:has|have|had|having)?\s*)?"
_PRIOR = (
    r"(?:(?:has|have|had)\s+)?(?:received\s+)?(?:any\s+)?(?:prior|previous(?:ly)?)\s+(?:(?:treatment|therapy|exposure)\s+"
    r"(?:with|to)\s+)?(?:any\s+)?"
)
_RECEIVED = (
    r"(?:you\s+)?(?:(?:has|have)\s+)?(?:already\s+|previously\s+)?(?:received|(?:been\s+)?treated\s+with|had)\s+"
    r"(?:prior\s+)?"
    r"(?:any\s+)?"
)
_BEFORE = r"(?:\s+(?:before|previously|in\s+the\s+past))?"
_HISTORY = r"history\s+of\s+(?:prior\s+)?(?:treatment|therapy)\s+with\s+(?:any\s+)?"
_EXCLUSION_RE = re.compile(
    rf"^\W*{_SUBJECT}(?:{_RECEIVED}|{_PRIOR}|{_HISTORY})(?P<list>.+?){_BEFORE}[\s.;]*$", re.IGNORECASE
)
_INCLUSION_RE = re.compile(
    r"^\W*(?:(?:the\s+)?(?:patients?|subjects?|participants?)\s+(?:must\s+)?)?"
    r"(?:no\s+(?:prior|previous)\s+(?:(?:treatment|therapy|exposure)\s+(?:with|to)\s+)?(?:any\s+)?"
    r"|(?:must\s+)?(?:not\s+have|have\s+not|has\s+not|never\s+have|have\s+never|has\s+never)\s+(?:been\s+)?(?:previously\s+)?"
    r"(?:received|had|been\s+treated\s+with)\s+(?:prior\s+)?(?:any\s+)?|na[iï]ve\s+to\s+(?:any\s+)?)"
    rf"(?P<list>.+?){_BEFORE}[\s.;]*$",
    re.IGNORECASE,
)
# Words that limit the use in time, setting, amount or outcome, or make it something other than use.
_UNSAFE_RE = re.compile(
    r"\b(?:within|last|past|recent\w*|weeks?|months?|days?|years?|current\w*|concurrent\w*|concomitant\w*|ongoing"
    r"|allerg\w*|hypersensitiv\w*|intoleran\w*|contraindicat\w*|sensitivity|reactions?|for|in|as|setting|adjuvant"
    r"|neoadjuvant|lines?|more|least|unless|except\w*|other|than|dose\w*|cycles?|progress\w*|fail\w*|refractory"
    r"|resistan\w*|excluding|allowed|permitted|eligible|required|stopped|discontinued|since|until|after|before"
    r"|and(?!\s*/))\b",
    re.IGNORECASE,
)
_SEPARATOR_RE = re.compile(r"\s*(?:,\s*(?:or\s+|and/or\s+)?|\s+or\s+|\s+and/or\s+|\s*/\s*)\s*", re.IGNORECASE)
_SUFFIX_RE = re.compile(r"(?:[\s-]+based)?(?:\s+(?:treatment|therapy|therapies|regimens?|agents?|drugs?))?$", re.I)


def _term_pattern(term: str) -> str:
    parts = [re.escape(part) for part in re.split(r"[\s-]+", term.strip()) if part]
    return r"[\s-]*".join(parts)


@cache
def _terms(vocabulary: Vocabulary) -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, slug or kind) for every name a treatment is known by; ambiguous names map to their kind."""
    owners: dict[str, set[tuple[str, str]]] = {}
    for drug in vocabulary.drugs:
        if drug.kind not in _TREATMENT_KINDS:
            continue
        names = {drug.name, drug.slug, drug.slug.replace("-", " ")}
        names |= {synonym for synonym in drug.synonyms if not _GENERIC_WORDS_RE.search(synonym)}
        for name in names:
            if len(name.strip()) >= 3:
                owners.setdefault(name.strip().lower(), set()).add((drug.slug, drug.kind))
    terms: list[tuple[re.Pattern[str], str]] = []
    for name, found in owners.items():
        kinds = {kind for _slug, kind in found}
        value = next(iter(found))[0] if len(found) == 1 else str(next(iter(kinds))) if len(kinds) == 1 else ""
        if value:
            terms.append((re.compile(_term_pattern(name), re.IGNORECASE), value))
    terms += [(re.compile(pattern, re.IGNORECASE), str(kind)) for kind, pattern in _KIND_TERMS.items()]
    return tuple(terms)


def _split(listed: str) -> list[str] | None:
    """The items of a list, split outside parentheses; None when "and" joins them."""
    depth, items, start = 0, [], 0
    index = 0
    while index < len(listed):
        char = listed[index]
        depth += char == "("
        depth -= char == ")"
        if depth == 0:
            separator = _SEPARATOR_RE.match(listed, index)
            if separator and separator.end() > index and (separator.group().strip() or char == ","):
                items.append(listed[start:index])
                start = index = separator.end()
                continue
            if re.match(r"\s+and\s+", listed[index:], re.IGNORECASE):
                return None
        index += 1
    items.append(listed[start:])
    return [item.strip() for item in items if item.strip()]


def _identify(item: str, terms: tuple[tuple[re.Pattern[str], str], ...]) -> str | None:
    """The slug or kind an item names exactly ("5-FU (fluorouracil)" -> fluorouracil), or None."""
    bare = re.sub(r"\s*\([^()]*\)", "", item).strip()
    candidates = [_SUFFIX_RE.sub("", bare).strip(), bare, *re.findall(r"\(([^()]*)\)", item)]
    for candidate in candidates:
        for pattern, value in terms:
            if candidate and pattern.fullmatch(candidate.strip()):
                return value
    return None


def treatment_suggestions(kind: str, text: str, vocabulary: Vocabulary) -> list[Suggestion]:
    """A prior-treatment rule for a plain "prior X" exclusion or "no prior X" inclusion."""
    pattern = _EXCLUSION_RE if kind == EXCLUSION else _INCLUSION_RE if kind == INCLUSION else None
    match = pattern.match(text) if pattern else None
    if match is None or _UNSAFE_RE.search(match.group("list")):
        return []
    items = _split(match.group("list").strip())
    if not items:
        return []
    terms = _terms(vocabulary)
    named = list(dict.fromkeys(value for item in items if (value := _identify(item, terms)) is not None))
    if not named:
        return []
    operator = "includes_any" if kind == EXCLUSION else "includes_none"
    rule = {"fact": "prior_treatments", "operator": operator, "value": named}
    start, end = match.start("list"), match.end("list")
    quoted = evidence(text, match.start(), end)
    lead = "Excludes anyone who has had" if kind == EXCLUSION else "Needs the patient not to have had"
    dropped = len(named) < len(items)
    note = " (names outside the vocabulary are left out, which only makes the rule looser)" if dropped else ""
    explanation = f"{lead} {' or '.join(named)}: “{quoted}”.{note}"
    return [
        Suggestion(rule, match.start() if match.start() < start else start, end, quoted, explanation, "prior_treatment")
    ]
