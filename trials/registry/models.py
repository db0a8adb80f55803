"""The trials registry: trials, their vocabularies (tumour types, interventions, hospitals) and criteria.

Invariants live in the database as named constraints, so a bad row is refused whatever wrote it.
Writes go through `trials.registry.services`; query building lives on `TrialQuerySet` (`querysets`).
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from trials.eligibility.rules import RuleError, validate_rule
from trials.registry.choices import (
    CriterionKind,
    DatePrecision,
    Diagnosis,
    Grade,
    InterventionKind,
    Phase,
    PrimarySite,
    Sex,
    Status,
    TrialType,
    array_choice_constraint,
    choice_constraint,
)
from trials.registry.glossary_terms import GlossaryTerm
from trials.registry.querysets import SEARCH_CONFIG, TrialQuerySet

__all__ = ["GlossaryTerm"]  # Defined apart to keep this module small; imported from here.


class TumourType(models.Model):
    """A kind of neuroendocrine neoplasm a trial is for, and the patient facts it implies."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120, unique=True)
    synonyms = ArrayField(models.CharField(max_length=120), default=list, blank=True)
    primary_site = models.CharField(
        max_length=20, choices=PrimarySite.choices, blank=True, help_text="Leave empty when any site applies."
    )
    diagnosis = models.CharField(
        max_length=10,
        choices=Diagnosis.choices,
        blank=True,
        help_text="Leave empty when any diagnosis applies.",
    )
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            choice_constraint("primary_site", PrimarySite, name="tumourtype_primary_site_valid", blank=True),
            choice_constraint("diagnosis", Diagnosis, name="tumourtype_diagnosis_valid", blank=True),
        ]

    def __str__(self) -> str:
        return self.name

    def covers(self, other: TumourType) -> bool:
        """Whether a trial for this type is also for `other`: the same type, or a more general one.

        "NET, any site" covers "Stomach NET"; "Stomach NET" does not cover "NET, any site".
        """
        if self.pk == other.pk:
            return True
        specified = [value for value in (self.primary_site, self.diagnosis) if value]
        other_specified = [value for value in (other.primary_site, other.diagnosis) if value]
        return (
            len(specified) < len(other_specified)
            and self.primary_site in ("", other.primary_site)
            and self.diagnosis in ("", other.diagnosis)
        )


