"""The schema's serializers describe exactly the keys each JSON shape's one writer writes."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import serializers

from trials.api.presenters import TrialDetail
from trials.api.serializers import (
    CancerTypeSerializer,
    ContactSerializer,
    CriterionSerializer,
    IdentifiersSerializer,
    LocationSerializer,
    NearestSiteSerializer,
    ResultsSerializer,
    TrialEligibilitySerializer,
    TrialInterventionSerializer,
    TrialSerializer,
    TrialSummarySerializer,
)
from trials.eligibility import results
from trials.eligibility.serializers import (
    CriterionOutcomeSerializer,
    EligibilityResultsSerializer,
    TrialEvaluationSerializer,
    TrialReferenceSerializer,
)
from trials.record import writing
from trials.record.listing import NearestSiteRow, TrialRow


def keys(shape: Any) -> set[str]:
    return set(shape.__required_keys__ | shape.__optional_keys__)


@pytest.mark.parametrize(
    ("serializer", "shape"),
    [
        (EligibilityResultsSerializer, results.ResultsPage),
        (TrialEvaluationSerializer, results.TrialResult),
        (TrialReferenceSerializer, results.TrialReference),
        (CriterionOutcomeSerializer, results.CriterionResult),
        (TrialSummarySerializer, TrialRow),
        (NearestSiteSerializer, NearestSiteRow),
        (CancerTypeSerializer, writing.CancerTypeRecord),
        (TrialInterventionSerializer, writing.InterventionRecord),
        (CriterionSerializer, writing.CriterionRecord),
        (TrialEligibilitySerializer, writing.EligibilityRecord),
        (LocationSerializer, writing.LocationRecord),
        (ContactSerializer, writing.ContactRecord),
        (IdentifiersSerializer, writing.IdentifiersRecord),
        (ResultsSerializer, writing.ResultsRecord),
    ],
)
def test_the_serializer_names_every_key_the_writer_writes(
    serializer: type[serializers.Serializer[Any]], shape: Any
) -> None:
    assert set(serializer().fields) == keys(shape)


def test_the_api_record_leaves_out_only_the_editorial_and_registry_fields() -> None:
    assert keys(TrialDetail) - set(TrialSerializer().fields) == {
        "admin_notes",
        "old_slugs",
        "published",
        "draft_reason",
        "registry_conditions",
        "registry_countries",
        "registry_last_updated",
        "source",
        "source_url",
    }
    assert set(TrialSerializer().fields) <= keys(TrialDetail)
