"""The admin's trial form and rule editor, in plain words.

A trial's grades and sexes are ticked, and its long texts lose the browser's \r\n line endings, so
saving a trial unchanged changes nothing (no history row, no field locked against the registry).

A criterion's rule is a fact, an operator in words ("is at most") and a value: the values of a fact
with choices are ticked by name; numbers are typed (two for "is between": `18 to 75`), treatments
as intervention slugs or kinds separated by commas, nothing for "is yes" / "is no". The rule is then
checked by `trials.eligibility.rules.validate_rule` (through `Criterion.clean()`), so the admin
refuses exactly what imports and the API refuse.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from trials.eligibility.definitions import Fact, FactType
from trials.eligibility.rules import OPERATORS_BY_TYPE, RULE_FACTS, Operator, RuleError
from trials.registry.choices import Grade, Sex
from trials.registry.models import Criterion, Trial

OPERATOR_WORDS: dict[Operator, str] = {
    Operator.EQ: "is",
    Operator.IN: "is one of",
    Operator.NOT_IN: "is none of",
    Operator.GTE: "is at least",
    Operator.LTE: "is at most",
    Operator.BETWEEN: "is between (both included)",
    Operator.IS_TRUE: "is yes",
    Operator.IS_FALSE: "is no",
    Operator.INCLUDES_ANY: "includes any of",
    Operator.INCLUDES_NONE: "includes none of",
}
# Operators whose values the editor ticks, for a fact with choices; the others' values are typed.
TICKED_OPERATORS = {Operator.EQ, Operator.IN, Operator.NOT_IN}
LIST_OPERATORS = {Operator.IN, Operator.NOT_IN, Operator.BETWEEN, Operator.INCLUDES_ANY, Operator.INCLUDES_NONE}


def _parse_item(fact: Fact, text: str) -> Any:
    """One value typed as text, as the fact's type (numbers as numbers; choices matched as written)."""
    numeric = fact.type in (FactType.INTEGER, FactType.NUMBER) or any(isinstance(v, int) for v in fact.choice_values)
    if numeric:
        try:
            number = float(text)
        except ValueError:
            raise RuleError(f"{text!r} is not a number.") from None
        return int(number) if number.is_integer() else number
    return text


def parse_rule_value(fact: Fact, operator: Operator, text: str) -> Any:
    """The rule's value from the admin's text, or raise RuleError."""
    text = text.strip()
    if operator in (Operator.IS_TRUE, Operator.IS_FALSE):
        if text:
            raise RuleError(f"“{OPERATOR_WORDS[operator]}” takes no value: leave it empty.")
        return None
    if not text:
        raise RuleError("Enter a value.")
    if operator is Operator.BETWEEN:
        text = text.replace(" to ", ",")
    if operator in LIST_OPERATORS:
        items = [item.strip() for item in text.split(",") if item.strip()]
        return [item if fact.type is FactType.TREATMENTS else _parse_item(fact, item) for item in items]
    return _parse_item(fact, text)


