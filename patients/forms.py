"""The specialist's profile form: the registry's facts in clinical words, every question with "Unknown".

Each fact's field comes from the registry (trials.eligibility.facts): its clinical label and help,
its choices and bounds. The form only translates answers; `PatientFacts.from_dict()` validates the
facts themselves, as it does for the questionnaire and the API.
"""

from __future__ import annotations

from typing import Any

from django import forms

from patients.models import NOTES_HELP, REFERENCE_HELP, PatientProfile
from trials.eligibility.definitions import Fact, FactType
from trials.eligibility.facts import FACTS
from trials.eligibility.patient import FactsInvalid, PatientFacts
from trials.registry.choices import InterventionKind, Status
from trials.registry.models import Intervention
from trials.registry.selectors import known_intervention_slugs

UNKNOWN = ("", "Unknown")
YES_NO = [UNKNOWN, ("yes", "Yes"), ("no", "No")]
VERDICT_CHOICES = [
    ("likely_eligible", "Likely eligible"),
    ("possibly_eligible", "Possibly eligible"),
    ("not_eligible", "Not eligible"),
]
LIST_ANSWERS = [UNKNOWN, ("none", "None"), ("listed", "Those ticked below")]
TREATMENT_FACTS = [name for name, fact in FACTS.items() if fact.type is FactType.TREATMENTS]

FIELDSETS: list[tuple[str, str, list[str]]] = [
    ("profile", "Profile", ["reference", "notes"]),
    ("patient", "Patient", ["age", "sex", "pregnant_or_breastfeeding", "postcode"]),
    (
        "tumour",
        "Tumour",
        ["diagnosis", "primary_site", "gastric_type", "grade", "ki67", "extent", "resectable", "measurable_disease"],
    ),
    (
        "disease",
        "Disease course and function",
        [
            "progressed_last_12_months",
            "brain_metastases",
            "sstr_imaging_positive",
            "carcinoid_syndrome",
            "bowel_movements_per_day",
            "syndrome_controlled_on_ssa",
            "ecog",
            "creatinine_clearance",
        ],
    ),
    (
        "bloods",
        "Blood counts, liver and heart",
        ["anc", "platelets", "haemoglobin", "bilirubin_uln", "transaminases_uln", "lvef", "qtc_ms"],
    ),
    (
        "treatment",
        "Treatment history",
        ["prior_systemic_lines", "prior_treatments_known", "prior_treatments", "progressed_on_known", "progressed_on"],
    ),
]


def fact_fields(fact: Fact) -> dict[str, forms.Field]:
    """The form fields that ask for `fact`: one, or for a treatment list its answer and its boxes."""
    label, help_text = fact.clinician.label, fact.clinician.help
    if fact.type is FactType.TREATMENTS:
        return {
            f"{fact.name}_known": forms.ChoiceField(label=label, choices=LIST_ANSWERS, required=False),
            fact.name: forms.MultipleChoiceField(
                label=fact.clinician.boxes, required=False, widget=forms.CheckboxSelectMultiple
            ),
        }
    field: forms.Field
    if fact.type is FactType.BOOLEAN:
        field = forms.ChoiceField(label=label, choices=YES_NO, required=False, help_text=help_text)
    elif fact.choices:
        choices = [UNKNOWN, *((str(choice.value), choice.label) for choice in fact.choices)]
        field = forms.ChoiceField(label=label, choices=choices, required=False, help_text=help_text)
    elif fact.type is FactType.POSTCODE:
        field = forms.CharField(label=label, required=False, max_length=10, help_text=help_text)
    else:
        number = forms.IntegerField if fact.type is FactType.INTEGER else forms.FloatField
        field = number(label=label, required=False, min_value=fact.minimum, max_value=fact.maximum, help_text=help_text)
    return {fact.name: field}


def _initial(fact: Fact, value: Any) -> dict[str, Any]:
    """The form's initial answers for a known value of `fact`."""
    if fact.type is FactType.BOOLEAN:
        return {fact.name: "yes" if value else "no"}
    if fact.type is FactType.TREATMENTS:
        return {f"{fact.name}_known": "listed" if value else "none", fact.name: value}
    return {fact.name: str(value) if fact.choices else value}


