"""Output serializers of the public API: they fix each response's shape and document it in the schema.

The API only reads, so there are no input serializers: query parameters are validated by the forms
in `trials.api.params` (the same `TrialSearchForm` the search pages use).
"""

from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from trials.registry.choices import CriterionKind, Grade, InterventionKind, Phase, Sex, Status, TrialType
from trials.registry.drug_classes import DrugClass


class UtcDateTimeField(serializers.DateTimeField):
    """An ISO 8601 timestamp in UTC ("2026-11-23T10:00:00.123456Z")."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(default_timezone=dt.UTC, **kwargs)  # type: ignore[arg-type]


class CancerTypeSerializer(serializers.Serializer[object]):
    slug = serializers.SlugField()
    name = serializers.CharField()


class TrialInterventionSerializer(serializers.Serializer[object]):
    slug = serializers.SlugField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=InterventionKind.choices)
    synonyms = serializers.ListField(child=serializers.CharField())


class ContactSerializer(serializers.Serializer[object]):
    """A contact as the registry (or our curators) published it; "" where it gave none."""

    name = serializers.CharField(allow_blank=True)
    role = serializers.CharField(allow_blank=True, help_text="As published, e.g. 'Principal investigator, <place>'.")
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)


class LocationSerializer(serializers.Serializer[object]):
    hospital = serializers.CharField()
    town = serializers.CharField(allow_blank=True)
    region = serializers.CharField(allow_blank=True)
    postcode = serializers.CharField(allow_blank=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    recruiting = serializers.BooleanField(help_text="The site's own status; never true while the trial is not open.")
    contact = ContactSerializer(allow_null=True, help_text="The site's own published contact, if any.")
    distance_miles = serializers.FloatField(
        allow_null=True, help_text="Miles from `near`, to one decimal place; null without `near` or coordinates."
    )


class RuleSerializer(serializers.Serializer[object]):
    fact = serializers.CharField(help_text="A PatientFacts field, e.g. `age`, `grade`, `ecog`.")
    operator = serializers.CharField(help_text="`eq`, `in`, `not_in`, `gte`, `lte`, `between`, `is_true`, ...")
    value = serializers.JSONField(
        required=False,
        help_text='The value the fact is compared with, if any; treatments may name a drug class as "class:<slug>".',
    )


class CriterionSerializer(serializers.Serializer[object]):
    kind = serializers.ChoiceField(choices=CriterionKind.choices)
    text = serializers.CharField()
    rule = RuleSerializer(allow_null=True, help_text="The criterion as a rule the eligibility check can apply.")
    registry_text = serializers.CharField(
        required=False, help_text="The registry's own words for the criterion; present only when kept."
    )
    cohort = serializers.CharField(
        allow_blank=True, help_text="The cohort (group of the trial) it applies to; empty: every participant."
    )


# Named as before the rename, so the schema keeps "Eligibility".
@extend_schema_serializer(component_name="Eligibility")
class TrialEligibilitySerializer(serializers.Serializer[object]):
    min_age = serializers.IntegerField(allow_null=True, help_text="Null: no lower age limit.")
    max_age = serializers.IntegerField(allow_null=True, help_text="Null: no upper age limit.")
    sexes = serializers.ListField(child=serializers.ChoiceField(choices=Sex.choices), help_text="Empty: any sex.")
    criteria = CriterionSerializer(many=True)


class IdentifiersSerializer(serializers.Serializer[object]):
    nct = serializers.CharField(allow_blank=True)
    isrctn = serializers.CharField(allow_blank=True)
    eudract = serializers.CharField(allow_blank=True)
    iras = serializers.CharField(allow_blank=True)


class PublicationSerializer(serializers.Serializer[object]):
    title = serializers.CharField()
    url = serializers.CharField(allow_blank=True)


class ResultsSerializer(serializers.Serializer[object]):
    lay_summary = serializers.CharField(allow_blank=True)
    publications = PublicationSerializer(many=True)


class TrialSerializer(serializers.Serializer[object]):
    """The full trial record, shaped like a Cancer Research UK trial database record."""

    slug = serializers.SlugField()
    url = serializers.URLField(help_text="The trial's page on this site.")
    cruk_id = serializers.IntegerField(allow_null=True, help_text="The CRUK trial database number, if it has one.")
    title = serializers.CharField()
    acronym = serializers.CharField(allow_blank=True)
    official_title = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=Status.choices)
    status_confirmed = serializers.DateField(
        allow_null=True, help_text="When the status was last confirmed (by `status_source`); null: not known."
    )
    status_source = serializers.CharField(
        allow_blank=True, help_text="Who confirmed the status: a registry (e.g. `ClinicalTrials.gov`) or `admin`."
    )
    status_needs_checking = serializers.BooleanField(
        help_text="True when the trial is open but its status was last confirmed more than six months ago (or "
        "never), or its recruitment end date has passed: ask the trial team before relying on it."
    )
    phase = serializers.ChoiceField(choices=Phase.choices, allow_blank=True)
    trial_type = serializers.ChoiceField(choices=TrialType.choices)
    countries = serializers.ListField(
        child=serializers.CharField(),
        help_text="The countries the trial recruits in (its sites, its registries, the UK for a CRUK or IRAS "
        "record): what the `country` filter matches.",
    )
    any_net = serializers.BooleanField(
        help_text="True: a trial for every NET/NEC site. Otherwise `cancer_types` lists the types it is for; "
        "an empty list means the types are not known (ask the trial team)."
    )
    cancer_types = CancerTypeSerializer(many=True)
    grades = serializers.ListField(child=serializers.ChoiceField(choices=Grade.choices), help_text="Empty: any grade.")
    summary = serializers.CharField(allow_blank=True)
    more_about = serializers.CharField(allow_blank=True)
    who_can_enter = serializers.ListField(child=serializers.CharField())
    who_cannot_take_part = serializers.ListField(child=serializers.CharField())
    trial_design = serializers.CharField(allow_blank=True)
    hospital_visits = serializers.CharField(allow_blank=True)
    side_effects = serializers.CharField(allow_blank=True)
    interventions = TrialInterventionSerializer(many=True)
    locations = LocationSerializer(many=True)
    recruitment_start = serializers.CharField(allow_null=True, help_text="YYYY-MM-DD, YYYY-MM or YYYY.")
    recruitment_end = serializers.CharField(allow_null=True, help_text="YYYY-MM-DD, YYYY-MM or YYYY.")
    chief_investigator = serializers.CharField(allow_blank=True)
    supported_by = serializers.ListField(child=serializers.CharField())
    contacts = ContactSerializer(
        many=True, help_text="The trial team's contacts and overall officials, as published (phone, e-mail)."
    )
    other_information = serializers.CharField(allow_blank=True)
    identifiers = IdentifiersSerializer()
    eligibility = TrialEligibilitySerializer()
    results = ResultsSerializer(allow_null=True, help_text="Null until the trial has results.")
    last_reviewed = serializers.DateField(allow_null=True)
    updated_at = UtcDateTimeField()


class NearestSiteSerializer(serializers.Serializer[object]):
    hospital = serializers.CharField()
    town = serializers.CharField(allow_blank=True)
    distance_miles = serializers.FloatField(help_text="Miles from `near`, to one decimal place.")


class TrialSummarySerializer(serializers.Serializer[object]):
    """One row of the trial list: a subset of the record, plus the match's highlight and nearest site."""

    slug = serializers.SlugField()
    url = serializers.URLField(help_text="The trial's page on this site.")
    cruk_id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    acronym = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=Status.choices)
    phase = serializers.ChoiceField(choices=Phase.choices, allow_blank=True)
    trial_type = serializers.ChoiceField(choices=TrialType.choices)
    cancer_types = CancerTypeSerializer(many=True)
    grades = serializers.ListField(child=serializers.ChoiceField(choices=Grade.choices))
    summary = serializers.CharField(allow_blank=True)
    interventions = TrialInterventionSerializer(many=True)
    updated_at = UtcDateTimeField()
    highlight = serializers.CharField(
        allow_null=True,
        help_text="With `q`: the passage of the summary that matches, as escaped HTML with the matches in "
        "`<mark>`. Null without `q`.",
    )
    nearest_site = NearestSiteSerializer(
        allow_null=True, help_text="With `near`: the trial's closest site. Null without `near` or known sites."
    )


