"""Drug classes: named groups of interventions (platinum agents, VEGF/VEGFR inhibitors, ...).

A treatment rule may name a class as `"class:<slug>"` (trials.eligibility.rules.CLASS_PREFIX); a drug
counts as every class it belongs to. The classes are vocabulary, like the interventions: loaded from
the seed bundle's `drug_classes`, edited in the admin, and resolved into plain data
(`trials.eligibility.values.Treatments`) before the engine sees a rule.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from trials.eligibility.rules import CLASS_PREFIX
from trials.registry.models import Intervention


class DrugClass(models.Model):
    """A class of drugs that criteria name as a whole ("no prior VEGF or VEGFR inhibitor")."""

    slug = models.SlugField(max_length=80, unique=True, help_text='Rules name it as "class:<slug>".')
    name = models.CharField(max_length=120, unique=True, help_text="Plural, as in a criterion: Platinum agents.")
    description = models.TextField(blank=True, help_text="One plain-English line on what these drugs do.")
    members = models.ManyToManyField(Intervention, related_name="drug_classes", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "drug classes"

    def __str__(self) -> str:
        return self.name

    @property
    def reference(self) -> str:
        """How a rule names this class."""
        return f"{CLASS_PREFIX}{self.slug}"


def known_treatment_values(values: Iterable[str]) -> set[str]:
    """Which of `values` (intervention slugs and "class:<slug>" names) exist (two queries at most)."""
    values = list(values)
    slugs = [value for value in values if not value.startswith(CLASS_PREFIX)]
    classes = [value.removeprefix(CLASS_PREFIX) for value in values if value.startswith(CLASS_PREFIX)]
    known = set(Intervention.objects.filter(slug__in=slugs).values_list("slug", flat=True)) if slugs else set()
    if classes:
        found = DrugClass.objects.filter(slug__in=classes).values_list("slug", flat=True)
        known |= {f"{CLASS_PREFIX}{slug}" for slug in found}
    return known
