"""The "Could I join?" questionnaire: lay questions whose answers become PatientFacts.

Every question starts at "I don't know" (an empty value), which leaves the fact unknown. The form
only translates answers; `PatientFacts.from_dict()` is the one validation of the facts themselves.
"""

from __future__ import annotations

from typing import Any

from django import forms

from trials.eligibility.engine import FactsInvalid, PatientFacts, known_intervention_slugs
from trials.geography.postcodes import PostcodeError, place_for_postcode
from trials.registry.choices import InterventionKind
from trials.registry.models import Intervention

DONT_KNOW = "I don't know"
YES_NO = [("", DONT_KNOW), ("yes", "Yes"), ("no", "No")]

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

BOOLEAN_FIELDS = [
    "pregnant_or_breastfeeding",
    "resectable",
    "measurable_disease",
    "progressed_last_12_months",
    "brain_metastases",
    "sstr_imaging_positive",
    "carcinoid_syndrome",
    "syndrome_controlled_on_ssa",
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


class CheckForm(forms.Form):
    """The questionnaire. Empty answers mean "I don't know"."""

    age = forms.IntegerField(
        label="How old are you?", required=False, min_value=0, max_value=120, help_text="In years. Leave empty to skip."
    )
    sex = _radio("What is your sex?", [("", DONT_KNOW), ("female", "Female"), ("male", "Male")])
    pregnant_or_breastfeeding = _radio("Are you pregnant or breastfeeding?", YES_NO)
    postcode = forms.CharField(
        label="Your postcode",
        required=False,
        max_length=10,
        help_text="Optional: only the first part (such as M20) is used, to show how far away each trial is.",
    )
    primary_site = _radio(
        "Where did the tumour start?",
        [
            ("", DONT_KNOW),
            ("stomach", "Stomach"),
            ("duodenum", "Duodenum (the first part of the small bowel)"),
            ("pancreas", "Pancreas"),
            ("small_bowel", "Small bowel (small intestine)"),
            ("appendix", "Appendix"),
            ("colon", "Colon (large bowel)"),
            ("rectum", "Rectum (back passage)"),
            ("lung", "Lung"),
            ("thymus", "Thymus (a gland in the chest)"),
            ("unknown_primary", "The doctors don't know where it started"),
            ("other", "Somewhere else"),
        ],
        help_text="Doctors call this the primary site.",
    )
    diagnosis = _radio(
        "What kind of tumour is it?",
        [
            ("", DONT_KNOW),
            ("net", "A neuroendocrine tumour (NET), sometimes called a carcinoid"),
            ("nec", "A neuroendocrine carcinoma (NEC), a faster-growing cancer"),
            ("minen", "A mixed tumour (MiNEN)"),
        ],
    )
    gastric_type = _radio(
        "If it started in the stomach: what type is it?",
        [("", DONT_KNOW), ("1", "Type 1"), ("2", "Type 2"), ("3", "Type 3")],
    )
    grade = _radio(
        "What grade is it?",
        [
            ("", DONT_KNOW),
            ("G1", "Grade 1 (G1): slow growing"),
            ("G2", "Grade 2 (G2)"),
            ("G3", "Grade 3 (G3): faster growing"),
        ],
        help_text="The grade is on your pathology report. A neuroendocrine carcinoma (NEC) is always grade 3.",
    )
    ki67 = forms.DecimalField(
        label="What is its Ki-67 score?",
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=1,
        help_text="A percentage from your pathology report, such as 5. Leave empty if you don't know.",
    )
    extent = _radio(
        "Has it spread?",
        [
            ("", DONT_KNOW),
            ("localised", "No, it is only where it started"),
            ("locally_advanced", "It has grown into the tissue nearby"),
            ("metastatic", "Yes, it has spread to other parts of the body, such as the liver"),
        ],
    )
    resectable = _radio("Could it be removed completely with an operation?", YES_NO)
    measurable_disease = _radio(
        "Can it be measured on a scan?", YES_NO, help_text="Doctors say the disease is measurable (RECIST)."
    )
    progressed_last_12_months = _radio("Has it grown in the last 12 months?", YES_NO)
    brain_metastases = _radio("Has it spread to the brain?", YES_NO)
    sstr_imaging_positive = _radio(
        "Has a special scan shown somatostatin receptors on the tumour?",
        YES_NO,
        help_text="Such as a Gallium-68 DOTATATE PET scan or an Octreoscan.",
    )
    carcinoid_syndrome = _radio(
        "Do you have carcinoid syndrome?",
        YES_NO,
        help_text="Hot flushes and diarrhoea caused by hormones the tumour makes.",
    )
    bowel_movements_per_day = forms.DecimalField(
        label="About how many times a day do you open your bowels?",
        required=False,
        min_value=0,
        max_value=50,
        decimal_places=1,
        help_text="Leave empty if you don't know.",
    )
    ecog = _radio(
        "How much does your illness affect your daily life?",
        [
            ("", DONT_KNOW),
            ("0", "Not at all: I can do everything I could before"),
            ("1", "I can't do heavy physical work, but I can do light work such as housework or office work"),
            ("2", "I can look after myself but can't work; I'm up and about for more than half the day"),
            ("3", "I can only partly look after myself; I spend more than half the day in bed or a chair"),
            ("4", "I can't look after myself; I spend all day in bed or a chair"),
        ],
        help_text="Doctors call this your performance status (ECOG).",
    )
    had_treatment = _radio(
        "Have you had any drug treatment or PRRT for the tumour?",
        [("", DONT_KNOW), ("none", "No, none yet"), ("yes", "Yes")],
    )
    prior_treatments = forms.MultipleChoiceField(
        label="If yes: which ones? Tick all you know of.", required=False, widget=forms.CheckboxSelectMultiple
    )
    prior_systemic_lines = forms.IntegerField(
        label="How many different drug treatments have you had, one after another?",
        required=False,
        min_value=0,
        max_value=20,
        help_text="Doctors call these lines of treatment. Leave empty if you don't know.",
    )
    syndrome_controlled_on_ssa = _radio(
        "If you have octreotide or lanreotide injections: do they control your symptoms?", YES_NO
    )
    grew_on_treatment = _radio(
        "Has the tumour grown while you were having a treatment?",
        [("", DONT_KNOW), ("none", "No"), ("yes", "Yes")],
    )
    progressed_on = forms.MultipleChoiceField(
        label="If yes: which treatments? Tick all you know of.", required=False, widget=forms.CheckboxSelectMultiple
    )
    creatinine_clearance = forms.DecimalField(
        label="If you know it: your kidney function (creatinine clearance, in ml/min)",
        required=False,
        min_value=0,
        max_value=300,
        decimal_places=1,
        help_text="From a blood test. Leave empty if you don't know.",
    )
    open_only = forms.BooleanField(label="Only trials open to new patients", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = treatment_choices()
        for name in ("prior_treatments", "progressed_on"):
            field = self.fields[name]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = choices
        self.facts: PatientFacts | None = None

    def clean_postcode(self) -> str:
        text: str = self.cleaned_data.get("postcode", "").strip()
        if text:
            try:
                return place_for_postcode(text).outcode
            except PostcodeError as error:
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
        for name in ("age", "prior_systemic_lines"):
            if cleaned.get(name) is not None:
                data[name] = cleaned[name]
        for name in ("ki67", "bowel_movements_per_day", "creatinine_clearance"):
            if cleaned.get(name) is not None:
                data[name] = float(cleaned[name])
        for name in ("sex", "primary_site", "diagnosis", "grade", "extent"):
            if cleaned.get(name):
                data[name] = cleaned[name]
        for name in ("gastric_type", "ecog"):
            if cleaned.get(name):
                data[name] = int(cleaned[name])
        for name in BOOLEAN_FIELDS:
            if cleaned.get(name):
                data[name] = cleaned[name] == "yes"
        if cleaned.get("postcode"):
            data["postcode"] = cleaned["postcode"]
        for answer, name in (("had_treatment", "prior_treatments"), ("grew_on_treatment", "progressed_on")):
            treatments = self._treatments(answer, name)
            if treatments is not None:
                data[name] = treatments
        if not self.errors:
            try:
                self.facts = PatientFacts.from_dict(data, known_treatments=known_intervention_slugs)
            except FactsInvalid as error:
                for name, messages in error.errors.items():
                    for message in messages:
                        self.add_error(name if name in self.fields else None, message)
        return cleaned
