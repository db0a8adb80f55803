"""The specialist's profile form: PatientFacts in clinical words, every question with "Unknown".

The form only translates answers; `PatientFacts.from_dict()` validates the facts themselves, as it
does for the questionnaire and the API.
"""

from __future__ import annotations

from typing import Any

from django import forms

from patients.models import NOTES_HELP, POSTCODE_HELP, REFERENCE_HELP, PatientProfile
from trials.eligibility.engine import FactsInvalid, PatientFacts, known_intervention_slugs
from trials.registry.choices import Diagnosis, Extent, Grade, InterventionKind, PrimarySite, Sex, Status
from trials.registry.models import Intervention

UNKNOWN = ("", "Unknown")
YES_NO = [UNKNOWN, ("yes", "Yes"), ("no", "No")]
VERDICT_CHOICES = [
    ("likely_eligible", "Likely eligible"),
    ("possibly_eligible", "Possibly eligible"),
    ("not_eligible", "Not eligible"),
]
LIST_ANSWERS = [UNKNOWN, ("none", "None"), ("listed", "Those ticked below")]

BOOLEAN_FACTS = (
    "resectable",
    "measurable_disease",
    "progressed_last_12_months",
    "carcinoid_syndrome",
    "syndrome_controlled_on_ssa",
    "sstr_imaging_positive",
    "brain_metastases",
    "pregnant_or_breastfeeding",
)
CHOICE_FACTS = ("sex", "diagnosis", "primary_site", "grade", "extent")
INT_CHOICE_FACTS = ("gastric_type", "ecog")
NUMBER_FACTS = ("ki67", "bowel_movements_per_day", "creatinine_clearance")
INTEGER_FACTS = ("age", "prior_systemic_lines")

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
        "treatment",
        "Treatment history",
        ["prior_systemic_lines", "prior_treatments_known", "prior_treatments", "progressed_on_known", "progressed_on"],
    ),
]


def _select(label: str, choices: list[tuple[Any, str]], help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=[UNKNOWN, *choices], required=False, help_text=help_text)


def _yes_no(label: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=YES_NO, required=False, help_text=help_text)


def treatment_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Checkbox choices grouped by intervention kind: the kind itself, then each agent (one query)."""
    agents: dict[str, list[tuple[str, str]]] = {kind: [] for kind in InterventionKind.values}
    for slug, name, kind in Intervention.objects.order_by("name").values_list("slug", "name", "kind"):
        agents[kind].append((slug, name))
    return [
        (label, [(kind, f"{label}, agent not specified"), *agents[kind]]) for kind, label in InterventionKind.choices
    ]


class PatientProfileForm(forms.Form):
    """Reference, notes and the PatientFacts; blank answers are unknown."""

    reference = forms.CharField(label="Reference", max_length=40, help_text=REFERENCE_HELP)
    notes = forms.CharField(
        label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=NOTES_HELP
    )
    age = forms.IntegerField(label="Age (years)", required=False, min_value=0, max_value=120)
    sex = _select("Sex", Sex.choices)
    pregnant_or_breastfeeding = _yes_no("Pregnant or breastfeeding")
    postcode = forms.CharField(label="Postcode district", required=False, max_length=10, help_text=POSTCODE_HELP)
    diagnosis = _select("Histology", Diagnosis.choices)
    primary_site = _select("Primary site", PrimarySite.choices)
    gastric_type = _select("Gastric NET type", [("1", "Type 1"), ("2", "Type 2"), ("3", "Type 3")])
    grade = _select("WHO grade", Grade.choices, "A NEC is G3.")
    ki67 = forms.FloatField(label="Ki-67 index (%)", required=False, min_value=0, max_value=100)
    extent = _select("Extent of disease", Extent.choices)
    resectable = _yes_no("Resectable")
    measurable_disease = _yes_no("Measurable disease (RECIST 1.1)")
    progressed_last_12_months = _yes_no("Radiological progression in the last 12 months")
    brain_metastases = _yes_no("Brain metastases")
    sstr_imaging_positive = _yes_no("Somatostatin-receptor imaging positive", "Such as 68Ga-DOTATATE PET.")
    carcinoid_syndrome = _yes_no("Carcinoid syndrome")
    bowel_movements_per_day = forms.FloatField(
        label="Bowel movements per day (average)", required=False, min_value=0, max_value=50
    )
    syndrome_controlled_on_ssa = _yes_no("Syndrome controlled on a somatostatin analogue")
    ecog = _select("ECOG performance status", [(str(n), str(n)) for n in range(5)])
    creatinine_clearance = forms.FloatField(
        label="Creatinine clearance (ml/min)", required=False, min_value=0, max_value=300
    )
    prior_systemic_lines = forms.IntegerField(
        label="Prior lines of systemic therapy", required=False, min_value=0, max_value=20
    )
    prior_treatments_known = forms.ChoiceField(label="Prior treatments", choices=LIST_ANSWERS, required=False)
    prior_treatments = forms.MultipleChoiceField(
        label="Prior treatments given", required=False, widget=forms.CheckboxSelectMultiple
    )
    progressed_on_known = forms.ChoiceField(label="Progressed on treatment", choices=LIST_ANSWERS, required=False)
    progressed_on = forms.MultipleChoiceField(
        label="Treatments the disease progressed on", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = treatment_choices()
        for name in ("prior_treatments", "progressed_on"):
            field = self.fields[name]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = choices
        self.facts: PatientFacts | None = None

    @classmethod
    def initial_for(cls, profile: PatientProfile) -> dict[str, Any]:
        """The form's initial answers for a stored profile."""
        initial: dict[str, Any] = {"reference": profile.reference, "notes": profile.notes}
        for name, value in profile.facts_dict().items():
            if name in BOOLEAN_FACTS:
                initial[name] = "yes" if value else "no"
            elif name in ("prior_treatments", "progressed_on"):
                initial[f"{name}_known"] = "listed" if value else "none"
                initial[name] = value
            else:
                initial[name] = str(value) if name in INT_CHOICE_FACTS else value
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
        for name in (*INTEGER_FACTS, *NUMBER_FACTS):
            if cleaned.get(name) is not None:
                data[name] = cleaned[name]
        for name in CHOICE_FACTS:
            if cleaned.get(name):
                data[name] = cleaned[name]
        for name in INT_CHOICE_FACTS:
            if cleaned.get(name):
                data[name] = int(cleaned[name])
        for name in BOOLEAN_FACTS:
            if cleaned.get(name):
                data[name] = cleaned[name] == "yes"
        if cleaned.get("postcode", "").strip():
            data["postcode"] = cleaned["postcode"].strip()
        for name in ("prior_treatments", "progressed_on"):
            treatments = self._treatments(name)
            if treatments is not None:
                data[name] = treatments
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


class MatchesFilterForm(forms.Form):
    """Which trials a profile's matches show: by status (all when none ticked) and verdict."""

    status = forms.MultipleChoiceField(
        label="Trial status", choices=Status.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    verdict = forms.ChoiceField(label="Verdict", choices=[("", "Any verdict"), *VERDICT_CHOICES], required=False)


class ProfileSearchForm(forms.Form):
    q = forms.CharField(label="Search by reference", required=False, max_length=40)
