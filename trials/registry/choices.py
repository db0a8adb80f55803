"""The controlled vocabularies of the trials domain and of PatientFacts.

Each TextChoices here is backed by a CheckConstraint wherever a model stores it: `choice_constraint`
and `array_choice_constraint` build them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


def choice_constraint(
    field: str, choices: type[models.TextChoices], *, name: str, blank: bool = False
) -> models.CheckConstraint:
    """Return a named check that `field` holds one of `choices` (or '' when `blank`)."""
    values = list(choices.values) + ([""] if blank else [])
    return models.CheckConstraint(condition=Q(**{f"{field}__in": values}), name=name)


def array_choice_constraint(field: str, choices: type[models.TextChoices], *, name: str) -> models.CheckConstraint:
    """Return a named check that every element of the array `field` is one of `choices`."""
    return models.CheckConstraint(condition=Q(**{f"{field}__contained_by": list(choices.values)}), name=name)


class Status(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    RESULTS = "results", "Results"


class Phase(models.TextChoices):
    PHASE_0 = "phase_0", "Phase 0"
    PHASE_1 = "phase_1", "Phase 1"
    PHASE_1_2 = "phase_1_2", "Phase 1/2"
    PHASE_2 = "phase_2", "Phase 2"
    PHASE_2_3 = "phase_2_3", "Phase 2/3"
    PHASE_3 = "phase_3", "Phase 3"
    PHASE_4 = "phase_4", "Phase 4"
    PILOT = "pilot", "Pilot study"
    OTHER = "other", "Other"


class TrialType(models.TextChoices):
    TREATMENT = "treatment", "Treatment"
    DIAGNOSIS = "diagnosis", "Diagnosis"
    SCREENING = "screening", "Screening"
    SUPPORTIVE_CARE = "supportive_care", "Symptom control and supportive care"
    QUALITY_OF_LIFE = "quality_of_life", "Quality of life"
    BIOLOGY = "biology", "Biology and genetics"
    OTHER = "other", "Other"


class InterventionKind(models.TextChoices):
    TARGETED_DRUG = "targeted_drug", "Targeted drug"
    PRRT = "prrt", "PRRT (radionuclide therapy)"
    SOMATOSTATIN_ANALOGUE = "somatostatin_analogue", "Somatostatin analogue"
    CHEMOTHERAPY = "chemotherapy", "Chemotherapy"
    IMMUNOTHERAPY = "immunotherapy", "Immunotherapy"
    IMAGING_TRACER = "imaging_tracer", "Imaging tracer"
    DEVICE_OR_APP = "device_or_app", "Device or app"
    PROCEDURE = "procedure", "Procedure or test"
    OTHER = "other", "Other"


class Grade(models.TextChoices):
    G1 = "G1", "Grade 1 (G1)"
    G2 = "G2", "Grade 2 (G2)"
    G3 = "G3", "Grade 3 (G3)"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"


class Diagnosis(models.TextChoices):
    NET = "net", "Neuroendocrine tumour (NET)"
    NEC = "nec", "Neuroendocrine carcinoma (NEC)"
    MINEN = "minen", "Mixed tumour (MiNEN)"


class PrimarySite(models.TextChoices):
    STOMACH = "stomach", "Stomach"
    DUODENUM = "duodenum", "Duodenum"
    PANCREAS = "pancreas", "Pancreas"
    SMALL_BOWEL = "small_bowel", "Small bowel"
    APPENDIX = "appendix", "Appendix"
    COLON = "colon", "Colon"
    RECTUM = "rectum", "Rectum"
    LUNG = "lung", "Lung"
    THYMUS = "thymus", "Thymus"
    UNKNOWN_PRIMARY = "unknown_primary", "Unknown primary"
    OTHER = "other", "Other"


class Extent(models.TextChoices):
    LOCALISED = "localised", "Localised"
    LOCALLY_ADVANCED = "locally_advanced", "Locally advanced"
    METASTATIC = "metastatic", "Spread (metastatic)"


class CriterionKind(models.TextChoices):
    INCLUSION = "inclusion", "Inclusion"
    EXCLUSION = "exclusion", "Exclusion"


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class Registry(models.TextChoices):
    """The trial registries the site syncs from; the label is the name a trial page shows."""

    CTGOV = "ctgov", "ClinicalTrials.gov"
    ISRCTN = "isrctn", "ISRCTN"
