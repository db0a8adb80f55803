"""Reads for the specialists' workspace. Every read of profiles is filtered by their owner."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import Http404

from patients.models import PatientProfile, PatientProfileQuerySet
from patients.services import SPECIALISTS_GROUP
from trials.eligibility.engine import Verdict, facts_to_find_out
from trials.eligibility.ranking import RankedTrials, eligibility_for_published_trials

# "What to find out" is aggregated over this many of the best-ranked trials still in play.
TOP_TRIALS_FOR_QUESTIONS = 10


def is_specialist(user: Any) -> bool:
    """Whether the user is signed in and a member of the Specialists group (one query)."""
    return bool(user.is_authenticated and user.groups.filter(name=SPECIALISTS_GROUP).exists())


def patient_profile_list(*, owner: Any, search: str = "") -> PatientProfileQuerySet:
    """The owner's profiles matching `search` in their reference, most recently updated first."""
    return PatientProfile.objects.owned_by(owner).search(search.strip()).order_by("-updated_at", "-id")


def patient_profile_get(*, owner: Any, pk: Any, for_update: bool = False) -> PatientProfile:
    """The owner's profile `pk`; anyone else's, or none, is a 404 so that ids are not confirmed.

    `for_update` locks the row until the transaction ends, so that a read-change-write (a PATCH of
    some fields) never loses another request's change made in between.
    """
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such patient profile.") from None
    profiles = PatientProfile.objects.owned_by(owner).filter(pk=key)
    profile = (profiles.select_for_update() if for_update else profiles).first()
    if profile is None:
        raise Http404("No such patient profile.")
    return profile


@dataclass(frozen=True)
class FindOut:
    """A fact still unknown, and how many of the top trials it would help settle."""

    fact: str
    label: str
    question: str
    trials: int


@dataclass(frozen=True)
class Matches:
    evaluations: RankedTrials  # lazy: a page of it is evaluated in full when it is read
    find_out: list[FindOut]
    counts: dict[str, int]


def patient_profile_matches(
    *, profile: PatientProfile, statuses: Sequence[str] | None = None, verdict: str | None = None
) -> Matches:
    """Every published trial (of `statuses`) ranked for the profile, and what to find out.

    A fixed number of queries whatever the number of trials (trials.eligibility.ranking).
    """
    ranking = eligibility_for_published_trials(profile.to_facts(), statuses=statuses or None)
    counts = ranking.counts
    in_play_count = counts[Verdict.LIKELY_ELIGIBLE] + counts[Verdict.POSSIBLY_ELIGIBLE]
    # Not-eligible trials rank last, so the best trials still in play are the first ones.
    in_play = ranking[: min(TOP_TRIALS_FOR_QUESTIONS, in_play_count)]
    find_out = [
        FindOut(fact=fact.name, label=fact.label, question=fact.ask, trials=trials)
        for fact, trials in facts_to_find_out(in_play)
    ]
    evaluations = ranking.with_verdict(verdict) if verdict else ranking
    return Matches(evaluations=evaluations, find_out=find_out, counts=counts)
