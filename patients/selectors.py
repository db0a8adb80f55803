"""Reads for the specialists' workspace. Every read of profiles is filtered by their owner."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any, overload

from django.http import Http404

from patients.models import PatientProfile, PatientProfileQuerySet
from patients.services import SPECIALISTS_GROUP
from trials.eligibility.engine import Sort, facts_to_find_out
from trials.eligibility.ranking import RankedTrials, eligibility_for_published_trials
from trials.eligibility.values import TrialEvaluation, Verdict
from trials.registry.choices import Status

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


def patient_profile_ranking(
    *, profile: PatientProfile, statuses: Sequence[str] | None = None, verdict: str | None = None
) -> RankedTrials:
    """Every published trial (of `statuses`) ranked for the profile in one list, as the public
    eligibility endpoint ranks them: the API's matches, which keep that endpoint's contract."""
    ranking = eligibility_for_published_trials(profile.to_facts(), statuses=statuses or None)
    return ranking.with_verdict(verdict) if verdict else ranking


class OpenFirst(Sequence[TrialEvaluation]):
    """The open trials ranked, then the closed and finished ones ranked the same way: one sequence.

    Each part is its own `RankedTrials`, so each stays exactly the engine's order; a slice reads
    only the part (or the two parts) it overlaps.
    """

    def __init__(self, open_trials: RankedTrials | None, not_open: RankedTrials | None) -> None:
        self.open_trials, self.not_open = open_trials, not_open

    @property
    def open_count(self) -> int:
        return len(self.open_trials) if self.open_trials is not None else 0

    def __len__(self) -> int:
        return self.open_count + (len(self.not_open) if self.not_open is not None else 0)

    @overload
    def __getitem__(self, index: int) -> TrialEvaluation: ...
    @overload
    def __getitem__(self, index: slice) -> list[TrialEvaluation]: ...
    def __getitem__(self, index: int | slice) -> TrialEvaluation | list[TrialEvaluation]:
        if isinstance(index, int):
            found = self[index : index + 1] if index >= 0 else self[len(self) + index : len(self) + index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop, _step = index.indices(len(self))
        boundary = self.open_count
        rows = (
            self.open_trials[start : min(stop, boundary)] if self.open_trials is not None and start < boundary else []
        )
        if self.not_open is not None and stop > boundary:
            rows += self.not_open[max(start - boundary, 0) : stop - boundary]
        return rows

    def __iter__(self) -> Iterator[TrialEvaluation]:
        return chain(*(part for part in (self.open_trials, self.not_open) if part is not None))


@dataclass(frozen=True)
class Matches:
    evaluations: OpenFirst  # lazy: a page of it is evaluated in full when it is read
    find_out: list[FindOut]
    counts: dict[str, int]  # the open trials' verdicts
    not_open_count: int  # closed and finished trials, listed for information
    best_open: list[TrialEvaluation]  # the best open trials still in play, by verdict

    @property
    def open_count(self) -> int:
        return self.evaluations.open_count


def patient_profile_matches(
    *,
    profile: PatientProfile,
    statuses: Sequence[str] | None = None,
    verdict: str | None = None,
    sort: str = Sort.VERDICT,
) -> Matches:
    """Every published trial (of `statuses`) ranked for the profile, open trials first, and what to find out.

    What to find out is aggregated over the best open trials still in play. A fixed number of
    queries whatever the number of trials (trials.eligibility.ranking).
    """
    wanted = set(statuses or Status.values)
    facts = profile.to_facts()
    closed = [status for status in Status.values if status != Status.OPEN and status in wanted]
    open_trials = eligibility_for_published_trials(facts, statuses=[Status.OPEN], sort=sort)
    not_open = eligibility_for_published_trials(facts, statuses=closed, sort=sort) if closed else None
    counts = open_trials.counts if Status.OPEN in wanted else {v.value: 0 for v in Verdict}
    in_play_count = counts[Verdict.LIKELY_ELIGIBLE] + counts[Verdict.POSSIBLY_ELIGIBLE]
    # Not-eligible trials rank last in the verdict order, so the best open trials still in play come first.
    in_play = open_trials.with_sort(Sort.VERDICT)[: min(TOP_TRIALS_FOR_QUESTIONS, in_play_count)]
    find_out = [
        FindOut(fact=fact.name, label=fact.label, question=fact.ask, trials=trials)
        for fact, trials in facts_to_find_out(in_play)
    ]
    evaluations = OpenFirst(
        (open_trials.with_verdict(verdict) if verdict else open_trials) if Status.OPEN in wanted else None,
        (not_open.with_verdict(verdict) if verdict else not_open) if not_open is not None else None,
    )
    return Matches(
        evaluations=evaluations,
        find_out=find_out,
        counts=counts,
        not_open_count=len(not_open) if not_open is not None else 0,
        best_open=in_play,
    )
