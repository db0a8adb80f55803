"""The criteria structurer: rules proposed from a criterion's registry wording, never stricter than it.

`structure_criterion(kind, text, vocabulary)` reads one inclusion or exclusion criterion and returns
`Suggestion`s: each a rule in the engine's format (`trials.eligibility.rules`), the span of text that
justifies it and a plain-English explanation. It is rule-based and explainable: named patterns per
fact (`labs`, `demographics`, `conditions`, `treatments`) read numbers and units as registries write
them (`numbers`, `limits`), and guards (`guards`) drop anything an exception, an alternative, a
condition or a qualifier would make stricter than the text. Precision matters more than recall: when
in doubt it proposes nothing, and every rule passes `validate_rule`. Pure Python: the caller supplies
the intervention `Vocabulary` (the `suggest_rules` command loads it from the database).
"""

from __future__ import annotations

from trials.structuring.structurer import structure_criterion
from trials.structuring.suggestion import Suggestion
from trials.structuring.vocabulary import Drug, Vocabulary

__all__ = ["Drug", "Suggestion", "Vocabulary", "structure_criterion"]