def _facet_field(help_text: str) -> serializers.DictField:
    return serializers.DictField(child=serializers.IntegerField(), help_text=help_text)


class FacetsSerializer(serializers.Serializer[object]):
    """For each option of each filter: how many trials it would give with the other filters kept."""

    status = _facet_field("Counts by status.")
    tumour_type = _facet_field("Counts by tumour type slug (a general type also counts for the specific ones).")
    grade = _facet_field("Counts by grade (a trial without a grade restriction counts for every grade).")
    intervention_kind = _facet_field("Counts by intervention kind.")
    phase = _facet_field("Counts by phase.")
    trial_type = _facet_field("Counts by trial type.")
    sex = _facet_field("Counts by sex (a trial open to any sex counts for each).")
    country = _facet_field("Counts by country name (a trial counts for each country it recruits in).")


class InterpretedSerializer(serializers.Serializer[object]):
    kind = serializers.ChoiceField(
        choices=["tumour_type", "grade", "extent", "intervention", "intervention_kind", "status", "place"]
    )
    role = serializers.ChoiceField(
        choices=["filter", "not", "after"],
        help_text='`filter`: it filters (an extent orders best match); `not` ("not the pancreas") and `after` '
        '("after PRRT"): noted, never a filter.',
    )
    label = serializers.CharField(  # type: ignore[assignment]
        help_text='As the results page shows it: "Stomach NET", "Near Birmingham".'
    )
    params = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text='The search parameters it stands for, such as {"tumour_type": ["stomach-net"]}.',
    )
    words = serializers.ListField(child=serializers.CharField(), help_text="The words of `q` it was read from.")
    without = serializers.CharField(allow_blank=True, help_text="`q` without these words: search it to undo this part.")


