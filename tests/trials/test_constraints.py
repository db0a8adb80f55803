"""The database itself refuses bad rows, whatever wrote them (no form, no full_clean)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from tests.factories import (
    CriterionFactory,
    HospitalFactory,
    InterventionFactory,
    TrialFactory,
    TumourTypeFactory,
)
from trials.registry.models import Criterion, Hospital, Intervention, Trial, TumourType

pytestmark = pytest.mark.django_db


def assert_refused(constraint: str, model: Any, pk: int, **values: Any) -> None:
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        model.objects.filter(pk=pk).update(**values)


@pytest.mark.parametrize(
    ("constraint", "values"),
    [
        ("trial_status_valid", {"status": "recruiting"}),
        ("trial_phase_valid", {"phase": "phase_5"}),
        ("trial_type_valid", {"trial_type": "cure"}),
        ("trial_sexes_valid", {"sexes": ["female", "other"]}),
        ("trial_grades_valid", {"grades": ["G1", "G4"]}),
        ("trial_min_age_lte_max_age", {"min_age": 60, "max_age": 18}),
        ("trial_max_age_sane", {"max_age": 130}),
        ("trial_nct_id_format", {"nct_id": "NCT123"}),
        ("trial_isrctn_format", {"isrctn": "12345678"}),
        ("trial_eudract_format", {"eudract": "2011-5049-11"}),
        ("trial_iras_format", {"iras": "IRAS1"}),
        ("trial_title_not_blank", {"title": ""}),
        ("trial_start_precision_valid", {"recruitment_start_precision": "week"}),
    ],
)
def test_it_refuses_an_invalid_trial_row(constraint: str, values: dict[str, Any]) -> None:
    trial = TrialFactory()
    assert_refused(constraint, Trial, trial.pk, **values)


def test_it_refuses_recruitment_that_ends_before_it_starts() -> None:
    import datetime as dt

    trial = TrialFactory()
    assert_refused(
        "trial_recruitment_start_before_end",
        Trial,
        trial.pk,
        recruitment_start=dt.date(2020, 5, 1),
        recruitment_end=dt.date(2019, 1, 1),
    )


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("nct_id", "NCT02678780", "trial_nct_id_unique"),
        ("eudract", "2015-001467-39", "trial_eudract_unique"),
        ("isrctn", "ISRCTN12345678", "trial_isrctn_unique"),
        ("cruk_id", 12345, "trials_trial_cruk_id_key"),
        ("slug", "same-slug", "trials_trial_slug_key"),
    ],
)
def test_it_refuses_two_trials_with_one_identifier(field: str, value: Any, constraint: str) -> None:
    TrialFactory(**{field: value})
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        TrialFactory(**{field: value})


def test_it_allows_many_trials_without_a_registry_number() -> None:
    TrialFactory(nct_id="", eudract="")
    TrialFactory(nct_id="", eudract="")
    assert Trial.objects.filter(nct_id="").count() == 2


def test_it_accepts_any_age_limit_when_one_side_is_missing() -> None:
    trial = TrialFactory(min_age=18, max_age=None)
    Trial.objects.filter(pk=trial.pk).update(min_age=None, max_age=16)
    trial.refresh_from_db()
    assert (trial.min_age, trial.max_age) == (None, 16)


@pytest.mark.parametrize(
    ("constraint", "values"),
    [
        ("criterion_kind_valid", {"kind": "maybe"}),
        ("criterion_text_not_blank", {"text": ""}),
        ("criterion_rule_has_fact_and_operator", {"rule": {"value": 2}}),
    ],
)
def test_it_refuses_an_invalid_criterion_row(constraint: str, values: dict[str, Any]) -> None:
    criterion = CriterionFactory()
    assert_refused(constraint, Criterion, criterion.pk, **values)


def test_it_refuses_an_unknown_intervention_kind() -> None:
    intervention = InterventionFactory()
    assert_refused("intervention_kind_valid", Intervention, intervention.pk, kind="herbal")


@pytest.mark.parametrize(
    ("constraint", "values"),
    [
        ("tumourtype_primary_site_valid", {"primary_site": "liver"}),
        ("tumourtype_diagnosis_valid", {"diagnosis": "sarcoma"}),
    ],
)
def test_it_refuses_an_invalid_tumour_type(constraint: str, values: dict[str, Any]) -> None:
    tumour_type = TumourTypeFactory()
    assert_refused(constraint, TumourType, tumour_type.pk, **values)


def test_it_refuses_impossible_hospital_coordinates() -> None:
    hospital = HospitalFactory()
    assert_refused("hospital_coordinates_valid", Hospital, hospital.pk, latitude=95.0)


def test_it_refuses_the_same_hospital_twice() -> None:
    HospitalFactory(name="The Christie", postcode="M20 4BX")
    with pytest.raises(IntegrityError, match="hospital_name_postcode_unique"), transaction.atomic():
        HospitalFactory(name="The Christie", postcode="M20 4BX")
