"""Writes for the specialists' workspace. Keyword-only, transactional, validated with full_clean()."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from patients.models import PatientProfile
from trials.eligibility.patient import PatientFacts

SPECIALISTS_GROUP = "Specialists"


@transaction.atomic
def patient_profile_create(*, owner: Any, reference: str, facts: PatientFacts, notes: str = "") -> PatientProfile:
    """Create a profile for `owner`; a full postcode is cut to its outward code."""
    profile = PatientProfile(owner=owner, reference=reference.strip(), notes=notes)
    profile.set_facts(facts)
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
    profile.set_facts(facts)
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def patient_profile_delete(*, profile: PatientProfile) -> None:
    """Delete the profile and every earlier version of it: nothing of a deleted patient is kept."""
    pk = profile.pk
    profile.delete()
    PatientProfile.history.filter(id=pk).delete()


@transaction.atomic
def patient_profiles_purge(*, untouched_for: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Delete every profile not changed for `untouched_for`, with its history; return how many."""
    cutoff = (now or timezone.now()) - untouched_for
    stale = list(PatientProfile.objects.filter(updated_at__lt=cutoff).values_list("pk", flat=True))
    PatientProfile.objects.filter(pk__in=stale).delete()
    PatientProfile.history.filter(id__in=stale).delete()
    return len(stale)


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
