"""Yes/no conditions: pregnancy, brain metastases, measurable disease, recent growth, carcinoid
syndrome, resectability and extent.

An exclusion proposes `is_true` only when the condition stands alone: "Known brain metastases",
"Pregnant or breast-feeding". A word the fact cannot say ("active", "untreated", "who, as judged by
the investigator", "at diagnosis") makes it narrower than the fact, and a rule would then exclude
people the text keeps. An inclusion proposes `is_false` for "No brain metastases" on the same terms,
and `is_true` for a requirement stated outright.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from trials.structuring.guards import (
    ALTERNATIVE_BEFORE_RE,
    EXCEPTION_RE,
    NEGATION_BEFORE_RE,
    QUALIFIER_AFTER_RE,
    QUALIFIER_BEFORE_RE,
    SITE_WORDS_RE,
)
from trials.structuring.limits import EXCLUSION, INCLUSION
from trials.structuring.suggestion import Suggestion, evidence
from trials.structuring.text import Clause, clause_at

_PREGNANT = r"pregnan(?:t|cy)"
_FEEDING = r"breast[\s-]?feed(?:ing)?|lactat(?:ing|ion)|nursing"
_PREGNANCY_PAIR_RE = re.compile(
    rf"\b(?:(?P<p1>{_PREGNANT})|(?P<f1>{_FEEDING}))(?:\s+(?:women|females|patients|subjects|participants|mothers))?"
    r"\s*(?:,\s*(?:or\s+|and/or\s+)?|\s+or\s+|\s*/\s*|\s+and/or\s+)(?:(?:who\s+are|are|be|is)\s+)?"
    rf"(?:(?P<p2>{_PREGNANT})|(?P<f2>{_FEEDING}))\b",
    re.IGNORECASE,
)
_NOT_PREGNANT_RE = re.compile(
    rf"\bnon-?\s*(?:{_PREGNANT})\s*(?:,|and|or|/)\s*non-?\s*(?:{_FEEDING})\b"
    rf"|\bnon-?\s*(?:{_FEEDING})\s*(?:,|and|or|/)\s*non-?\s*(?:{_PREGNANT})\b"
    rf"|\b(?:not|neither)\s+(?:be\s+)?(?:currently\s+)?(?:{_PREGNANT})\s*(?:,|or|nor|and|/)\s*(?:be\s+)?(?:{_FEEDING})\b",
    re.IGNORECASE,
)
_CHILDBEARING_RE = re.compile(r"child[\s-]?bearing|\bWOCBP\b|reproductive\s+potential", re.IGNORECASE)
_BRAIN_RE = re.compile(
    r"\b(?:brain|cerebral|CNS|central\s+nervous\s+system(?:\s*\(CNS\))?|intracranial)"
    r"(?:\s+(?:or|and/or)\s+leptomeningeal)?\s+(?:metastas[ie]s|metastatic\s+disease|mets)\b"
    r"|\bmetastas[ie]s\s+(?:to|in)\s+the\s+(?:brain|CNS|central\s+nervous\s+system)\b|\bspread\s+to\s+the\s+brain\b",
    re.IGNORECASE,
)
_MEASURABLE_RE = re.compile(
    r"\bcan\s+be\s+measured\b|\bmeasur(?:e)?able(?:\s+(?:disease|lesions?|tumou?rs?|target\s+lesions?)\b|(?=[^.;]{0,40}?\b(?:RECIST|scan|CT|MRI|imaging)\b))",
    re.IGNORECASE,
)
_NOT_MEASURABLE_RE = re.compile(
    r"\b(?:evaluable|non-?measur\w*|assessable|lugano|macdonald|rano|cheson|bone[-\s]only|not\s+(?:be\s+)?required"
    r"|or\s+non)\b",
    re.IGNORECASE,
)
_PROGRESSION_RE = re.compile(
    r"\b(?:progress(?:ion|ive\s+disease|ed)|growth\s+on\s+(?:a\s+)?scan|scan\s+shows\s+growth|(?:tumou?r|disease)\s+growth"
    r"|(?:has|have|had)\s+grown|grew)\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "six": 6, "nine": 9, "twelve": 12, "eighteen": 18}
_WINDOW_RE = re.compile(
    r"\b(?:within|in|during|over)\s+(?:the\s+)?(?:(?P<relative>last|past|previous|preceding|prior)\s+)?"
    r"(?:(?P<number>\d+|one|two|three|six|nine|twelve)\s+)?(?P<unit>months?|years?|weeks?)\b",
    re.IGNORECASE,
)
_ANCHOR_RE = re.compile(
    r"\s*(?:\([^()]*\)\s*)?(?:of|from|before|prior\s+to|preceding)\s+(?:the\s+)?(?:date\s+of\s+)?(?:study\s+entry|entry"
    r"|enrol\w*|randomi[sz]\w*|registration|(?:signing\s+)?(?:the\s+)?(?:informed\s+)?consent|screening|inclusion"
    r"|first\s+dose|study\s+start|start\s+of\s+(?:the\s+)?(?:study|treatment)|(?:you|they)\s+join\w*)",
    re.IGNORECASE,
)
_DURATION_RE = re.compile(
    r"\b(?P<number>\d+|one|two|three|six|nine|twelve|eighteen)\s*(?P<unit>months?|years?)\b", re.I
)
_ON_OR_AFTER_RE = re.compile(r"\b(?:on|during|at)\s+or\s+(?:after|following|since)\b", re.IGNORECASE)
_NO_PROGRESSION_RE = re.compile(r"\b(?:no|without|non|free)[\s-]+(?:\w+\s+){0,2}$|progression[\s-]+free", re.I)
_CARCINOID_RE = re.compile(r"\bcarcinoid\s+syndrome\b", re.IGNORECASE)
_WITH_OR_WITHOUT_RE = re.compile(r"\bwith\s+or\s+without\b|\bwith\s+and\s+without\b", re.IGNORECASE)
_REQUIREMENT_AFTER_RE = re.compile(r"\b(?:must|should|will|may|need|needs|are|is|can|who|that|which)\b", re.I)
_NUMBER_OR_MORE_RE = re.compile(r"\d+\s+(?:or|and)\s+(?:more|greater|higher|above|over|less|fewer|lower|below)\b", re.I)
_NON_FUNCTIONING_RE = re.compile(r"\bnon-?\s*function(?:ing|al)\b", re.IGNORECASE)
_UNRESECTABLE_RE = re.compile(
    r"\bunresectable\b|\bnon-?resectable\b|\binoperable\b|\bnot\s+(?:be\s+)?(?:surgically\s+)?(?:removable|resectable|operable)\b"
    r"|\bcannot\s+be\s+(?:completely\s+|fully\s+|surgically\s+)?(?:removed|resected)\b|\bnot\s+amenable\s+to\s+(?:curative\s+)?"
    r"(?:surgery|resection|surgical\s+resection)\b",
    re.IGNORECASE,
)
_LOCALLY_ADVANCED = r"locally[\s-]+advanced"
_SPREAD = r"metastatic|spread|distant\s+metastas[ie]s"
_EXTENT_RE = re.compile(
    rf"\b{_LOCALLY_ADVANCED}\s*(?:,\s*(?:or\s+)?|/|\s+or\s+|\s+and/or\s+)(?:{_SPREAD})\b"
    rf"|\b(?:metastatic)\s*(?:,\s*(?:or\s+)?|/|\s+or\s+|\s+and/or\s+){_LOCALLY_ADVANCED}\b"
    r"|\bgrown\s+into\s+(?:nearby|surrounding)\s+tissues?\s+or\s+spread\b"
    r"|\b(?:has|had|have)\s+spread\b(?!\s+to\s+the\s+brain)",
    re.IGNORECASE,
)
_OTHER_ALTERNATIVE_RE = re.compile(
    r"\b(?:or|and/or)\b[^.;]*\b(?:remov|resect|operab|inoperab|surg|grow|progress|recurr|relaps|refractor|unresect"
    r"|non-?resect)"
    r"|\b(?:remov|resect|operab|inoperab|surg|grow|progress|recurr|relaps|unresect|non-?resect)\w*[^.;]*\b(?:or|and/or)\b",
    re.IGNORECASE,
)
_ALTERNATIVE_RE = re.compile(r"[,;(]?\s*(?:or|and\s*/\s*or)\b", re.IGNORECASE)
_HARMLESS_AFTER_RE = re.compile(
    r"\s*(?:\((?P<paren>[^()]*)\))?\s*(?:(?:are|is|will\s+be|being)\s+(?:excluded|ineligible|not\s+eligible))?"
    r"\s*(?:\((?P<paren2>[^()]*)\))?\s*(?:women|females|patients|subjects|participants|mothers)?[\s.;:,]*",
    re.IGNORECASE,
)
_SUBJECT_BEFORE_RE = re.compile(
    r"\W*(?:(?:the\s+|a\s+)?(?:female\s+|male\s+|adult\s+)?(?:patients?|subjects?|participants?|women|females?|men|males?"
    r"|individuals?|people|persons?|you|(?:your|the)\s+(?:cancer|tumou?r|disease|NET))\s*(?:who\s+|that\s+)?)?"
    r"(?:(?:is|are|has|have|had|with|having|known|a|an|any|the|either|current(?:ly)?|documented|confirmed|diagnosed"
    r"|history\s+of|prior\s+history\s+of|presence\s+of|evidence\s+of|diagnosis\s+of|spread|already)\s+)*",
    re.IGNORECASE,
)
# Words before a condition that make it an exception or a cause of something else.
_SET_ASIDE_RE = re.compile(
    rf"(?:{EXCEPTION_RE.pattern})|\b(?:besides|aside\s+from|rather\s+than|instead\s+of)\b"
    r"|\b(?:due|related|secondary|attributable|unrelated|caused|explained)\s+(?:to|by)\s+(?:the\s+|a\s+|an\s+)?$",
    re.IGNORECASE,
)


def _rule(fact: str, operator: str, value: object = None) -> dict[str, object]:
    return {"fact": fact, "operator": operator, "value": value}


def _suggestion(text: str, start: int, end: int, rule: dict[str, object], why: str, pattern: str) -> Suggestion:
    quoted = evidence(text, start, end)
    return Suggestion(rule, start, end, quoted, f"{why}: “{quoted}”.", pattern)


def _until_alternative(text: str, start: int, end: int) -> str:
    """The words after a condition up to the first "or" (an exclusion's further alternatives)."""
    match = _ALTERNATIVE_RE.search(text, start, end)
    return text[start : match.start() if match else end]


def _stands_alone(after: str) -> bool:
    """Whether nothing after a condition narrows it ("Known brain metastases." or "... are excluded")."""
    match = _HARMLESS_AFTER_RE.fullmatch(after)
    if match is None:
        return False
    parens = " ".join(part for part in (match.group("paren"), match.group("paren2")) if part)
    return not QUALIFIER_AFTER_RE.search(parens)


def _subject_before(text: str, clause: Clause, start: int) -> bool:
    """Whether only a subject stands before an excluded condition ("Patients with known", "History of").

    "Prior surgery for carcinoid syndrome" excludes the surgery, not the syndrome.
    """
    before = text[clause.start : start]
    cuts = list(re.finditer(r"[,;:(]|\bor\b|\band/or\b", before, re.IGNORECASE))
    segment = before[cuts[-1].end() :] if cuts else before
    return bool(_SUBJECT_BEFORE_RE.fullmatch(segment))


def _qualified_before(text: str, clause: Clause, start: int) -> bool:
    """Whether words before a condition qualify it ("active", "untreated or symptomatic") or set it
    aside ("another cause, apart from carcinoid syndrome")."""
    if _SET_ASIDE_RE.search(text[clause.start : start]):
        return True
    before = text[max(clause.start, start - 60) : start]
    cuts = list(re.finditer(r"[,;:(]", before))
    segment = before[cuts[-1].end() :] if cuts else before
    return bool(QUALIFIER_BEFORE_RE.search(segment))


def _clauses_of(
    all_clauses: list[Clause], pattern: re.Pattern[str], text: str
) -> Iterator[tuple[Clause, re.Match[str]]]:
    for match in pattern.finditer(text):
        clause = clause_at(all_clauses, match.start())
        if clause is not None:
            yield clause, match


def pregnancy_suggestions(kind: str, text: str, all_clauses: list[Clause]) -> list[Suggestion]:
    """Pregnant or breastfeeding: only when the text names both (the fact cannot tell them apart)."""
    if kind == EXCLUSION:
        for clause, match in _clauses_of(all_clauses, _PREGNANCY_PAIR_RE, text):
            pregnant = match.group("p1") or match.group("p2")
            feeding = match.group("f1") or match.group("f2")
            before = text[max(clause.start, match.start() - 30) : match.start()]
            if not (pregnant and feeding) or NEGATION_BEFORE_RE.search(before):
                continue
            if not _subject_before(text, clause, match.start()):
                continue
            after = _until_alternative(text, match.end(), clause.end)
            after = re.sub(r"^\s*(?:women|females|patients|subjects|participants|mothers)\b", "", after, flags=re.I)
            if not _stands_alone(after):
                continue
            rule = _rule("pregnant_or_breastfeeding", "is_true")
            return [
                _suggestion(text, match.start(), match.end(), rule, "Excludes pregnancy and breastfeeding", "pregnancy")
            ]
        return []
    for clause, match in _clauses_of(all_clauses, _NOT_PREGNANT_RE, text):
        before = text[clause.start : match.start()]
        if _CHILDBEARING_RE.search(clause.text):
            continue  # only some women are asked: others are not held to it
        if ALTERNATIVE_BEFORE_RE.search(before) and not re.search(r"\bmales?\s+or\s*$", before, re.IGNORECASE):
            continue
        rule = _rule("pregnant_or_breastfeeding", "is_false")
        why = "Needs the patient to be neither pregnant nor breastfeeding"
        return [_suggestion(text, match.start(), match.end(), rule, why, "pregnancy")]
    return []


def brain_suggestions(kind: str, text: str, all_clauses: list[Clause]) -> list[Suggestion]:
    """Brain metastases: excluded (or required absent) as such, never "active" or "untreated" ones."""
    for clause, match in _clauses_of(all_clauses, _BRAIN_RE, text):
        before = text[clause.start : match.start()]
        negated = bool(NEGATION_BEFORE_RE.search(before))
        after = (
            _until_alternative(text, match.end(), clause.end) if kind == EXCLUSION else text[match.end() : clause.end]
        )
        at_diagnosis = kind == INCLUSION and not negated and re.fullmatch(r"\s*at\s+diagnosis[\s.;]*", after, re.I)
        if (_qualified_before(text, clause, match.start()) or not _stands_alone(after)) and not at_diagnosis:
            continue
        if kind == EXCLUSION and not negated and _subject_before(text, clause, match.start()):
            rule = _rule("brain_metastases", "is_true")
            return [
                _suggestion(text, match.start(), match.end(), rule, "Excludes brain metastases", "brain_metastases")
            ]
        if kind == INCLUSION and negated:
            rule = _rule("brain_metastases", "is_false")
            return [
                _suggestion(text, match.start(), match.end(), rule, "Needs no brain metastases", "brain_metastases")
            ]
        lead = re.fullmatch(
            r"\W*(?:(?:patients?|subjects?)\s+(?:with|having)\s+|(?:presence\s+of|known|documented|has|have|with)\s+)?",
            before,
            re.IGNORECASE,
        )
        if kind == INCLUSION and lead:
            rule = _rule("brain_metastases", "is_true")
            return [_suggestion(text, match.start(), match.end(), rule, "Needs brain metastases", "brain_metastases")]
    return []


def measurable_suggestions(kind: str, text: str, all_clauses: list[Clause]) -> list[Suggestion]:
    """Measurable disease, required outright (not "measurable or evaluable")."""
    if kind != INCLUSION:
        return []
    for clause, match in _clauses_of(all_clauses, _MEASURABLE_RE, text):
        before = text[max(clause.start, match.start() - 40) : match.start()]
        if re.search(r"\b(?:non|not|no|without|or|and/or)\s*-?\s*$", before, re.I) or _NOT_MEASURABLE_RE.search(
            clause.text
        ):
            continue
        rule = _rule("measurable_disease", "is_true")
        return [_suggestion(text, match.start(), match.end(), rule, "Needs measurable disease", "measurable_disease")]
    return []


def progression_suggestions(kind: str, text: str, all_clauses: list[Clause]) -> list[Suggestion]:
    """Growth within the last 12 months or less ("progressive disease within 12 months of study entry")."""
    if kind != INCLUSION:
        return []
    for clause, match in _clauses_of(all_clauses, _PROGRESSION_RE, text):
        if _NO_PROGRESSION_RE.search(text[clause.start : match.start()]) or re.search(
            r"progression[\s-]+free", clause.text, re.I
        ):
            continue
        if re.search(r"\b(?:or|and/or)\b", _ON_OR_AFTER_RE.sub(" ", clause.text), re.IGNORECASE):
            continue
        if any(_months(duration) > 12 for duration in _DURATION_RE.finditer(clause.text)):
            continue
        window = _WINDOW_RE.search(text, match.end(), min(clause.end, match.end() + 80))
        if window is None or _months(window) > 12:
            continue
        if not (window.group("relative") or _ANCHOR_RE.match(text, window.end())):
            continue
        rule = _rule("progressed_last_12_months", "is_true")
        why = "Needs growth within the last 12 months (a shorter window implies it)"
        return [_suggestion(text, match.start(), window.end(), rule, why, "progression")]
    return []


def _months(match: re.Match[str]) -> float:
    number = match.group("number")
    count = float(_NUMBER_WORDS.get(number.lower(), 0) if number and not number.isdigit() else (number or 1))
    unit = match.group("unit").lower()
    return count * 12 if unit.startswith("year") else count / 4.345 if unit.startswith("week") else count


def carcinoid_suggestions(kind: str, text: str, all_clauses: list[Clause]) -> list[Suggestion]:
    """Carcinoid syndrome: excluded as such, required outright, or ruled out by "non-functioning"."""
    for clause, match in _clauses_of(all_clauses, _CARCINOID_RE, text):
        before = text[clause.start : match.start()]
        if _WITH_OR_WITHOUT_RE.search(clause.text) or _SET_ASIDE_RE.search(before):
            continue
        negated = bool(NEGATION_BEFORE_RE.search(before))
        if kind == EXCLUSION:
            after = _until_alternative(text, match.end(), clause.end)
            if negated or _qualified_before(text, clause, match.start()) or not _stands_alone(after):
                continue
            if not _subject_before(text, clause, match.start()):
                continue
            rule = _rule("carcinoid_syndrome", "is_true")
            return [
                _suggestion(text, match.start(), match.end(), rule, "Excludes carcinoid syndrome", "carcinoid_syndrome")
            ]
        after = text[match.end() : clause.end]
        if negated:
            if _stands_alone(after) and not _qualified_before(text, clause, match.start()):
                rule = _rule("carcinoid_syndrome", "is_false")
                return [
                    _suggestion(
                        text, match.start(), match.end(), rule, "Needs no carcinoid syndrome", "carcinoid_syndrome"
                    )
                ]
            continue
        if ALTERNATIVE_BEFORE_RE.search(before) or re.search(
            r"\b(?:or|and/or)\b", _NUMBER_OR_MORE_RE.sub(" ", after), re.I
        ):
            continue
        if _REQUIREMENT_AFTER_RE.match(after.strip()) or re.search(r"\b(?:if|when|for)\s*$", before, re.I):
            continue  # "patients with carcinoid syndrome must ...": a condition on some patients only
        rule = _rule("carcinoid_syndrome", "is_true")
        return [_suggestion(text, match.start(), match.end(), rule, "Needs carcinoid syndrome", "carcinoid_syndrome")]
    if kind == INCLUSION:
        for clause, match in _clauses_of(all_clauses, _NON_FUNCTIONING_RE, text):
            rest = text[match.end() : clause.end]
            alternative = re.search(r"\b(?:or|and/or)\b", rest, re.IGNORECASE)
            if alternative and not SITE_WORDS_RE.fullmatch(rest[alternative.start() :].rstrip(" .;")):
                continue
            if ALTERNATIVE_BEFORE_RE.search(text[clause.start : match.start()]):
                continue
            rule = _rule("carcinoid_syndrome", "is_false")
            why = "Needs a non-functioning tumour, so no carcinoid syndrome"
            return [_suggestion(text, match.start(), match.end(), rule, why, "carcinoid_syndrome")]
    return []


def resectable_suggestions(kind: str, text: str, all_clauses: list[Clause]) -> list[Suggestion]:
    """Not removable by surgery, when it is not one of several alternatives ("unresectable or metastatic")."""
    if kind != INCLUSION:
        return []
    for clause, match in _clauses_of(all_clauses, _UNRESECTABLE_RE, text):
        if re.search(r"\b(?:or|and/or)\b|/", clause.text, re.IGNORECASE):
            continue
        rule = _rule("resectable", "is_false")
        return [
            _suggestion(text, match.start(), match.end(), rule, "Needs a tumour surgery cannot remove", "resectable")
        ]
    return []


def extent_suggestions(kind: str, text: str, all_clauses: list[Clause]) -> list[Suggestion]:
    """Locally advanced or metastatic (or "has spread"), not when it is one alternative among other facts."""
    if kind != INCLUSION:
        return []
    for clause, match in _clauses_of(all_clauses, _EXTENT_RE, text):
        before = text[clause.start : match.start()]
        rest = text[clause.start : match.start()] + " " + text[match.end() : clause.end]
        if _OTHER_ALTERNATIVE_RE.search(rest) or re.search(r"\bnot\s*$", before, re.IGNORECASE):
            continue
        if ALTERNATIVE_BEFORE_RE.search(before):
            continue
        rule = _rule("extent", "in", ["locally_advanced", "metastatic"])
        why = "Needs a tumour that has grown beyond where it started (locally advanced or spread)"
        return [_suggestion(text, match.start(), match.end(), rule, why, "extent")]
    return []


def condition_suggestions(kind: str, text: str, all_clauses: list[Clause]) -> list[Suggestion]:
    """Every yes/no condition the criterion states safely."""
    return [
        *pregnancy_suggestions(kind, text, all_clauses),
        *brain_suggestions(kind, text, all_clauses),
        *measurable_suggestions(kind, text, all_clauses),
        *progression_suggestions(kind, text, all_clauses),
        *carcinoid_suggestions(kind, text, all_clauses),
        *resectable_suggestions(kind, text, all_clauses),
        *extent_suggestions(kind, text, all_clauses),
    ]
