"""Writes for the specialists' workspace. Keyword-only, transactional, validated with full_clean()."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from patients.models import CHOICE_FACTS, LIST_FACTS, PatientProfile
from trials.eligibility.engine import PatientFacts
from trials.geography.postcodes import PostcodeError, outward_code

SPECIALISTS_GROUP = "Specialists"
TEXT_FACTS = (*CHOICE_FACTS, "postcode")


def _fact_columns(facts: PatientFacts) -> dict[str, Any]:
    """PatientFacts as column values: unknown choices and postcode "", other unknowns NULL."""
    columns: dict[str, Any] = {}
    for name in PatientFacts.field_names():
        value = getattr(facts, name)
        if name in LIST_FACTS:
            columns[name] = None if value is None else list(value)
        elif value is None and name in TEXT_FACTS:
            columns[name] = ""
        else:
            columns[name] = value
    if columns["postcode"]:
        # Only the outward code is ever stored: "M20 4BX" becomes "M20".
        # A postcode that is not one is left as typed, so that full_clean() names the field.
        with contextlib.suppress(PostcodeError):
            columns["postcode"] = outward_code(columns["postcode"])
    return columns


@transaction.atomic
def patient_profile_create(*, owner: Any, reference: str, facts: PatientFacts, notes: str = "") -> PatientProfile:
    """Create a profile for `owner`; a full postcode is cut to its outward code."""
    profile = PatientProfile(owner=owner, reference=reference.strip(), notes=notes, **_fact_columns(facts))
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def patient_profile_update(
    *, profile: PatientProfile, reference: str, facts: PatientFacts, notes: str
) -> PatientProfile:
    """Replace the profile's reference, notes and facts (every fact: an absent one becomes unknown)."""
    profile.reference = reference.strip()
    profile.notes = notes
    for name, value in _fact_columns(facts).items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def patient_profile_delete(*, profile: PatientProfile) -> None:
    """Delete the profile (its history keeps who deleted it and when)."""
    profile.delete()


@transaction.atomic
def specialists_add(*, users: Iterable[Any]) -> int:
    """Add the users to the Specialists group; return how many there were."""
    group, _ = Group.objects.get_or_create(name=SPECIALISTS_GROUP)
    members = list(users)
    group.user_set.add(*members)
    return len(members)


@transaction.atomic
def specialist_create(*, username: str, password: str, email: str = "") -> AbstractBaseUser:
    """Create a user who is a specialist, after Django's password validators accept the password."""
    User = get_user_model()
    user = User(username=username, email=email)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    specialists_add(users=[user])
    return user
