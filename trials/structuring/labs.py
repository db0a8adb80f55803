"""Measured values: blood counts, liver and kidney tests, heart tests, ECOG and Ki-67.

A measure is named ("Absolute neutrophil count (ANC)", "AST (SGOT) and ALT (SGPT)"), then limited
("≥ 1,500/mm^3", "=< 1.5 x ULN", "0-1"), then perhaps given alternatives ("(≤ 5 x ULN if liver
metastases)"). Names joined by "and" or "or" form one group: an inclusion's "AST and ALT ≤ 3 x ULN"
bounds both, an exclusion's "ALT or AST > 5 x ULN" fails either; the other readings are unsafe.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from trials.structuring.guards import (
    ALTERNATIVE_BEFORE_RE,
    CONDITION_RE,
    CONJUNCTION_BEFORE_RE,
    EXCEPTION_RE,
    REQUIREMENT_RE,
    read_tail,
)
from trials.structuring.limits import (
    EXCLUSION,
    INCLUSION,
    NUMERIC_FACTS,
    NumericFact,
    Target,
    explain,
    rules_for,
    target,
)
from trials.structuring.numbers import Bound, Limit, Op, limit_at
from trials.structuring.suggestion import Suggestion, evidence
from trials.structuring.text import Clause, clause_at, reach

_ANALYTES: dict[str, str] = {
    "anc": r"absolute\s+neutrophils?(?:\s+counts?)?|\bANC\b|neutrophils?(?:\s+(?:counts?|granulocytes?))?",
    "platelets": r"platelets?(?:\s+counts?)?|\bPLTs?\b|thrombocytes?(?:\s+counts?)?",
    "haemoglobin": r"\bha?emoglobin(?!\s*A1c)|\bHg?b\b|\bHGB\b",
    "bilirubin": r"(?<!direct\s)(?<!indirect\s)(?<!conjugated\s)(?:total\s+)?(?:serum\s+)?(?:total\s+)?bilirubin",
    "ast": r"aspartate\s+(?:amino\s*)?trans(?:aminase|ferase)|\bAST\b|\bSGOT\b|\bASAT\b"
    r"|serum\s+glutamic[\s-]oxaloacetic\s+transaminase",
    "alt": r"alanine\s+(?:amino\s*)?trans(?:aminase|ferase)|\bALT\b|\bSGPT\b|\bALAT\b"
    r"|serum\s+glutamic?[\s-]pyruvic?\s+transaminase|serum\s+glutamate\s+pyruvate\s+transaminase",
    "transaminases": r"(?:liver\s+)?(?:transaminases|aminotransferases)\b",
    "crcl": r"(?:calculated\s+|measured\s+|estimated\s+)?creatinine\s+clearance|\bCrCl\b|\bCLcr\b",
    "gfr": r"(?:estimated\s+)?glomerular\s+filtration\s+rate|\be?GFR\b",
    "lvef": r"left\s+ventricular\s+ejection\s+fraction|\bLVEF\b|\bejection\s+fraction",
    "qtc": r"\bQTc[FB]?\b(?:\s+interval)?|corrected\s+QT(?:\s+interval)?|QT\s+interval\s+corrected",
    "ecog": r"\bECOG\b|Eastern\s+Cooperative\s+Oncology\s+Group|\bWHO\s+(?:performance\s+status|PS)\b|\bZubrod\b"
    r"|\bperformance\s+status\b",
    "ki67": r"\bKi[\s-]?67\b(?:\s+(?:index|proliferation\s+index|labell?ing\s+index))?|\bMIB-?1\b",
    # Measures without a fact: they end a group, and an alternative naming one is unsafe.
    "other": r"\bKarnofsky\b|\bKPS\b|\bLansky\b|leu[ck]ocytes?|\bWBC\b|white\s+blood\s+cells?|lymphocytes?|\bALC\b"
    r"|(?:direct|indirect|conjugated|unconjugated)\s+bilirubin|(?<!clearance\s)\bcreatinine\b(?!\s+clearance)"
    r"|albumin|lipase|amylase|\bINR\b|\baPTT\b|\bPTT\b|alkaline\s+phosphatase|\bALP\b|potassium|magnesium"
    r"|calcium|glucose|proteinuria|urine\s+protein|\bUPCR\b|\bHbA1c\b|troponin|\bBNP\b|\bTSH\b|blood\s+pressure",
}
_MENTION_RE = re.compile("|".join(f"(?P<{key}>{pattern})" for key, pattern in _ANALYTES.items()), re.IGNORECASE)
_FACT_OF = {
    "anc": "anc",
    "platelets": "platelets",
    "haemoglobin": "haemoglobin",
    "bilirubin": "bilirubin_uln",
    "crcl": "creatinine_clearance",
    "lvef": "lvef",
    "qtc": "qtc_ms",
    "ecog": "ecog",
    "ki67": "ki67",
}
_CONNECTOR_RE = re.compile(r"[\s()\[\]]*(?:(?:,|and\s*/\s*or|and|or|/|&)[\s()\[\]]*)*", re.IGNORECASE)
_CONNECTOR_WORD_RE = re.compile(r"and\s*/\s*or|\band\b|\bor\b|/|,|&", re.IGNORECASE)
_SUBJECT_WITH_RE = re.compile(
    r"(?:^|\b(?:patients?|subjects?|participants?|those|people|individuals?|women|men|females?|males?))\W*with\s+"
    r"(?:a\s+|an\s+|known\s+)?$",
    re.IGNORECASE,
)
_COCKCROFT_RE = re.compile(r"cockcroft", re.IGNORECASE)
_FILLER_STOP_RE = re.compile(r"[;]|\.(?=\s|$)")
_MAX_FILLER = 80


@dataclass(frozen=True)
class _Group:
    keys: frozenset[str]
    connectors: frozenset[str]
    start: int
    end: int


def _depths(text: str) -> list[int]:
    depth, depths = 0, []
    for char in text:
        if char in "([":
            depth += 1
        depths.append(depth)
        if char in ")]":
            depth = max(0, depth - 1)
    return depths


def _groups(text: str) -> Iterator[_Group]:
    """Runs of measure names joined by "and", "or", ",", "/" (parenthesised synonyms included)."""
    depths = _depths(text)
    mentions = list(_MENTION_RE.finditer(text))
    index = 0
    while index < len(mentions):
        first = mentions[index]
        keys = {str(first.lastgroup)}
        connectors: set[str] = set()
        end = first.end()
        while index + 1 < len(mentions):
            following = mentions[index + 1]
            between = text[end : following.start()]
            if _CONNECTOR_RE.fullmatch(between) is None:
                break
            for word in _CONNECTOR_WORD_RE.finditer(between):
                if depths[end + word.start()] == depths[first.start()]:
                    connectors.add(" ".join(word.group().lower().split()))
            keys.add(str(following.lastgroup))
            end = following.end()
            index += 1
        yield _Group(frozenset(keys), frozenset(connectors), first.start(), end)
        index += 1


def _limit_after(text: str, pos: int, stop: int) -> tuple[Limit, int] | None:
    """The first limit after a group, across a short filler ("count", "(ANC)", "must be"): (limit, filler end)."""
    index = pos
    while index < min(stop, pos + _MAX_FILLER):
        char = text[index]
        if char == "(":
            close = text.find(")", index)
            inside = text[index : close if close != -1 else stop]
            if close != -1 and not re.search(r"\d", inside):
                index = close + 1
                continue
        if _FILLER_STOP_RE.match(text, index) or (index > pos and _MENTION_RE.match(text, index)):
            return None
        if index == pos or not text[index - 1].isalnum():
            limit = limit_at(text, index)
            if limit is not None:
                return limit, index
        index += 1
    return None


def _facts_of(group: _Group, clause_text: str) -> list[str]:
    facts = [_FACT_OF[key] for key in sorted(group.keys) if key in _FACT_OF]
    if "transaminases" in group.keys or {"ast", "alt"} <= group.keys:
        facts.append("transaminases_uln")
    if "gfr" in group.keys and _COCKCROFT_RE.search(clause_text) and "creatinine_clearance" not in facts:
        facts.append("creatinine_clearance")
    return facts


def _group_is_safe(group: _Group, kind: str, facts: list[str]) -> bool:
    """Whether the way the names are joined lets each fact take the limit on its own."""
    named = {key for key in group.keys if key not in ("other",)}
    several = len(named) > 1 and not (named <= {"ast", "alt", "transaminases"} and len(facts) == 1)
    if "other" in group.keys and group.connectors & {"or", "and/or"}:
        return kind == EXCLUSION
    ors = bool(group.connectors & {"or", "and/or"})
    if kind == INCLUSION:
        return not ors
    if {"ast", "alt"} <= group.keys or several:
        return ors and not (group.connectors & {"and", "/", "&"})
    return True


def _invert(bound: Bound) -> Bound:
    flipped = {Op.GE: Op.LT, Op.GT: Op.LE, Op.LE: Op.GT, Op.LT: Op.GE}[bound.op]
    return Bound(flipped, bound.value, bound.family, bound.start, bound.end)


def lab_suggestions(kind: str, text: str, all_clauses: list[Clause]) -> list[Suggestion]:
    """Rules for every measured value the criterion limits safely."""
    suggestions: list[Suggestion] = []
    for group in _groups(text):
        clause = clause_at(all_clauses, group.start)
        if clause is None:
            continue
        facts = _facts_of(group, clause.text)
        if not facts or not _group_is_safe(group, kind, facts):
            continue
        found = _limit_after(text, group.end, clause.end)
        if found is None:
            continue
        limit, filler_end = found
        before = text[clause.start : group.start]
        if kind == INCLUSION and ALTERNATIVE_BEFORE_RE.search(before):
            continue
        if kind == EXCLUSION and CONJUNCTION_BEFORE_RE.search(before) and not _SUBJECT_WITH_RE.search(before):
            continue  # "History of heart failure with LVEF < 50%" needs both; "Patients with QTc > 470 ms" does not
        # "In patients with liver metastases, ALT ≤ 5 x ULN" (since the last label, "Liver:"): for some only.
        lead = before.rsplit(":", 1)[-1]
        if CONDITION_RE.search(lead) or EXCEPTION_RE.search(lead):
            continue
        if kind == EXCLUSION and REQUIREMENT_RE.search(lead):
            continue  # "Patients must have ANC ≥ 1.5": a requirement filed as an exclusion
        # An exclusion that states a requirement ("LVEF must be at least 50%") excludes the rest.
        inverted = kind == EXCLUSION and bool(REQUIREMENT_RE.search(text[group.end : filler_end]))
        for fact_name in facts:
            stop = reach(all_clauses, clause)
            suggestions += _suggest(kind, text, stop, group, limit, NUMERIC_FACTS[fact_name], inverted=inverted)
    return suggestions


def _suggest(
    kind: str, text: str, stop: int, group: _Group, limit: Limit, fact: NumericFact, *, inverted: bool
) -> list[Suggestion]:
    bounds = [_invert(bound) for bound in limit.bounds] if inverted else list(limit.bounds)
    values = [fact.value_of(bound) for bound in bounds]
    if any(value is None for value in values):
        return []
    family = bounds[0].family

    def fits(bound: Bound) -> bool:
        same = bound.family == family or {bound.family, family} <= {"uln", "times"}
        return same and fact.value_of(bound) is not None

    own = sorted(key for key in group.keys if key != "other")
    own_names = re.compile("|".join(_ANALYTES[key] for key in own), re.IGNORECASE)
    other_names = re.compile("|".join(pattern for key, pattern in _ANALYTES.items() if key not in own), re.I)
    tail = read_tail(text, limit.end, stop, fits=fits, same_measure=own_names, other_measure=other_names)
    if tail.unbounded_exception or (kind == INCLUSION and tail.other_alternative):
        return []
    if kind == EXCLUSION and (tail.conjunction or tail.main_conditional):
        return []
    targets: list[Target] = []
    if not tail.main_conditional:
        targets = [
            target(fact, kind, bound, value) for bound, value in zip(bounds, values, strict=True) if value is not None
        ]
    if not targets:
        return []
    for bound, _conditional in tail.alternatives:
        value = fact.value_of(bound)
        if value is not None:
            targets.append(target(fact, kind, _invert(bound) if inverted else bound, value))
    made = rules_for(fact, kind, targets, single_range=len(limit.bounds) == 2 and not tail.alternatives)
    if not made:
        return []
    suggestions = []
    for rule, used in made:
        end = max(item.bound.end for item in used)
        quoted = evidence(text, group.start, end)
        explanation = explain(fact, kind, rule, used, quoted, limits=len(targets))
        suggestions.append(Suggestion(rule, group.start, end, quoted, explanation, f"lab:{fact.name}"))
    return suggestions


def measures_named(text: str) -> set[str]:
    """The measures `text` names, as pattern names ("lab:anc"); "other" for measures without a fact."""
    named = set()
    for mention in _MENTION_RE.finditer(text):
        key = str(mention.lastgroup)
        if key in ("ast", "alt", "transaminases"):
            named.add("lab:transaminases_uln")
        elif key == "gfr":
            named.add("lab:creatinine_clearance")
        else:
            named.add(f"lab:{_FACT_OF[key]}" if key in _FACT_OF else "other")
    return named
