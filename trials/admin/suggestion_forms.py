"""The reviewer's rule form: a fact, an operator in plain words, and a value chosen the fact's way.

Numbers are typed (two, comma-separated, for "between"); a fact with choices is ticked from its
choices; a treatment rule from the interventions and their kinds; a yes/no fact takes no value. The
value's widgets follow the fact: when the reviewer picks another fact, the form asks for its value
again in that fact's way (no JavaScript). The rule is checked by `validate_rule`, as imports are.
"""

from __future__ import annotations

from typing import Any

from django import forms

from trials.admin.forms import parse_rule_value, rule_value_text
from trials.eligibility.definitions import Fact, FactType
from trials.eligibility.rules import OPERATORS_BY_TYPE, RULE_FACTS, Operator, RuleError, validate_rule
from trials.eligibility.wording import KIND_NAMES

OPERATOR_WORDS = {
    Operator.EQ: "is",
    Operator.IN: "is one of",
    Operator.NOT_IN: "is none of",
    Operator.GTE: "is at least",
    Operator.LTE: "is at most",
    Operator.BETWEEN: "is between (low, high)",
    Operator.IS_TRUE: "yes",
    Operator.IS_FALSE: "no",
    Operator.INCLUDES_ANY: "includes any of",
    Operator.INCLUDES_NONE: "includes none of",
}
# How many ticked values each operator takes on a fact with choices: (fewest, most).
TICKS = {Operator.EQ: (1, 1), Operator.GTE: (1, 1), Operator.LTE: (1, 1), Operator.BETWEEN: (2, 2)}


class SuggestionRuleForm(forms.Form):
    fact = forms.ChoiceField(choices=[(name, fact.label) for name, fact in RULE_FACTS.items()])
    operator = forms.ChoiceField(choices=[(op.value, words) for op, words in OPERATOR_WORDS.items()])
    shown_fact = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self,
        data: Any = None,
        *,
        rule: dict[str, Any],
        interventions: list[tuple[str, str]],
    ) -> None:
        """`rule` fills the form at first; `interventions` are (slug, name) for treatment rules."""
        posted_fact = data.get("fact") if data is not None else None
        fact_name = posted_fact if posted_fact in RULE_FACTS else str(rule["fact"])
        initial: dict[str, Any] = {"fact": rule["fact"], "operator": rule["operator"], "shown_fact": fact_name}
        super().__init__(data, initial=initial)
        self.fact_shown: Fact = RULE_FACTS[fact_name]
        self.rule: dict[str, Any] | None = None
        value = rule.get("value") if fact_name == rule["fact"] else None
        self._interventions = interventions
        self._add_value_field(value)

    def _add_value_field(self, value: Any) -> None:
        fact = self.fact_shown
        values = value if isinstance(value, list) else ([] if value is None else [value])
        if fact.type is FactType.BOOLEAN:
            return
        if fact.type is FactType.TREATMENTS:
            choices = [*self._interventions, *((kind, f"Any {words}") for kind, words in KIND_NAMES.items())]
            self.fields["values"] = forms.MultipleChoiceField(
                choices=choices, label="Treatments", widget=forms.SelectMultiple(attrs={"size": 12})
            )
            self.initial["values"] = values
        elif fact.choices:
            self.fields["values"] = forms.MultipleChoiceField(
                choices=[(str(choice.value), choice.label) for choice in fact.choices],
                label=f"{fact.label}: tick one (two for between; any number for one of / none of)",
                widget=forms.CheckboxSelectMultiple,
            )
            self.initial["values"] = [str(item) for item in values]
        else:
            self.fields["number"] = forms.CharField(
                label=f"{fact.label}: the number{f' (in{fact.unit})' if fact.unit else ''}",
                help_text="Such as 1.5; for between, the low and high numbers: 18, 75.",
            )
            self.initial["number"] = rule_value_text(value)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        fact_name, operator_name = cleaned.get("fact"), cleaned.get("operator")
        if not fact_name or not operator_name:
            return cleaned
        if fact_name != cleaned.get("shown_fact"):
            raise forms.ValidationError(f"Now give the value for {RULE_FACTS[fact_name].label}.")
        fact, operator = RULE_FACTS[fact_name], Operator(operator_name)
        if operator not in OPERATORS_BY_TYPE[fact.type]:
            allowed = ", ".join(f"“{OPERATOR_WORDS[op]}”" for op in Operator if op in OPERATORS_BY_TYPE[fact.type])
            self.add_error("operator", f"For {fact.label}, choose {allowed}.")
            return cleaned
        try:
            value = self._value(fact, operator, cleaned)
            rule = {"fact": fact_name, "operator": operator_name, "value": value}
            validate_rule(rule)
        except RuleError as error:
            field = "number" if "number" in self.fields else ("values" if "values" in self.fields else None)
            self.add_error(field, str(error))
            return cleaned
        self.rule = rule
        return cleaned

    def _value(self, fact: Fact, operator: Operator, cleaned: dict[str, Any]) -> Any:
        if fact.type is FactType.BOOLEAN:
            return None
        if "number" in self.fields:
            return parse_rule_value(fact, operator, cleaned.get("number", ""))
        ticked = list(cleaned.get("values") or [])
        if fact.type is FactType.TREATMENTS:
            return ticked
        order = [str(value) for value in fact.choice_values]
        chosen = [fact.from_answer(item) for item in sorted(ticked, key=order.index)]
        fewest, most = TICKS.get(operator, (1, len(fact.choices)))
        if not fewest <= len(chosen) <= most:
            raise RuleError(
                f"Tick {fewest} value{'s' if fewest > 1 else ''} for “{OPERATOR_WORDS[operator]}”."
                if fewest == most
                else f"Tick at least {fewest} value for “{OPERATOR_WORDS[operator]}”."
            )
        return chosen if operator in (Operator.IN, Operator.NOT_IN, Operator.BETWEEN) else chosen[0]
