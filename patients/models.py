"""A specialist's de-identified patient profiles: the PatientFacts of the eligibility engine, stored.

Every fact of the registry (trials.eligibility.facts) is a typed column of the same name, defined by
`fact_column()` from the registry: its type, label, help and choices. Unknown is NULL (or "" for the
text columns, as Django stores an empty text choice); for the treatment lists NULL means unknown and
an empty array means "none", so the two stay distinct. The database refuses values outside the
registry's choices and bounds through named constraints (`fact_constraints()`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from patients.deidentify import validate_deidentified
from trials.eligibility.definitions import Fact, FactType
from trials.eligibility.facts import FACTS
from trials.eligibility.patient import FactsInvalid, PatientFacts, outward_postcode
from trials.registry.choices import Diagnosis, Grade
from trials.registry.selectors import known_intervention_slugs

REFERENCE_HELP = "A local reference such as a clinic code. Never a name, date of birth, NHS number or contact details."
NOTES_HELP = "Clinical notes for you. Never a name, date of birth, NHS number or contact details."
NOTES_MAX_LENGTH = 2000  # a few paragraphs: notes are a reminder, not a record
POSTCODE_HELP = FACTS["postcode"].clinician.help
TREATMENTS_HELP = "Intervention slugs or kinds. NULL: unknown; an empty list: none."


def _is_text(fact: Fact) -> bool:
    """Whether the fact is stored as text, where unknown is "" rather than NULL."""
    return fact.type is FactType.POSTCODE or (
        fact.type is FactType.CHOICE and all(isinstance(value, str) for value in fact.choice_values)
    )


def fact_column(name: str, *, max_length: int | None = None) -> Any:
    """The column of the registry's fact `name`: its type, label, help and choices from the registry.

    `max_length` is the storage of a text column, the one thing the registry does not say.
    """
    fact = FACTS[name]
    common: dict[str, Any] = {"verbose_name": fact.clinician.label, "help_text": fact.clinician.help, "blank": True}
    choices = [(choice.value, choice.label) for choice in fact.choices] or None
    if fact.type is FactType.BOOLEAN:
        return models.BooleanField(null=True, **common)
    if fact.type is FactType.NUMBER:
        return models.FloatField(null=True, **common)
    if fact.type is FactType.TREATMENTS:
        return ArrayField(models.CharField(max_length=200), null=True, **{**common, "help_text": TREATMENTS_HELP})
    if _is_text(fact):
        return models.CharField(max_length=max_length, choices=choices, **common)
    return models.PositiveSmallIntegerField(null=True, choices=choices, **common)


def fact_constraints() -> list[models.CheckConstraint]:
    """A named check for every fact with choices (`_valid`) or bounds (`_range`): NULL or within them."""
    constraints = []
    for name, fact in FACTS.items():
        if fact.type is FactType.CHOICE:
            values = list(fact.choice_values)
            valid = (
                Q(**{f"{name}__in": [*values, ""]})
                if _is_text(fact)
                else Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__in": values})
            )
            constraints.append(models.CheckConstraint(condition=valid, name=f"patientprofile_{name}_valid"))
        elif fact.minimum is not None and fact.maximum is not None:
            within = Q(**{f"{name}__gte": fact.minimum, f"{name}__lte": fact.maximum})
            constraints.append(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | within, name=f"patientprofile_{name}_range"
                )
            )
    return constraints


def _fact_value(fact: Fact, column: Any) -> Any:
    if column is None or (column == "" and _is_text(fact)):
        return None
    return tuple(column) if fact.type is FactType.TREATMENTS else column


def _column_value(fact: Fact, value: Any) -> Any:
    if value is None:
        return "" if _is_text(fact) else None
    if fact.type is FactType.TREATMENTS:
        return list(value)
    if fact.type is FactType.POSTCODE:
        # Only the outward code is ever stored: "M20 4BX" becomes "M20". A postcode that is not
        # one is left as typed, so that full_clean() names the field.
        try:
            return outward_postcode(value)
        except ValueError:
            return value
    return value


class PatientProfileQuerySet(models.QuerySet["PatientProfile"]):
    def owned_by(self, user: Any) -> PatientProfileQuerySet:
        return self.filter(owner=user)

    def search(self, text: str) -> PatientProfileQuerySet:
        # A reference is a short code typed by its owner: a substring match is what they expect.
        return self.filter(reference__icontains=text) if text else self


class PatientProfile(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patient_profiles")
    reference = models.CharField(max_length=40, help_text=REFERENCE_HELP, validators=[validate_deidentified])
    notes = models.TextField(
        blank=True,
        max_length=NOTES_MAX_LENGTH,
        help_text=NOTES_HELP,
        # A TextField's max_length limits only the form's widget: the validator makes every writer keep it.
        validators=[MaxLengthValidator(NOTES_MAX_LENGTH), validate_deidentified],
    )

    # The registry's facts, one column each, in the registry's order (a test checks none is missing).
    age = fact_column("age")
    sex = fact_column("sex", max_length=10)
    diagnosis = fact_column("diagnosis", max_length=10)
    primary_site = fact_column("primary_site", max_length=20)
    gastric_type = fact_column("gastric_type")
    grade = fact_column("grade", max_length=2)
    ki67 = fact_column("ki67")
    extent = fact_column("extent", max_length=20)
    resectable = fact_column("resectable")
    measurable_disease = fact_column("measurable_disease")
    progressed_last_12_months = fact_column("progressed_last_12_months")
    carcinoid_syndrome = fact_column("carcinoid_syndrome")
    bowel_movements_per_day = fact_column("bowel_movements_per_day")
    syndrome_controlled_on_ssa = fact_column("syndrome_controlled_on_ssa")
    sstr_imaging_positive = fact_column("sstr_imaging_positive")
    ecog = fact_column("ecog")
    prior_treatments = fact_column("prior_treatments")
    progressed_on = fact_column("progressed_on")
    prior_systemic_lines = fact_column("prior_systemic_lines")
    brain_metastases = fact_column("brain_metastases")
    pregnant_or_breastfeeding = fact_column("pregnant_or_breastfeeding")
    creatinine_clearance = fact_column("creatinine_clearance")
    anc = fact_column("anc")
    platelets = fact_column("platelets")
    haemoglobin = fact_column("haemoglobin")
    bilirubin_uln = fact_column("bilirubin_uln")
    transaminases_uln = fact_column("transaminases_uln")
    lvef = fact_column("lvef")
    qtc_ms = fact_column("qtc_ms")
    postcode = fact_column("postcode", max_length=4)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = PatientProfileQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            # The specialist's list: their own profiles, most recently updated first.
            models.Index(fields=["owner", "-updated_at"], name="patientprofile_owner_updated"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(reference=""), name="patientprofile_reference_not_blank"),
            *fact_constraints(),
            # A NEC is always G3 (the engine's rule too).
            models.CheckConstraint(
                condition=~Q(diagnosis=Diagnosis.NEC) | Q(grade__in=["", Grade.G3]),
                name="patientprofile_nec_is_g3",
            ),
            models.CheckConstraint(
                condition=Q(postcode__regex=r"^([A-Z]{1,2}[0-9][0-9A-Z]?)?$"),
                name="patientprofile_postcode_outward_only",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("patients:matches", kwargs={"pk": self.pk})

    def to_facts(self) -> PatientFacts:
        """The profile as the engine's PatientFacts: with `set_facts()`, the one conversion."""
        return PatientFacts(**{name: _fact_value(fact, getattr(self, name)) for name, fact in FACTS.items()})

    def set_facts(self, facts: PatientFacts) -> None:
        """Store every fact of `facts` in its column (an unknown one as unknown), unsaved."""
        for name, fact in FACTS.items():
            setattr(self, name, _column_value(fact, getattr(facts, name)))

    def facts_dict(self) -> dict[str, Any]:
        """The known facts in PatientFacts' JSON names (unknown facts left out)."""
        return self.to_facts().to_dict()

    def clean(self) -> None:
        """Validate the facts with the engine's own rules, naming each bad field."""
        try:
            PatientFacts.from_dict(self.facts_dict(), known_treatments=known_intervention_slugs)
        except FactsInvalid as error:
            raise ValidationError(error.errors) from None