class Intervention(models.Model):
    """A drug, radionuclide, tracer, device or procedure that trials test."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=24, choices=InterventionKind.choices)
    synonyms = ArrayField(
        models.CharField(max_length=120),
        default=list,
        blank=True,
        help_text="Brand names, code names and other spellings, e.g. Lenvima, E7080.",
    )
    description = models.TextField(blank=True, help_text="One plain-English line on what it is.")
    needs_review = models.BooleanField(
        default=False, help_text="Created by an import; an admin should check its kind and synonyms."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [choice_constraint("kind", InterventionKind, name="intervention_kind_valid")]

    def __str__(self) -> str:
        return self.name


class Hospital(models.Model):
    """A hospital where trials recruit."""

    name = models.CharField(max_length=200)
    town = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "postcode"], name="hospital_name_postcode_unique"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="hospital_coordinates_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.town}" if self.town else self.name


class Trial(models.Model):
    """A clinical trial, shaped like a Cancer Research UK trial database record."""

    slug = models.SlugField(max_length=200, unique=True)
    cruk_id = models.PositiveIntegerField("CRUK internal database number", null=True, blank=True, unique=True)
    nct_id = models.CharField("ClinicalTrials.gov number", max_length=11, blank=True)
    isrctn = models.CharField("ISRCTN", max_length=14, blank=True)
    eudract = models.CharField("EudraCT / EU CT number", max_length=20, blank=True)
    iras = models.CharField("IRAS number", max_length=10, blank=True)

    title = models.CharField(max_length=300, help_text="Plain-English title.")
    acronym = models.CharField(max_length=60, blank=True)
    official_title = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    phase = models.CharField(max_length=10, choices=Phase.choices, blank=True)
    trial_type = models.CharField(max_length=20, choices=TrialType.choices, default=TrialType.TREATMENT)

    summary = models.TextField(blank=True)
    more_about = models.TextField("More about this trial", blank=True)
    trial_design = models.TextField(blank=True)
    hospital_visits = models.TextField(blank=True)
    side_effects = models.TextField(blank=True)
    other_information = models.TextField(blank=True)
    registry_conditions = ArrayField(
        models.CharField(max_length=300),
        default=list,
        blank=True,
        help_text="Conditions a registry lists that match no tumour type; kept so that nothing imported is lost.",
    )

    recruitment_start = models.DateField(null=True, blank=True)
    recruitment_start_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    recruitment_end = models.DateField(null=True, blank=True)
    recruitment_end_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    chief_investigator = models.CharField(max_length=200, blank=True)
    supported_by = ArrayField(models.CharField(max_length=200), default=list, blank=True)

    min_age = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty: no lower age limit.")
    max_age = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty: no upper age limit.")
    sexes = ArrayField(
        models.CharField(max_length=6, choices=Sex.choices),
        default=list,
        blank=True,
        help_text="Empty: any sex.",
    )
    grades = ArrayField(
        models.CharField(max_length=2, choices=Grade.choices),
        default=list,
        blank=True,
        help_text="Empty: any grade.",
    )
    tumour_types = models.ManyToManyField(TumourType, related_name="trials", blank=True)
    interventions: models.ManyToManyField[Intervention, TrialIntervention] = models.ManyToManyField(
        Intervention, through="TrialIntervention", related_name="trials", blank=True
    )

    results_summary = models.TextField("Summary of results", blank=True)

    source = models.TextField(blank=True, help_text="Where this record's facts come from.")
    source_url = models.URLField(max_length=500, blank=True)
    last_reviewed = models.DateField(null=True, blank=True)
    registry_last_updated = models.DateField(
        null=True, blank=True, help_text="When the registry record (e.g. ClinicalTrials.gov) was last updated."
    )
    status_confirmed = models.DateField(null=True, blank=True, help_text="When the status was last confirmed.")
    status_source = models.CharField(max_length=40, blank=True, help_text="Who confirmed it: a registry, or admin.")
    admin_notes = models.TextField(blank=True, help_text="For curators only (sources, disagreements): never public.")
    # Set by the admin's save (trials.importers.locks), read by every registry sync's merge.
    locked_fields = ArrayField(
        models.CharField(max_length=40),
        default=list,
        blank=True,
        help_text="Registry fields an admin has edited: syncs keep them. Remove one to let the registry update it.",
    )
    published = models.BooleanField(default=False, help_text="Draft trials are invisible to the public.")
    draft_reason = models.CharField(max_length=100, blank=True, help_text="Why an import kept it a draft.")
    any_net = models.BooleanField("any NET", default=False, help_text="For every NET/NEC (no tumour type: none).")
    registry_countries = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Derived from related rows and kept current by trials.registry.services.trial_refresh_derived, so that
    # search, filters and facet counts read one table: the names and synonyms of the tumour types
    # and interventions (weighted in the search vector), the tumour types the trial covers (its own
    # and the more specific ones a general type includes), and its interventions' slugs and kinds.
    related_search_text = models.TextField(blank=True, editable=False)
    tumour_type_coverage = ArrayField(models.CharField(max_length=80), default=list, blank=True, editable=False)
    intervention_slugs = ArrayField(models.CharField(max_length=80), default=list, blank=True, editable=False)
    intervention_kinds = ArrayField(models.CharField(max_length=24), default=list, blank=True, editable=False)
    # Where and for whom, so that distance and eligibility rank every trial from this one row
    # (trials.geography.distance, trials.eligibility.ranking): the hospitals of its sites; one key per criterion
    # with a rule ("<kind> <rule as JSON>", eligibility.rules.rule_key) and how many criteria have none; and one
    # key per tumour type ("<site>/<diagnosis>", blank for any: eligibility.rules.tumour_type_key).
    site_hospital_ids = ArrayField(models.IntegerField(), default=list, blank=True, editable=False)
    rule_keys = ArrayField(models.TextField(), default=list, blank=True, editable=False)
    # The same keys as 64-bit numbers (PostgreSQL's hashtextextended, by trials_rule_key_hashes()): the
    # ranking tests every published trial's keys against the patient's with these, as integer array
    # overlaps are several times cheaper than text ones (trials.eligibility.expressions).
    rule_hashes = models.GeneratedField(
        expression=Func(F("rule_keys"), function="trials_rule_key_hashes"),
        output_field=ArrayField(models.BigIntegerField()),
        db_persist=True,
    )
    unchecked_criteria = models.PositiveSmallIntegerField(default=0, editable=False)
    tumour_type_keys = ArrayField(models.CharField(max_length=60), default=list, blank=True, editable=False)
    # The registry's countries, the UK for a CRUK record or an IRAS number, and the sites' countries.
    countries = ArrayField(models.CharField(max_length=60), default=list, blank=True, editable=False)
    search_vector = models.GeneratedField(
        expression=SearchVector("title", "acronym", config=SEARCH_CONFIG, weight="A")
        + SearchVector("related_search_text", config=SEARCH_CONFIG, weight="B")
        + SearchVector("summary", config=SEARCH_CONFIG, weight="C")
        + SearchVector(
            "more_about",
            "trial_design",
            "hospital_visits",
            "side_effects",
            "results_summary",
            "official_title",
            config=SEARCH_CONFIG,
            weight="D",
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    # What results are ranked by: the title, acronym and related names only (about 120 bytes), while
    # matching uses the full vector. ts_rank reads each matching row's whole vector, so ranking a broad
    # query on the full one (about 9 KB a trial) costs seconds at registry scale (DESIGN.md section 9).
    rank_vector = models.GeneratedField(
        expression=SearchVector("title", "acronym", config=SEARCH_CONFIG, weight="A")
        + SearchVector("related_search_text", config=SEARCH_CONFIG, weight="B"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = TrialQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=[
            "search_vector",
            "rank_vector",
            "related_search_text",
            "tumour_type_coverage",
            "intervention_slugs",
            "intervention_kinds",
            "site_hospital_ids",
            "rule_keys",
            "rule_hashes",
            "unchecked_criteria",
            "tumour_type_keys",
            "countries",
            "updated_at",
        ],
        m2m_fields=[tumour_types],
    )

    class Meta:
        ordering = ["-updated_at", "title"]
        constraints = [
            choice_constraint("status", Status, name="trial_status_valid"),
            choice_constraint("phase", Phase, name="trial_phase_valid", blank=True),
            choice_constraint("trial_type", TrialType, name="trial_type_valid"),
            choice_constraint("recruitment_start_precision", DatePrecision, name="trial_start_precision_valid"),
            choice_constraint("recruitment_end_precision", DatePrecision, name="trial_end_precision_valid"),
            array_choice_constraint("sexes", Sex, name="trial_sexes_valid"),
            array_choice_constraint("grades", Grade, name="trial_grades_valid"),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(min_age__lte=F("max_age")),
                name="trial_min_age_lte_max_age",
            ),
            models.CheckConstraint(condition=Q(max_age__lte=120) | Q(max_age__isnull=True), name="trial_max_age_sane"),
            models.CheckConstraint(
                condition=Q(recruitment_start__isnull=True)
                | Q(recruitment_end__isnull=True)
                | Q(recruitment_start__lte=F("recruitment_end")),
                name="trial_recruitment_start_before_end",
            ),
            models.CheckConstraint(condition=Q(nct_id__regex=r"^(NCT[0-9]{8})?$"), name="trial_nct_id_format"),
            models.CheckConstraint(condition=Q(isrctn__regex=r"^(ISRCTN[0-9]{8})?$"), name="trial_isrctn_format"),
            models.CheckConstraint(
                condition=Q(eudract__regex=r"^([0-9]{4}-[0-9]{6}-[0-9]{2}(-[0-9]{2})?)?$"),
                name="trial_eudract_format",
            ),
            models.CheckConstraint(condition=Q(iras__regex=r"^[0-9]*$"), name="trial_iras_format"),
            models.CheckConstraint(condition=~Q(title=""), name="trial_title_not_blank"),
            # One trial per registry number; blank means "not registered there".
            models.UniqueConstraint(fields=["nct_id"], condition=~Q(nct_id=""), name="trial_nct_id_unique"),
            models.UniqueConstraint(fields=["isrctn"], condition=~Q(isrctn=""), name="trial_isrctn_unique"),
            models.UniqueConstraint(fields=["eudract"], condition=~Q(eudract=""), name="trial_eudract_unique"),
        ]
        indexes = [
            # Full-text search: `search_vector @@ websearch_to_tsquery(...)`.
            GinIndex(fields=["search_vector"], name="trial_search_vector_gin"),
            # The public list: published trials of a status, newest first.
            models.Index(
                fields=["status", "-updated_at"],
                condition=Q(published=True),
                name="trial_published_status_idx",
            ),
            # `updated_since` filters and the feed of changes.
            models.Index(fields=["-updated_at"], name="trial_updated_at_idx"),
            # Filters: `tumour_type_coverage && ARRAY[...]`, `intervention_slugs && ...`, kinds.
            GinIndex(fields=["tumour_type_coverage"], name="trial_tumour_coverage_gin"),
            GinIndex(fields=["intervention_slugs"], name="trial_intervention_slugs_gin"),
            GinIndex(fields=["intervention_kinds"], name="trial_intervention_kinds_gin"),
            GinIndex(fields=["countries"], name="trial_countries_gin"),  # `countries && ARRAY[...]`
            # Eligibility ranks every published trial (trials.eligibility.ranking): an index-only scan of just the
            # columns it reads is a tenth of the table, whose rows carry all the trial's text.
            models.Index(
                fields=["status"],
                include=[
                    "id",
                    "title",
                    "slug",
                    "min_age",
                    "max_age",
                    "sexes",
                    "grades",
                    "tumour_type_keys",
                    "rule_keys",
                    "rule_hashes",
                    "unchecked_criteria",
                    "site_hospital_ids",
                    "any_net",
                ],
                condition=Q(published=True),
                name="trial_eligibility_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("trials:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            errors.setdefault("max_age", []).append("The upper age limit must not be below the lower one.")
        if self.recruitment_start and self.recruitment_end and self.recruitment_start > self.recruitment_end:
            errors.setdefault("recruitment_end", []).append("Recruitment cannot end before it starts.")
        if errors:
            raise ValidationError(errors)


class TrialSlug(models.Model):
    """A slug the trial had before; its old address redirects to the current one."""

    slug = models.SlugField(max_length=200, unique=True)
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="old_slugs")

    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]
        verbose_name = "old slug"

    def __str__(self) -> str:
        return self.slug


class TrialIntervention(models.Model):
    """An intervention a trial tests, in the order the trial lists them."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="trial_interventions")
    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="trial_links")
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "intervention"
        constraints = [
            models.UniqueConstraint(fields=["trial", "intervention"], name="trialintervention_unique"),
        ]

    def __str__(self) -> str:
        return str(self.intervention)


