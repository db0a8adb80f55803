"""The "Could I join?" questions: lay questions whose answers become PatientFacts.

Every question starts at "I don't know" (an empty value), which leaves the fact unknown. Each
question, its answers and its bounds come from the fact registry (`Fact.lay`); a fact without a
lay question, such as a blood count, is not asked. Which questions a page asks, and which answers
make a question relevant, is `trials.questionnaire.steps`. The form only translates answers;
`PatientFacts.from_dict()` is the one validation of the facts themselves.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms

from trials.eligibility.definitions import Fact, FactType
from trials.eligibility.facts import FACTS
from trials.eligibility.patient import FactsInvalid, PatientFacts, outward_postcode
from trials.questionnaire.steps import NOT_SURE_WHICH
from trials.registry.choices import InterventionKind
from trials.registry.models import Intervention
from trials.registry.selectors import known_intervention_slugs

DONT_KNOW = "I don't know"
DONT_KNOW_WHICH = "I don't know which"
YES_NO = [("", DONT_KNOW), ("yes", "Yes"), ("no", "No")]
ASKED = {name: fact for name, fact in FACTS.items() if fact.lay is not None}
# A choice with more answers than this is a drop-down list rather than a column of radio buttons.
MOST_RADIOS = 6

# A treatment list is asked in two parts: whether there were any, then which (boxes to tick).
TREATMENT_ANSWERS = {
    "prior_treatments": ("had_treatment", [("", DONT_KNOW), ("none", "No, none yet"), ("yes", "Yes")]),
    "progressed_on": ("grew_on_treatment", [("", DONT_KNOW), ("none", "No"), ("yes", "Yes")]),
}

# Treatment kinds a patient may have had, in the order a NET patient usually meets them.
TREATMENT_KINDS = {
    InterventionKind.SOMATOSTATIN_ANALOGUE: "Somatostatin analogue injections",
    InterventionKind.TARGETED_DRUG: "Targeted drugs",
    InterventionKind.CHEMOTHERAPY: "Chemotherapy",
    InterventionKind.PRRT: "PRRT (internal radiotherapy)",
    InterventionKind.IMMUNOTHERAPY: "Immunotherapy",
}
# A code name ("E7080", "AG-013736", "RAD001"): capitals and digits, which helps nobody recognise a drug.
CODE_NAME = re.compile(r"^(?=.*\d)[A-Z0-9][A-Z0-9\-]*$")
SAME_DRUG = "One of these, but I'm not sure which"


@dataclass(frozen=True)
class TreatmentOption:
    value: str
    label: str
    hint: str  # the drug's other names, as people may know it


@dataclass(frozen=True)
class TreatmentGroup:
    label: str
    options: tuple[TreatmentOption, ...]


def _brand_like(name: str) -> bool:
    """A brand or common name ("Lutathera", "Somatuline Autogel"): capitalised, not a code or acronym."""
    return name[:1].isupper() and not any(ch.isdigit() for ch in name) and not name.isupper()


def drug_option(slug: str, name: str, synonyms: Sequence[str]) -> TreatmentOption:
    """A drug by the name people know, its other names as a hint, code names left out.

    The international name is the label, unless it is a radiochemical's ("177Lu-dotatate") and a
    brand name exists ("Lutathera"): then the brand is the label and the chemical name a hint.
    """
    others = [s for s in synonyms if not CODE_NAME.match(s) and s.lower() != name.lower()]
    brands = [s for s in others if _brand_like(s)]
    if name[:1].isdigit() and brands:
        label, hints = brands[0], [name, *brands[1:]]
    else:
        label, hints = name[:1].upper() + name[1:], brands
    return TreatmentOption(slug, label, f"Also called {', '.join(hints)}" if hints else "")


def treatment_groups() -> list[TreatmentGroup]:
    """The treatments to tick, grouped by kind, each kind first offering "one of these" (one query)."""
    drugs: dict[str, list[TreatmentOption]] = {kind: [] for kind in TREATMENT_KINDS}
    rows = Intervention.objects.filter(kind__in=list(TREATMENT_KINDS)).values_list("slug", "name", "synonyms", "kind")
    for slug, name, synonyms, kind in rows:
        drugs[kind].append(drug_option(slug, name, synonyms))
    return [
        TreatmentGroup(
            label,
            (
                TreatmentOption(str(kind), SAME_DRUG, ""),
                *sorted(drugs[kind], key=lambda option: option.label.lower()),
            ),
        )
        for kind, label in TREATMENT_KINDS.items()
    ]


def treatment_labels(groups: Sequence[TreatmentGroup]) -> dict[str, str]:
    """Each treatment answer's words outside its group: a drug's label, or "<kind>: not sure which"."""
    labels = {NOT_SURE_WHICH: DONT_KNOW_WHICH}
    for group in groups:
        for option in group.options:
            labels[option.value] = f"{group.label}, not sure which" if option.label == SAME_DRUG else option.label
    return labels


def _radio(label: str, choices: list[tuple[str, str]], help_text: str = "") -> forms.ChoiceField:
    widget = forms.Select if len(choices) > MOST_RADIOS + 1 else forms.RadioSelect
    return forms.ChoiceField(
        label=label, choices=choices, required=False, initial="", widget=widget, help_text=help_text
    )


def _number_help(help_text: str) -> str:
    """Every number question says how to answer "I don't know": leave it empty."""
    if "empty" in help_text.lower():
        return help_text
    return f"{help_text} Leave it empty if you don't know.".strip()


def lay_fields(fact: Fact) -> dict[str, forms.Field]:
    """The questions that ask for `fact` in lay words: one, or for a treatment list two."""
    assert fact.lay is not None
    label, help_text = fact.lay.label, fact.lay.help
    if fact.type is FactType.TREATMENTS:
        answer, choices = TREATMENT_ANSWERS[fact.name]
        boxes = forms.MultipleChoiceField(label=fact.lay.boxes, required=False, widget=forms.CheckboxSelectMultiple)
        return {answer: _radio(label, choices, help_text), fact.name: boxes}
    field: forms.Field
    if fact.type is FactType.BOOLEAN:
        field = _radio(label, YES_NO, help_text)
    elif fact.choices:
        answers = [("", DONT_KNOW), *((str(choice.value), choice.lay) for choice in fact.choices)]
        field = _radio(label, answers, help_text)
    elif fact.type is FactType.POSTCODE:
        field = forms.CharField(label=label, required=False, max_length=10, help_text=help_text)
    elif fact.type is FactType.INTEGER:
        field = forms.IntegerField(
            label=label,
            required=False,
            min_value=fact.minimum,
            max_value=fact.maximum,
            help_text=_number_help(help_text),
        )
    else:
        field = forms.DecimalField(
            label=label,
            required=False,
            min_value=fact.minimum,
            max_value=fact.maximum,
            decimal_places=1,
            help_text=_number_help(help_text),
        )
    return {fact.name: field}


class CheckForm(forms.Form):
    """The questionnaire's answers, all of them or only those `asked`; empty means "I don't know".

    `facts` holds the PatientFacts the valid answers give. What follows from an answer is filled
    in: no treatment means no treatment lists and no lines of treatment; no growth on treatment
    means an empty "grew on" list.
    """

    def __init__(self, *args: Any, asked: Collection[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for fact in ASKED.values():
            self.fields.update(lay_fields(fact))
        self.groups = treatment_groups()
        values = [NOT_SURE_WHICH, *(option.value for group in self.groups for option in group.options)]
        for name in TREATMENT_ANSWERS:
            field = self.fields[name]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = [(value, value) for value in values]
        if asked is not None:
            self.fields = {name: field for name, field in self.fields.items() if name in asked}
        self.facts: PatientFacts | None = None

    def clean_postcode(self) -> str:
        text: str = self.cleaned_data.get("postcode", "").strip()
        if text:
            try:
                return outward_postcode(text)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from None
        return text

    def _ticked(self, name: str) -> list[str] | None:
        """The treatments ticked in a list that was asked: None when only "not sure which" was."""
        ticked = [value for value in self.cleaned_data.get(name) or [] if value != NOT_SURE_WHICH]
        if name in self.fields and not ticked and NOT_SURE_WHICH not in (self.cleaned_data.get(name) or []):
            self.add_error(name, f"Tick the treatments you know of, or “{DONT_KNOW_WHICH}”.")
        return ticked or None

    def _treatments(self) -> dict[str, Any]:
        """The treatment facts from the yes/no questions, the boxes, and what follows from them."""
        had = self.cleaned_data.get("had_treatment", "")
        if had == "none":
            return {"prior_treatments": [], "progressed_on": [], "prior_systemic_lines": 0}
        if had != "yes":
            return {}
        facts: dict[str, Any] = {}
        if "prior_treatments" in self.fields:
            facts["prior_treatments"] = self._ticked("prior_treatments")
        grew = self.cleaned_data.get("grew_on_treatment", "")
        if grew == "none":
            facts["progressed_on"] = []
        elif grew == "yes" and "progressed_on" in self.fields:
            facts["progressed_on"] = self._ticked("progressed_on")
        return {name: value for name, value in facts.items() if value is not None}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        data: dict[str, Any] = {}
        for name, fact in ASKED.items():
            if name in TREATMENT_ANSWERS or name not in self.fields:
                continue
            value = fact.from_answer(cleaned.get(name))
            if value is not None:
                data[name] = value
        data = {**self._treatments(), **data}
        if not self.errors:
            try:
                self.facts = PatientFacts.from_dict(data, known_treatments=known_intervention_slugs)
            except FactsInvalid as error:
                for name, messages in error.errors.items():
                    for message in messages:
                        self.add_error(name if name in self.fields else None, message)
        return cleaned
