"""A specialist's de-identified patient profiles: the PatientFacts of the eligibility engine, stored.

Every PatientFacts field is a typed column of the same name. Unknown is NULL (or "" for the choice
text columns, as Django stores an empty text choice); for the treatment lists NULL means unknown and
an empty array means "none", so the two stay distinct. The database refuses values outside the
vocabulary through named constraints.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from trials.eligibility.engine import FactsInvalid, PatientFacts, known_intervention_slugs
from trials.eligibility.rules import FACTS
from trials.registry.choices import Diagnosis, Extent, Grade, PrimarySite, Sex
from trials.registry.models import choice_constraint

REFERENCE_HELP = "A local reference such as a clinic code. Never a name, date of birth, NHS number or contact details."
NOTES_HELP = "Clinical notes for you. Never a name, date of birth, NHS number or contact details."
POSTCODE_HELP = "The outward code only (the first part, such as M20): a full postcode is cut to it when saved."

GASTRIC_TYPES = [(1, "Type 1"), (2, "Type 2"), (3, "Type 3")]
ECOG_CHOICES = [(n, f"ECOG {n}") for n in range(5)]
CHOICE_FACTS = ("sex", "diagnosis", "primary_site", "grade", "extent")
LIST_FACTS = ("prior_treatments", "progressed_on")


def _range_constraint(name: str) -> models.CheckConstraint:
    """A named check that the fact's column is NULL or within the vocabulary's limits."""
    fact = FACTS[name]
    return models.CheckConstraint(
        condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": fact.minimum, f"{name}__lte": fact.maximum}),
        name=f"patientprofile_{name}_range",
    )


class PatientProfileQuerySet(models.QuerySet["PatientProfile"]):
    def owned_by(self, user: Any) -> PatientProfileQuerySet:
        return self.filter(owner=user)

    def search(self, text: str) -> PatientProfileQuerySet:
        # A reference is a short code typed by its owner: a substring match is what they expect.
        return self.filter(reference__icontains=text) if text else self


class PatientProfile(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patient_profiles")
    reference = models.CharField(max_length=40, help_text=REFERENCE_HELP)
    notes = models.TextField(blank=True, help_text=NOTES_HELP)

    age = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=10, blank=True, choices=Sex.choices)
    diagnosis = models.CharField(max_length=10, blank=True, choices=Diagnosis.choices)
    primary_site = models.CharField(max_length=20, blank=True, choices=PrimarySite.choices)
    gastric_type = models.PositiveSmallIntegerField(null=True, blank=True, choices=GASTRIC_TYPES)
    grade = models.CharField(max_length=2, blank=True, choices=Grade.choices)
    ki67 = models.FloatField("Ki-67 (%)", null=True, blank=True)
    extent = models.CharField(max_length=20, blank=True, choices=Extent.choices)
    resectable = models.BooleanField(null=True, blank=True)
    measurable_disease = models.BooleanField(null=True, blank=True)
    progressed_last_12_months = models.BooleanField(null=True, blank=True)
    carcinoid_syndrome = models.BooleanField(null=True, blank=True)
    bowel_movements_per_day = models.FloatField(null=True, blank=True)
    syndrome_controlled_on_ssa = models.BooleanField(null=True, blank=True)
    sstr_imaging_positive = models.BooleanField(null=True, blank=True)
    ecog = models.PositiveSmallIntegerField("ECOG", null=True, blank=True, choices=ECOG_CHOICES)
    prior_treatments = ArrayField(
        models.CharField(max_length=200),
        null=True,
        blank=True,
        help_text="Intervention slugs or kinds. NULL: unknown; an empty list: none.",
    )
    progressed_on = ArrayField(
        models.CharField(max_length=200),
        null=True,
        blank=True,
        help_text="Intervention slugs or kinds. NULL: unknown; an empty list: none.",
    )
    prior_systemic_lines = models.PositiveSmallIntegerField(null=True, blank=True)
    brain_metastases = models.BooleanField(null=True, blank=True)
    pregnant_or_breastfeeding = models.BooleanField(null=True, blank=True)
    creatinine_clearance = models.FloatField("Creatinine clearance (ml/min)", null=True, blank=True)
    postcode = models.CharField("Outward postcode", max_length=4, blank=True, help_text=POSTCODE_HELP)

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
            choice_constraint("sex", Sex, name="patientprofile_sex_valid", blank=True),
            choice_constraint("diagnosis", Diagnosis, name="patientprofile_diagnosis_valid", blank=True),
            choice_constraint("primary_site", PrimarySite, name="patientprofile_primary_site_valid", blank=True),
            choice_constraint("grade", Grade, name="patientprofile_grade_valid", blank=True),
            choice_constraint("extent", Extent, name="patientprofile_extent_valid", blank=True),
            models.CheckConstraint(
                condition=Q(gastric_type__isnull=True) | Q(gastric_type__in=[1, 2, 3]),
                name="patientprofile_gastric_type_valid",
            ),
            *(
                _range_constraint(name)
                for name in (
                    "age",
                    "ki67",
                    "bowel_movements_per_day",
                    "ecog",
                    "prior_systemic_lines",
                    "creatinine_clearance",
                )
            ),
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

    def facts_dict(self) -> dict[str, Any]:
        """The known facts in PatientFacts' JSON names (unknown facts left out)."""
        values: dict[str, Any] = {}
        for name in PatientFacts.field_names():
            value = getattr(self, name)
            if value is None or (name in (*CHOICE_FACTS, "postcode") and value == ""):
                continue
            values[name] = list(value) if name in LIST_FACTS else value
        return values

    def to_facts(self) -> PatientFacts:
        """The profile as the engine's PatientFacts."""
        values = self.facts_dict()
        for name in LIST_FACTS:
            if name in values:
                values[name] = tuple(values[name])
        return PatientFacts(**values)

    def clean(self) -> None:
        """Validate the facts with the engine's own rules, naming each bad field."""
        try:
            PatientFacts.from_dict(self.facts_dict(), known_treatments=known_intervention_slugs)
        except FactsInvalid as error:
            raise ValidationError(error.errors) from None