class TrialPageSerializer(serializers.Serializer[object]):
    count = serializers.IntegerField(help_text="How many trials match, over all pages.")
    next = serializers.URLField(allow_null=True, help_text="The next page, or null on the last page.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page, or null on the first page.")
    facets = FacetsSerializer()
    interpreted = InterpretedSerializer(
        many=True, help_text="What `q` was understood as, in the order of its words (empty: searched as typed)."
    )
    fallback = serializers.CharField(
        allow_null=True,
        help_text="Set when no trial matched every word: what is shown instead (the understood parts, and the "
        "trials matching some of the words).",
    )
    did_you_mean = serializers.CharField(
        allow_null=True, help_text="`q` with misspelt words corrected to known terms, when its words found nothing."
    )
    results = TrialSummarySerializer(many=True)


class TumourTypeSerializer(serializers.Serializer[object]):
    slug = serializers.SlugField()
    name = serializers.CharField()
    synonyms = serializers.ListField(child=serializers.CharField())
    primary_site = serializers.CharField(allow_blank=True, help_text="Empty: any primary site.")
    diagnosis = serializers.CharField(allow_blank=True, help_text="Empty: any diagnosis (NET, NEC or MiNEN).")
    description = serializers.CharField(allow_blank=True)


class InterventionSerializer(serializers.Serializer[object]):
    slug = serializers.SlugField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=InterventionKind.choices)
    synonyms = serializers.ListField(child=serializers.CharField(), help_text="Brand names, code names, spellings.")
    description = serializers.CharField(allow_blank=True)


class DrugClassSerializer(serializers.Serializer[object]):
    slug = serializers.SlugField()
    name = serializers.CharField()
    rule_value = serializers.CharField(source="reference", help_text='How a treatment rule names it: "class:<slug>".')
    description = serializers.CharField(allow_blank=True)
    members = serializers.SerializerMethodField(help_text="The interventions of the class (slugs).")

    def get_members(self, obj: DrugClass) -> list[str]:
        return [member.slug for member in obj.members.all()]


class HospitalSerializer(serializers.Serializer[object]):
    name = serializers.CharField()
    town = serializers.CharField(allow_blank=True)
    region = serializers.CharField(allow_blank=True)
    postcode = serializers.CharField(allow_blank=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)


class DetailErrorSerializer(serializers.Serializer[object]):
    """Errors that are not about one parameter: not found, method not allowed, throttled."""

    detail = serializers.CharField()


# 400s name each bad parameter: {"status": ["'opne' is not one of: open, closed, results."]}.
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": "Each bad parameter with its messages.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"status": ["'opne' is not one of: open, closed, results."]},
}
