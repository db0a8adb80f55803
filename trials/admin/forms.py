"""The admin's rule editor: fact, operator and value fields that build a criterion's rule.

The value is typed as text and parsed by the fact's type: numbers, comma-separated lists for `in`,
`not_in`, `between` and the treatment operators, nothing for `is_true` / `is_false`. The rule is
then checked by `trials.eligibility.rules.validate_rule` (through `Criterion.clean()`), so the admin refuses
exactly what imports and the API refuse.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from trials.eligibility.definitions import Fact, FactType
from trials.eligibility.rules import RULE_FACTS, Operator, RuleError
from trials.registry.models import Criterion

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
            raise RuleError(f"The operator {operator.value} takes no value: leave it empty.")
        return None
    if not text:
        raise RuleError("Enter a value.")
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


class CriterionAdminForm(forms.ModelForm[Criterion]):
    fact = forms.ChoiceField(
        choices=[("", "No rule: to confirm with the trial team")]
        + [(name, f"{fact.label} ({name})") for name, fact in RULE_FACTS.items()],
        required=False,
    )
    operator = forms.ChoiceField(
        choices=[("", "---------")] + [(op.value, op.value) for op in Operator], required=False
    )
    value = forms.CharField(
        required=False,
        help_text="Numbers as 2 or 9.5; lists comma-separated (in, not_in, includes_any/none: stomach, pancreas; "
        "between: 18, 75; treatments: intervention slugs or kinds); empty for is_true / is_false.",
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
            self.initial.setdefault("value", rule_value_text(rule.get("value")))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        fact_name, operator_name = cleaned.get("fact", ""), cleaned.get("operator", "")
        if not fact_name:
            if operator_name or cleaned.get("value"):
                self.add_error("fact", "Choose the fact this rule reads, or clear the operator and value.")
            self.instance.rule = None
            return cleaned
        if not operator_name:
            self.add_error("operator", "Choose an operator.")
            return cleaned
        try:
            value = parse_rule_value(RULE_FACTS[fact_name], Operator(operator_name), cleaned.get("value", ""))
        except RuleError as error:
            self.add_error("value", str(error))
            return cleaned
        # Criterion.clean() (run by the ModelForm after this) validates the whole rule.
        self.instance.rule = {"fact": fact_name, "operator": operator_name, "value": value}
        return cleaned

    def _update_errors(self, errors: ValidationError) -> None:
        # Criterion.clean() reports a bad rule on "rule", which this form edits as fact/operator/value.
        if hasattr(errors, "error_dict") and "rule" in errors.error_dict:
            errors.error_dict["value"] = errors.error_dict.pop("rule")
        super()._update_errors(errors)  # type: ignore[misc]