class Criterion(models.Model):
    """One entry condition: who can enter (inclusion) or who cannot (exclusion)."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField(max_length=9, choices=CriterionKind.choices, default=CriterionKind.INCLUSION)
    text = models.TextField(help_text="Plain-English wording shown to patients.")
    # db_default too, so that raw writers (the bench seeder's COPY) that do not name it get "".
    registry_text = models.TextField("Registry wording", blank=True, default="", db_default="")
    rule = models.JSONField(
        null=True,
        blank=True,
        help_text='Optional structured rule, e.g. {"fact": "ecog", "operator": "lte", "value": 2}. '
        "Without one the criterion is 'to confirm with the trial team'.",
    )
    cohort = models.CharField(
        max_length=80,
        blank=True,
        help_text="The cohort (group of the trial) this criterion is for, e.g. Pancreatic NET; empty: everyone.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["trial", "position", "id"]
        verbose_name_plural = "criteria"
        constraints = [
            choice_constraint("kind", CriterionKind, name="criterion_kind_valid"),
            models.CheckConstraint(condition=~Q(text=""), name="criterion_text_not_blank"),
            # A cohort's name is one line: the ranking keys (rules.cohort_key) use a tab as separator.
            models.CheckConstraint(condition=~Q(cohort__regex=r"[\t\n\r]"), name="criterion_cohort_one_line"),
            models.CheckConstraint(
                condition=Q(rule__isnull=True) | Q(rule__has_keys=["fact", "operator"]),
                name="criterion_rule_has_fact_and_operator",
            ),
        ]
        indexes = [
            # The eligibility engine reads every criterion of the trials it evaluates, by trial.
            models.Index(fields=["trial", "position"], name="criterion_trial_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def clean(self) -> None:
        if self.rule in ({}, ""):
            self.rule = None
        if self.rule is not None:
            from trials.registry.drug_classes import known_treatment_values  # it imports this module

            try:
                validate_rule(self.rule, known_treatments=known_treatment_values)
            except RuleError as error:
                raise ValidationError({"rule": str(error)}) from error


class TrialSite(models.Model):
    """A hospital taking part in a trial."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="sites")
    hospital = models.ForeignKey(Hospital, on_delete=models.PROTECT, related_name="trial_sites")
    recruiting = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["hospital__name"]
        verbose_name = "site"
        constraints = [models.UniqueConstraint(fields=["trial", "hospital"], name="trialsite_unique")]

    def __str__(self) -> str:
        return str(self.hospital)