def treatment_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Checkbox choices grouped by intervention kind: the kind itself, then each agent (one query)."""
    agents: dict[str, list[tuple[str, str]]] = {kind: [] for kind in InterventionKind.values}
    for slug, name, kind in Intervention.objects.order_by("name").values_list("slug", "name", "kind"):
        agents[kind].append((slug, name))
    return [
        (label, [(kind, f"{label}, agent not specified"), *agents[kind]]) for kind, label in InterventionKind.choices
    ]


class PatientProfileForm(forms.Form):
    """Reference, notes and the registry's facts; blank answers are unknown."""

    reference = forms.CharField(label="Reference", max_length=40, help_text=REFERENCE_HELP)
    notes = forms.CharField(
        label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=NOTES_HELP
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for fact in FACTS.values():
            self.fields.update(fact_fields(fact))
        # In the order of the page, so that the error summary lists problems top to bottom.
        self.order_fields([name for _key, _legend, names in FIELDSETS for name in names])
        choices = treatment_choices()
        for name in TREATMENT_FACTS:
            field = self.fields[name]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = choices
        self.facts: PatientFacts | None = None

    @classmethod
    def initial_for(cls, profile: PatientProfile) -> dict[str, Any]:
        """The form's initial answers for a stored profile."""
        initial: dict[str, Any] = {"reference": profile.reference, "notes": profile.notes}
        for name, value in profile.facts_dict().items():
            initial.update(_initial(FACTS[name], value))
        return initial

    def fieldsets(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        return [(key, legend, [self[name] for name in names]) for key, legend, names in FIELDSETS]

    def _treatments(self, name: str) -> list[str] | None:
        answer = self.cleaned_data.get(f"{name}_known", "")
        ticked: list[str] = self.cleaned_data.get(name) or []
        if answer == "none" and ticked:
            self.add_error(name, "You answered “None” above: untick these or change that answer.")
        elif answer == "listed" and not ticked:
            self.add_error(name, "Tick at least one, or answer “Unknown” or “None” above.")
        elif answer == "" and ticked:
            self.add_error(name, "You ticked treatments: answer “Those ticked below” above.")
        if answer == "none":
            return []
        return ticked if answer == "listed" else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        data: dict[str, Any] = {}
        for name, fact in FACTS.items():
            value = self._treatments(name) if name in TREATMENT_FACTS else fact.from_answer(cleaned.get(fact.name))
            if value is not None:
                data[name] = value
        # The engine validates what the fields let through, so every problem is named at once.
        try:
            facts = PatientFacts.from_dict(data, known_treatments=known_intervention_slugs)
        except FactsInvalid as error:
            for name, messages in error.errors.items():
                if name not in self.errors:
                    for message in messages:
                        self.add_error(name if name in self.fields else None, message)
        else:
            self.facts = None if self.errors else facts
        return cleaned


SORT_CHOICES = [
    ("verdict", "Verdict (best first)"),
    ("distance", "Distance (nearest first)"),
    ("phase", "Phase (latest first)"),
]


class MatchesFilterForm(forms.Form):
    """Which trials a profile's matches show (by status, all when none ticked, and verdict), and their order.

    Open trials always come first; the sort orders the open ones, then the others. Distance is
    offered only when the profile has a postcode area to measure from.
    """

    status = forms.MultipleChoiceField(
        label="Trial status", choices=Status.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    verdict = forms.ChoiceField(label="Verdict", choices=[("", "Any verdict"), *VERDICT_CHOICES], required=False)
    sort = forms.ChoiceField(label="Sort by", choices=SORT_CHOICES, required=False)

    def __init__(self, *args: Any, has_postcode: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not has_postcode:
            sort = self.fields["sort"]
            assert isinstance(sort, forms.ChoiceField)
            sort.choices = [choice for choice in SORT_CHOICES if choice[0] != "distance"]


class ProfileSearchForm(forms.Form):
    q = forms.CharField(label="Search by reference", required=False, max_length=40)
