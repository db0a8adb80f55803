"""A rule in plain words for the reviewer, and the criterion's text with the justifying words marked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from trials.eligibility.definitions import FactType
from trials.eligibility.rules import RULE_FACTS, Operator
from trials.eligibility.wording import KIND_NAMES, or_list, requirement


def rule_in_words(kind: str, rule: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """The rule in words: "Needs: neutrophil count (ANC) at least 1.5 x10^9/L", "Excludes: spread to the brain (yes)".

    `names` gives interventions' names by slug (treatment rules name slugs or kinds).
    """
    fact = RULE_FACTS[str(rule["fact"])]
    operator = Operator(str(rule["operator"]))
    value = rule.get("value")
    lead = "Needs" if kind == "inclusion" else "Excludes"
    subject = fact.noun or fact.label[:1].lower() + fact.label[1:]
    if fact.type is FactType.BOOLEAN:
        return f"{lead}: {fact.label.lower()}" + (" (no)" if operator is Operator.IS_FALSE else " (yes)")
    if fact.type is FactType.TREATMENTS:
        drugs = or_list([names.get(item) or KIND_NAMES.get(item, item) for item in value or ()])
        negation = "not " if operator is Operator.INCLUDES_NONE else ""
        if fact.name == "prior_treatments":
            return f"{lead}: has {negation}had {drugs}"
        return f"{lead}: the tumour has {negation}grown on {drugs}"
    return f"{lead}: {subject} {requirement(fact, operator, value)}"


def marked(text: str, spans: Iterable[tuple[int, int]]) -> SafeString:
    """`text`, escaped, with each span (start, end) in `<mark>`; overlapping spans are joined."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in spans):
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts: list[str] = []
    position = 0
    for start, end in merged:
        parts += [escape(text[position:start]), f"<mark>{escape(text[start:end])}</mark>"]
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above
