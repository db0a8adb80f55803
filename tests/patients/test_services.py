"""Writing profiles: outward postcodes only, unknown vs none, the engine's validation, history."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any, cast

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.db.models import Field
from django.utils import timezone

from patients.forms import FIELDSETS
from patients.models import NOTES_MAX_LENGTH, REFERENCE_HELP, PatientProfile
from patients.services import patient_profile_create, patient_profile_delete, patient_profile_update
from tests.factories import InterventionFactory
from tests.patients.conftest import make_profile
from trials.eligibility.definitions import FactType
from trials.eligibility.facts import FACTS
from trials.eligibility.patient import PatientFacts


def test_a_full_postcode_is_stored_as_its_outward_code(alice: Any) -> None:
    profile = make_profile(alice, "P1", postcode="m20 4bx")
    profile.refresh_from_db()
    assert profile.postcode == "M20"
    assert profile.to_facts().postcode == "M20"


def test_a_postcode_that_is_not_one_is_refused_naming_the_field(alice: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        make_profile(alice, "P1", postcode="not a postcode")
    assert list(caught.value.message_dict) == ["postcode"]


def test_a_name_like_reference_is_accepted_but_the_help_says_not_to(alice: Any) -> None:
    profile = make_profile(alice, "John Smith")
    assert profile.reference == "John Smith"
    assert PatientProfile._meta.get_field("reference").help_text == REFERENCE_HELP
    assert "Never a name, date of birth, NHS number or contact details." in REFERENCE_HELP


def test_unknown_and_none_treatments_stay_distinct(alice: Any) -> None:
    unknown = make_profile(alice, "unknown")
    none = make_profile(alice, "none", prior_treatments=(), progressed_on=())
    listed = make_profile(alice, "listed", prior_treatments=("chemotherapy",), progressed_on=())
    for profile in (unknown, none, listed):
        profile.refresh_from_db()
    assert (unknown.prior_treatments, unknown.to_facts().prior_treatments) == (None, None)
    assert (none.prior_treatments, none.to_facts().prior_treatments) == ([], ())
    assert listed.to_facts().prior_treatments == ("chemotherapy",)
    assert listed.to_facts().progressed_on == ()


def test_every_fact_round_trips(alice: Any) -> None:
    InterventionFactory(slug="everolimus", name="everolimus")
    facts = PatientFacts(
        age=61,
        sex="female",
        diagnosis="net",
        primary_site="stomach",
        gastric_type=3,
        grade="G2",
        ki67=7.5,
        extent="metastatic",
        resectable=False,
        measurable_disease=True,
        progressed_last_12_months=True,
        carcinoid_syndrome=False,
        bowel_movements_per_day=2.5,
        syndrome_controlled_on_ssa=False,
        sstr_imaging_positive=True,
        ecog=1,
        prior_treatments=("everolimus", "somatostatin_analogue"),
        progressed_on=("everolimus",),
        prior_systemic_lines=2,
        brain_metastases=False,
        pregnant_or_breastfeeding=False,
        creatinine_clearance=80.0,
        anc=1.8,
        platelets=210.0,
        haemoglobin=124.0,
        bilirubin_uln=0.6,
        transaminases_uln=1.1,
        lvef=58,
        qtc_ms=432,
        postcode="M20",
    )
    assert all(value is not None for value in vars(facts).values())
    profile = make_profile(alice, "all", **{name: getattr(facts, name) for name in PatientFacts.field_names()})
    assert PatientProfile.objects.get(pk=profile.pk).to_facts() == facts


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({"grade": "G1", "diagnosis": "nec"}, "grade"),
        ({"prior_treatments": ("no-such-drug",)}, "prior_treatments"),
        ({"ecog": 7}, "ecog"),
        ({"sex": "other"}, "sex"),
    ],
)
def test_bad_facts_are_refused_naming_the_field(alice: Any, facts: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make_profile(alice, "bad", **facts)
    assert field in caught.value.message_dict
    assert not PatientProfile.objects.exists()


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("ecog", 5),
        ("age", 121),
        ("ki67", 101.0),
        ("sex", "x"),
        ("grade", "G4"),
        ("postcode", "m20"),
        ("reference", ""),
        ("anc", 100.5),
        ("platelets", -1.0),
        ("lvef", 101),
        ("qtc_ms", 199),
    ],
)
def test_the_database_refuses_values_outside_the_vocabulary(
    alice_profile: PatientProfile, column: str, value: Any
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        PatientProfile.objects.filter(pk=alice_profile.pk).update(**{column: value})


def test_an_update_replaces_the_facts_and_keeps_history(alice_profile: PatientProfile) -> None:
    patient_profile_update(profile=alice_profile, reference="NET-A-002", notes="", facts=PatientFacts(grade="G1"))
    alice_profile.refresh_from_db()
    assert (alice_profile.reference, alice_profile.grade, alice_profile.diagnosis, alice_profile.ecog) == (
        "NET-A-002",
        "G1",
        "",
        None,
    )
    assert [h.reference for h in alice_profile.history.order_by("history_date")] == ["NET-A-001", "NET-A-002"]


def test_deleting_a_profile_removes_its_history_and_no_one_elses(
    alice_profile: PatientProfile, bob_profile: PatientProfile
) -> None:
    patient_profile_update(profile=alice_profile, reference="NET-A-002", notes="", facts=PatientFacts(grade="G1"))
    pk = alice_profile.pk
    patient_profile_delete(profile=alice_profile)
    assert not PatientProfile.objects.filter(pk=pk).exists()
    assert PatientProfile.history.filter(id=pk).count() == 0
    assert PatientProfile.history.filter(id=bob_profile.pk).count() == 1


@pytest.mark.parametrize(
    ("field", "text", "kind"),
    [
        ("reference", "943 476 5919", "NHS number"),
        ("reference", "DOB 12/03/1961", "date"),
        ("notes", "Daughter: jane.doe@example.com", "e-mail"),
        ("notes", "Call 07700 900123 after clinic", "phone"),
        ("notes", "Lives at M20 4BX", "postcode"),
    ],
)
def test_identifying_details_in_the_reference_or_notes_are_refused(
    alice: Any, field: str, text: str, kind: str
) -> None:
    values = {"reference": "NET-1", "notes": "", field: text}
    with pytest.raises(ValidationError) as caught:
        patient_profile_create(owner=alice, reference=values["reference"], notes=values["notes"], facts=PatientFacts())
    assert list(caught.value.message_dict) == [field]
    assert "identifies the patient" in caught.value.message_dict[field][0]
    assert kind.lower() in caught.value.message_dict[field][0].lower()
    assert PatientProfile.objects.count() == 0


def test_an_outward_code_and_a_month_and_year_in_the_notes_are_allowed(alice: Any) -> None:
    profile = patient_profile_create(
        owner=alice,
        reference="NET-2",
        notes="Lives in M20; diagnosed March 2021; 10 digits 1234567890",
        facts=PatientFacts(),
    )
    assert profile.notes.startswith("Lives in M20")


def test_notes_are_bounded(alice: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        patient_profile_create(owner=alice, reference="NET-3", notes="x" * (NOTES_MAX_LENGTH + 1), facts=PatientFacts())
    assert list(caught.value.message_dict) == ["notes"]


def test_profiles_untouched_for_the_retention_period_are_purged_with_their_history(
    alice_profile: PatientProfile, bob_profile: PatientProfile
) -> None:
    old = timezone.now() - dt.timedelta(days=400)
    PatientProfile.objects.filter(pk=alice_profile.pk).update(updated_at=old)
    out = StringIO()
    call_command("purge_profiles", "--days", "365", stdout=out)
    assert out.getvalue().strip() == "Deleted 1 profile(s) untouched for 365 days, with their history."
    assert list(PatientProfile.objects.values_list("pk", flat=True)) == [bob_profile.pk]
    assert PatientProfile.history.filter(id=alice_profile.pk).count() == 0


def test_purge_refuses_a_retention_period_under_a_day(db: None) -> None:
    with pytest.raises(CommandError, match=r"--days must be at least 1\."):
        call_command("purge_profiles", "--days", "0")


def test_every_registry_fact_has_a_column_a_check_and_a_place_on_the_form() -> None:
    on_the_form = {name for _key, _legend, names in FIELDSETS for name in names}
    checks = {constraint.name for constraint in PatientProfile._meta.constraints}
    for name, fact in FACTS.items():
        assert cast("Field[Any, Any]", PatientProfile._meta.get_field(name)).verbose_name == fact.clinician.label
        assert name in on_the_form
        if fact.type is FactType.CHOICE:
            assert f"patientprofile_{name}_valid" in checks
        elif fact.minimum is not None:
            assert f"patientprofile_{name}_range" in checks
