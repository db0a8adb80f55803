"""Age, sex and bowel movements a day: limits named by the words around a number.

An age is a number of years (or days, weeks, months) next to "age", "aged", "years old",
"years of age" or the people it describes ("Patient over 18 years"); "disease free for at least 5
years" is not an age. Every age limit in a criterion is gathered and the loosest kept, so cohorts
("≥ 12 years to < 18 years ...; ≥ 28 days to < 18 years ...") give the range that covers them all.
"""

from __future__ import annotations

import re

from trials.structuring.guards import ALTERNATIVE_BEFORE_RE, read_tail
from trials.structuring.limits import INCLUSION, NUMERIC_FACTS, Target, explain, rules_for, target
from trials.structuring.numbers import COMPARATOR_RE, Bound, Limit, Op, limit_at, limits_in, parse_number
from trials.structuring.suggestion import Suggestion, evidence
from trials.structuring.text import Clause, clause_at, reach

_AGE_BEFORE_RE = re.compile(
    r"(?<!gestational\s)(?<!gestational)\b(?:age[sd]?|patients?|participants?|subjects?|adults?|men|women|males?|females?"
    r"|children|volunteers?|people|persons?|individuals?)(?:\s+(?:is|are|must\s+be|should\s+be|of|at|aged?|range|from))*"
    r"\s*[:=]?\s*$",
    re.IGNORECASE,
)
_AGE_WORD_BEFORE_RE = re.compile(
    r"(?<!gestational\s)\bage[sd]?(?:\s+(?:is|must\s+be|of|at|range|from))*\s*[:=]?\s*$", re.I
)
# "for individuals ≥ 1 year of age": a limit that only says who something else applies to.
_CONDITIONAL_BEFORE_RE = re.compile(r"\b(?:for|in|if|when|whose|where)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
_MODAL_AFTER_RE = re.compile(r"\s*(?:must|should|shall|need|needs|may|can|will|are\s+required|who\s+must)\b", re.I)
_AGE_NAME_BEFORE_RE = re.compile(r"\bage[sd]?\b[\s:=]*(?:is\s+|of\s+|at\s+|between\s+)*$", re.IGNORECASE)
_AGE_AFTER_RE = re.compile(r"\s*(?:of\s+age|old|-year-old|year-old)\b", re.IGNORECASE)
_AGE_COMPARED_RE = re.compile(
    rf"(?P<comparator>{COMPARATOR_RE.pattern})\s+(?:the\s+)?age\s+(?:of\s+)?(?P<number>\d+)(?:\s*years?)?",
    re.IGNORECASE,
)
_SEX_ONLY_RE = re.compile(
    r"\b(?:(?P<female>females?|women|woman)|(?P<male>males?|men|man))(?:\s+(?:patients?|participants?|subjects?))?\s+only\b"
    r"|\bonly\s+(?:(?P<female2>females?|women)|(?P<male2>males?|men))\b",
    re.IGNORECASE,
)
_BOWEL_RE = re.compile(
    r"(?:bowel\s+movements?|BMs?|stools?|bowel\s+motions?)(?:\s+(?:a|per|each)\s+day|\s*/\s*day|\s+daily)\b", re.I
)


def _age_limits(text: str) -> list[Limit]:
    """Every limit in `text` that is an age: by the words before or after it."""
    found: list[Limit] = []
    for limit in limits_in(text, 0, len(text)):
        families = {bound.family for bound in limit.bounds}
        before = text[max(0, limit.start - 40) : limit.start]
        if _CONDITIONAL_BEFORE_RE.search(before):
            continue
        after = _AGE_AFTER_RE.match(text, limit.end)
        if _MODAL_AFTER_RE.match(text, after.end() if after else limit.end):
            continue  # "patients 12-17 years must weigh ≥ 40 kg": the age says who, not who may join
        if families == {"time"} and (after or _AGE_BEFORE_RE.search(before)):
            found.append(limit)
        elif families == {""} and _AGE_WORD_BEFORE_RE.search(before):
            found.append(limit)  # "aged 18 or over"
    for match in _AGE_COMPARED_RE.finditer(text):  # "under age 60", "over the age of 18"
        comparator = COMPARATOR_RE.match(match.group("comparator"))
        if comparator:
            op = Op[str(comparator.lastgroup)]
            bound = Bound(op, parse_number(match.group("number")), "time", match.start(), match.end())
            found.append(Limit((bound,), match.start(), match.end()))
    return sorted(found, key=lambda limit: limit.start)


def age_suggestions(kind: str, text: str, all_clauses: list[Clause]) -> list[Suggestion]:
    """The age range the criterion allows (inclusion) or excludes (exclusion), the loosest it states."""
    fact = NUMERIC_FACTS["age"]
    targets: list[Target] = []
    limits = _age_limits(text)
    for limit in limits:
        clause = clause_at(all_clauses, limit.start)
        if clause is None:
            continue
        before = text[clause.start : limit.start]
        if kind == INCLUSION and ALTERNATIVE_BEFORE_RE.search(before):
            return []
        words = _AGE_AFTER_RE.match(text, limit.end)  # "years of age", "old"
        tail = read_tail(
            text,
            words.end() if words else limit.end,
            reach(all_clauses, clause),
            fits=lambda bound: bound.family in ("time", ""),
        )
        if tail.unbounded_exception or (kind == INCLUSION and tail.other_alternative):
            return []
        if tail.main_conditional:
            continue
        for bound in limit.bounds:
            value = fact.value_of(bound)
            if value is not None:
                targets.append(target(fact, kind, bound, value))
    if not targets:
        return []
    made = rules_for(fact, kind, targets, single_range=len(limits) == 1 and len(limits[0].bounds) == 2)
    suggestions = []
    for rule, used in made:
        start = min(item.bound.start for item in used)
        end = max(item.bound.end for item in used)
        named = _AGE_NAME_BEFORE_RE.search(text, max(0, start - 20), start)  # quote "Age ≥ 18", not "≥ 18"
        anchor = named.start() if named else start
        quoted = evidence(text, anchor, end)
        explanation = explain(fact, kind, rule, used, quoted, limits=len(targets))
        suggestions.append(Suggestion(rule, anchor, end, quoted, explanation, "age"))
    return suggestions


def sex_suggestions(kind: str, text: str) -> list[Suggestion]:
    """Sex, only when the text restricts it outright ("women only")."""
    if kind != INCLUSION:
        return []
    match = _SEX_ONLY_RE.search(text)
    if not match:
        return []
    female = bool(match.group("female") or match.group("female2"))
    value = "female" if female else "male"
    quoted = evidence(text, match.start(), match.end())
    return [
        Suggestion(
            {"fact": "sex", "operator": "eq", "value": value},
            match.start(),
            match.end(),
            quoted,
            f"Needs sex {value}: “{quoted}”.",
            "sex",
        )
    ]


def bowel_suggestions(kind: str, text: str, all_clauses: list[Clause]) -> list[Suggestion]:
    """Bowel movements a day: "4 or more bowel movements a day", "≥ 4 BMs/day"."""
    fact = NUMERIC_FACTS["bowel_movements_per_day"]
    suggestions = []
    for match in _BOWEL_RE.finditer(text):
        clause = clause_at(all_clauses, match.start())
        if clause is None:
            continue
        limit = _limit_ending_at(text, clause.start, match.start())
        if limit is None or len(limit.bounds) != 1:
            continue
        bound = limit.bounds[0]
        value = fact.value_of(bound)
        if value is None:
            continue
        made = rules_for(fact, kind, [target(fact, kind, bound, value)], single_range=False)
        for rule, used in made:
            quoted = evidence(text, limit.start, match.end())
            explanation = explain(fact, kind, rule, used, quoted, limits=1)
            suggestions.append(Suggestion(rule, limit.start, match.end(), quoted, explanation, "bowel_movements"))
    return suggestions


def _limit_ending_at(text: str, start: int, end: int) -> Limit | None:
    """A limit written just before `end` ("on average 4 or more" before "bowel movements")."""
    for position in range(max(start, end - 30), end):
        if position > 0 and text[position - 1].isalnum():
            continue
        limit = limit_at(text, position)
        if limit is not None and text[limit.end : end].strip() == "":
            return limit
    return None
