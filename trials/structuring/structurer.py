"""`structure_criterion`: every safe rule a criterion's text supports, with its evidence."""

from __future__ import annotations

import re
from dataclasses import replace

from trials.structuring.conditions import condition_suggestions
from trials.structuring.demographics import age_suggestions, bowel_suggestions, sex_suggestions
from trials.structuring.guards import (
    CONDITION_RE,
    EXCEPTION_RE,
    ONE_OF_RE,
    PERMISSIVE_RE,
    TOPICS,
    alternative_after,
    scoped_from,
)
from trials.structuring.labs import lab_suggestions, measures_named
from trials.structuring.limits import EXCLUSION, INCLUSION
from trials.structuring.suggestion import Suggestion, evidence
from trials.structuring.text import Clause, clause_at, clauses
from trials.structuring.treatments import treatment_suggestions
from trials.structuring.validation import is_valid
from trials.structuring.vocabulary import Vocabulary


def structure_criterion(kind: str, text: str, vocabulary: Vocabulary | None = None) -> list[Suggestion]:
    """The rules `text` supports as a `kind` ("inclusion" or "exclusion") criterion, none stricter than it.

    Several rules may come from one criterion: for an inclusion they must all hold, for an
    exclusion any one excludes. `vocabulary` names the interventions a treatment rule may use.
    """
    if kind not in (INCLUSION, EXCLUSION):
        raise ValueError(f"kind must be {INCLUSION!r} or {EXCLUSION!r}, not {kind!r}.")
    vocabulary = vocabulary or Vocabulary()
    original, text = text, _unescaped(text)
    all_clauses = clauses(text)
    # After "one of the following" an inclusion lists alternatives: no single one is required.
    one_of = ONE_OF_RE.search(text) if kind == INCLUSION else None
    scoped = scoped_from(text)
    candidates = [
        *lab_suggestions(kind, text, all_clauses),
        *age_suggestions(kind, text, all_clauses),
        *sex_suggestions(kind, text),
        *bowel_suggestions(kind, text, all_clauses),
        *condition_suggestions(kind, text, all_clauses),
        *treatment_suggestions(kind, text, vocabulary),
    ]
    kept: list[Suggestion] = []
    seen: set[str] = set()
    for suggestion in sorted(candidates, key=lambda item: item.start):
        if (scoped is not None and suggestion.start >= scoped) or (one_of and suggestion.start >= one_of.start()):
            continue
        clause = clause_at(all_clauses, suggestion.start)
        if clause is not None and PERMISSIVE_RE.search(clause.text):
            continue
        if _excepted_elsewhere(suggestion, clause, all_clauses):
            continue
        if kind == INCLUSION and clause is not None and alternative_after(text, suggestion.end, clause.end):
            continue  # "... GEP-NET (Ki-67 ≤ 20%) or PPGL": another way in that the rule would shut
        key = repr(sorted(suggestion.rule.items()))
        if key in seen or not is_valid(suggestion.rule, vocabulary):
            continue
        seen.add(key)
        kept.append(_quoting(suggestion, original) if original != text else suggestion)
    return kept


# ClinicalTrials.gov writes Markdown escapes ("\\>= 1,500/mm\\^3"). Each backslash becomes a space, so
# the text keeps its length and every offset still points into the text as given.
_ESCAPE_RE = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!<>~|^=])")


def _unescaped(text: str) -> str:
    return _ESCAPE_RE.sub(" ", text)


def _quoting(suggestion: Suggestion, original: str) -> Suggestion:
    """The suggestion quoting the text as given, escapes and all."""
    words = evidence(original, suggestion.start, suggestion.end)
    explanation = suggestion.explanation.replace(suggestion.words, words)
    return replace(suggestion, words=words, explanation=explanation)


def _excepted_elsewhere(suggestion: Suggestion, own: Clause | None, all_clauses: list[Clause]) -> bool:
    """Whether another sentence allows an exception, or sets a condition, on the suggestion's topic.

    "Known brain metastases. Patients with treated, stable brain metastases are eligible." The
    first sentence alone would exclude everyone with brain metastases; "...; for patients with
    Gilbert's syndrome ≤ 3 times ULN" gives some patients another limit.
    """
    topic = TOPICS.get(suggestion.pattern)
    for clause in all_clauses:
        if clause is own or clause.start <= suggestion.start < clause.end:
            continue
        if suggestion.start <= clause.start < suggestion.end:
            continue  # a clause the suggestion itself reads (its alternatives)
        named = measures_named(clause.text)
        if suggestion.pattern.startswith("lab:") and named and suggestion.pattern not in named:
            continue  # a sentence about another measure ("AST ... or < 5x if liver metastases")
        widens = (
            PERMISSIVE_RE.search(clause.text) or EXCEPTION_RE.search(clause.text) or CONDITION_RE.search(clause.text)
        )
        if widens and (topic is None or topic.search(clause.text)):
            return True
    return False
