"""The "Could I join?" questionnaire: lay questions whose answers become PatientFacts.

Every question starts at "I don't know" (an empty value), which leaves the fact unknown. Each
question, its answers and its bounds come from the fact registry (`Fact.lay`); a fact without a
lay question, such as a blood count, is not asked. The form only translates answers;
`PatientFacts.from_dict()` is the one validation of the facts themselves.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from trials.eligibility.definitions import Fact, FactType
from trials.eligibility.facts import FACTS
from trials.eligibility.patient import FactsInvalid, PatientFacts, outward_postcode
from trials.registry.choices import InterventionKind
from trials.registry.models import Intervention
from trials.registry.selectors import known_intervention_slugs

DONT_KNOW = "I don't know"
YES_NO = [("", DONT_KNOW), ("yes", "Yes"), ("no", "No")]
ASKED = {name: fact for name, fact in FACTS.items() if fact.lay is not None}

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
    InterventionKind.PRRT: "PRRT (internal radiotherapy, such as Lutathera)",
    InterventionKind.IMMUNOTHERAPY: "Immunotherapy",
}

# Where each answer goes: the fieldsets of the page, in order, with the fields they hold.
FIELDSETS: list[tuple[str, str, list[str]]] = [
    ("about-you", "About you", ["age", "sex", "pregnant_or_breastfeeding", "postcode"]),
    ("your-tumour", "Your tumour", ["primary_site", "diagnosis", "gastric_type", "grade", "ki67"]),
    (
        "how-far",
        "How far it has grown",
        ["extent", "resectable", "measurable_disease", "progressed_last_12_months", "brain_metastases"],
    ),
    (
        "scans-symptoms",
        "Scans and symptoms",
        ["sstr_imaging_positive", "carcinoid_syndrome", "bowel_movements_per_day"],
    ),
    ("daily-life", "Your daily life", ["ecog"]),
    (
        "treatments",
        "Treatments",
        [
            "had_treatment",
            "prior_treatments",
            "prior_systemic_lines",
            "syndrome_controlled_on_ssa",
            "grew_on_treatment",
            "progressed_on",
        ],
    ),
    ("tests", "Blood tests", ["creatinine_clearance"]),
    ("which-trials", "Which trials to check", ["open_only"]),
]


def _radio(label: str, choices: list[tuple[str, str]], help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=choices, required=False, initial="", widget=forms.RadioSelect, help_text=help_text
    )


def treatment_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Checkbox choices grouped by kind: "one, but not sure which", then each known drug (one query)."""
    drugs: dict[str, list[tuple[str, str]]] = {kind: [] for kind in TREATMENT_KINDS}
    for slug, name, synonyms, kind in Intervention.objects.filter(kind__in=list(TREATMENT_KINDS)).values_list(
        "slug", "name", "synonyms", "kind"
    ):
        also = f" ({', '.join(synonyms[:2])})" if synonyms else ""
        drugs[kind].append((slug, f"{name}{also}"))
    return [
        (group, [(str(kind), "One of these, but I'm not sure which"), *drugs[kind]])
        for kind, group in TREATMENT_KINDS.items()
    ]


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
            label=label, required=False, min_value=fact.minimum, max_value=fact.maximum, help_text=help_text
        )
    else:
        field = forms.DecimalField(
            label=label,
            required=False,
            min_value=fact.minimum,
            max_value=fact.maximum,
            decimal_places=1,
            help_text=help_text,
        )
    return {fact.name: field}


def _answer(fact: Fact, value: Any) -> Any:
    """The fact's value from one cleaned answer (treatment lists aside); None when unknown."""
    if value is None or value == "":
        return None
    if fact.type is FactType.BOOLEAN:
        return value == "yes"
    if fact.choices:
        # Answers travel as text: give back the registry's value ("1" is the whole number 1).
        return next((choice.value for choice in fact.choices if str(choice.value) == value), value)
    if isinstance(value, Decimal):
        return float(value)
    return value


class CheckForm(forms.Form):
    """The questionnaire: the registry's lay questions, then which trials to check. Empty answers
    mean "I don't know"."""

    open_only = forms.BooleanField(label="Only trials open to new patients", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for fact in ASKED.values():
            self.fields.update(lay_fields(fact))
        # In the order of the page, so that the error summary lists problems top to bottom.
        self.order_fields([name for _key, _legend, names in FIELDSETS for name in names])
        choices = treatment_choices()
        for name in TREATMENT_ANSWERS:
            field = self.fields[name]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = choices
        self.facts: PatientFacts | None = None

    def clean_postcode(self) -> str:
        text: str = self.cleaned_data.get("postcode", "").strip()
        if text:
            try:
                return outward_postcode(text)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from None
        return text

    def fieldsets(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        return [(key, legend, [self[name] for name in names]) for key, legend, names in FIELDSETS]

    def _treatments(self, answer_field: str, list_field: str) -> list[str] | None:
        """None (unknown), [] (none) or the ticked treatments, from a yes/none question and its boxes."""
        answer = self.cleaned_data.get(answer_field, "")
        ticked: list[str] = self.cleaned_data.get(list_field) or []
        if answer == "none" and ticked:
            self.add_error(list_field, "You answered “No” above, so leave these boxes empty (or change the answer).")
            return None
        if answer == "yes" and not ticked:
            self.add_error(list_field, "Tick the treatments you know of, or answer “I don't know” above.")
            return None
        if answer == "none":
            return []
        return ticked or None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        data: dict[str, Any] = {}
        for name, fact in ASKED.items():
            if name in TREATMENT_ANSWERS:
                value = self._treatments(TREATMENT_ANSWERS[name][0], name)
            else:
                value = _answer(fact, cleaned.get(name))
            if value is not None:
                data[name] = value
        if not self.errors:
            try:
                self.facts = PatientFacts.from_dict(data, known_treatments=known_intervention_slugs)
            except FactsInvalid as error:
                for name, messages in error.errors.items():
                    for message in messages:
                        self.add_error(name if name in self.fields else None, message)
        return cleaned