def rule_value_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(f"{item:g}" if isinstance(item, float) else str(item) for item in value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def _choice_key(fact_name: str, value: str | int) -> str:
    return f"{fact_name}:{value}"


# The values of every fact with choices, grouped under the fact's label, as "fact:value" keys.
CHOICE_GROUPS = [
    (fact.label, [(_choice_key(name, choice.value), choice.label) for choice in fact.choices])
    for name, fact in RULE_FACTS.items()
    if fact.choices
]


def _ticked(fact: Fact, rule: dict[str, Any]) -> list[str] | None:
    """The keys to tick for a stored rule, or None when its value is typed."""
    if not fact.choices or Operator(rule.get("operator", "")) not in TICKED_OPERATORS:
        return None
    value = rule.get("value")
    values = value if isinstance(value, list) else [value]
    if not all(item in fact.choice_values for item in values):
        return None
    return [_choice_key(fact.name, item) for item in values]


class LineEndingsTextField(forms.CharField):
    """A textarea's text with the browser's \r\n (and lone \r) line endings as \n."""

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return text.replace("\r\n", "\n").replace("\r", "\n") if text else text


class TrialAdminForm(forms.ModelForm[Trial]):
    grades = forms.MultipleChoiceField(
        choices=Grade.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="None ticked: any grade.",
    )
    sexes = forms.MultipleChoiceField(
        choices=Sex.choices, widget=forms.CheckboxSelectMultiple, required=False, help_text="None ticked: any sex."
    )

    class Meta:
        model = Trial
        fields = ["grades", "sexes"]  # TrialAdmin's fieldsets name the rest


class CriterionAdminForm(forms.ModelForm[Criterion]):
    fact = forms.ChoiceField(
        choices=[("", "No rule: to confirm with the trial team")]
        + [(name, fact.label) for name, fact in RULE_FACTS.items()],
        required=False,
    )
    operator = forms.ChoiceField(
        choices=[("", "---------")] + [(op.value, OPERATOR_WORDS[op]) for op in Operator], required=False
    )
    value = forms.CharField(
        required=False,
        help_text="A number such as 2 or 9.5; two numbers for “is between”, as 18 to 75; treatments as "
        "intervention slugs or kinds separated by commas; empty for “is yes” or “is no”. For a fact with "
        "choices, tick its values below instead.",
    )
    choices = forms.MultipleChoiceField(
        label="Values",
        choices=CHOICE_GROUPS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Tick one value for “is”, one or more for “is one of” and “is none of”.",
    )

    class Meta:
        model = Criterion
        fields = ["kind", "position", "text"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rule = self.instance.rule if self.instance.pk else None
        if isinstance(rule, dict):
            self.initial.setdefault("fact", rule.get("fact", ""))
            self.initial.setdefault("operator", rule.get("operator", ""))
            fact = RULE_FACTS.get(rule.get("fact", ""))
            ticked = _ticked(fact, rule) if fact else None
            if ticked is None:
                self.initial.setdefault("value", rule_value_text(rule.get("value")))
            else:
                self.initial.setdefault("choices", ticked)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        fact_name, operator_name = cleaned.get("fact", ""), cleaned.get("operator", "")
        ticked: list[str] = cleaned.get("choices") or []
        if not fact_name:
            if operator_name or cleaned.get("value") or ticked:
                self.add_error("fact", "Choose the fact this rule reads, or clear the operator and value.")
            self.instance.rule = None
            return cleaned
        if not operator_name:
            self.add_error("operator", "Choose an operator.")
            return cleaned
        fact, operator = RULE_FACTS[fact_name], Operator(operator_name)
        allowed = OPERATORS_BY_TYPE[fact.type]
        if operator not in allowed:
            words = ", ".join(f"“{OPERATOR_WORDS[op]}”" for op in Operator if op in allowed)
            self.add_error("operator", f"“{OPERATOR_WORDS[operator]}” does not apply to {fact.label}; choose {words}.")
            return cleaned
        try:
            if ticked:
                value = self._ticked_value(fact, operator, ticked, cleaned.get("value", ""))
            else:
                value = parse_rule_value(fact, operator, cleaned.get("value", ""))
        except RuleError as error:
            self.add_error("choices" if ticked else "value", str(error))
            return cleaned
        # Criterion.clean() (run by the ModelForm after this) validates the whole rule.
        self.instance.rule = {"fact": fact_name, "operator": operator_name, "value": value}
        return cleaned

    @staticmethod
    def _ticked_value(fact: Fact, operator: Operator, ticked: list[str], typed: str) -> Any:
        """The rule's value from the ticked choices, or raise RuleError."""
        if typed.strip():
            raise RuleError("Tick the values or type one, not both.")
        by_key = {_choice_key(fact.name, value): value for value in fact.choice_values}
        if any(key not in by_key for key in ticked):
            raise RuleError(f"Tick only values of “{fact.label}”, the fact this rule reads.")
        values = [by_key[key] for key in ticked]
        if operator in LIST_OPERATORS:
            return values
        if len(values) > 1:
            raise RuleError(f"Tick one value for “{OPERATOR_WORDS[operator]}”.")
        return values[0]

    def _update_errors(self, errors: ValidationError) -> None:
        # Criterion.clean() reports a bad rule on "rule", which this form edits as fact/operator/value.
        if hasattr(errors, "error_dict") and "rule" in errors.error_dict:
            errors.error_dict["value"] = errors.error_dict.pop("rule")
        super()._update_errors(errors)  # type: ignore[misc]
