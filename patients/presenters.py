"""A profile's facts as label/value rows, and its matches as cards, for the specialist's pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from patients.models import PatientProfile
from trials.eligibility.definitions import Fact
from trials.eligibility.facts import FACTS
from trials.eligibility.values import TrialEvaluation
from trials.eligibility.wording import KIND_NAMES
from trials.geography.postcodes import Place, PostcodeError, place_for_postcode
from trials.geography.sites import Site, trial_sites
from trials.registry.choices import Status
from trials.registry.models import Intervention, Trial


@dataclass(frozen=True)
class FactRow:
    name: str
    label: str
    value: str
    known: bool


def fact_rows(profile: PatientProfile) -> list[FactRow]:
    """Every fact of the registry for the profile, "Unknown" where unknown (one query for drug names)."""
    facts = profile.to_facts()
    names = dict(Intervention.objects.filter(slug__in=facts.treatment_slugs()).values_list("slug", "name"))
    rows = []
    for name, fact in FACTS.items():
        value = getattr(facts, name)
        if value is None:
            rows.append(FactRow(name, fact.label, "Unknown", False))
        else:
            rows.append(FactRow(name, fact.label, _text(fact, value, names), True))
    return rows


def _text(fact: Fact, value: Any, drug_names: dict[str, str]) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, tuple):
        return ", ".join(str(KIND_NAMES.get(item) or drug_names.get(item) or item) for item in value) or "None"
    choice = fact.choice(value)
    if choice is not None:
        return choice.label
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class MatchCard:
    """One trial of a profile's matches as its card shows it: the evaluation and the registry's record."""

    evaluation: TrialEvaluation
    trial: Trial  # ids, phase, status and its date
    sites: list[Site]  # nearest (to the profile's area) first
    heading: str  # the section this card opens ("" when it continues one)

    @property
    def is_open(self) -> bool:
        return self.trial.status == Status.OPEN

    @property
    def registry_ids(self) -> list[str]:
        return [number for number in (self.trial.nct_id, self.trial.isrctn) if number]

    @property
    def verdict_class(self) -> str:
        """The verdict's colour class; a closed or finished trial's is neutral whatever its verdict."""
        return f"verdict-{self.evaluation.verdict.value.replace('_', '-')}" if self.is_open else "verdict-closed"


OPEN_HEADING = "Open to new patients"
NOT_OPEN_HEADING = "Closed or finished: for information, the patient cannot join these"


def profile_place(profile: PatientProfile) -> Place | None:
    """The centre of the profile's postcode area, if it has a known one."""
    try:
        return place_for_postcode(profile.postcode) if profile.postcode else None
    except PostcodeError:
        return None


def match_cards(
    evaluations: Sequence[TrialEvaluation], *, place: Place | None, start: int, open_count: int
) -> list[MatchCard]:
    """The cards of these ranked trials (the ranking's `start`th onwards): two queries.

    The first card of the page, and the first closed or finished one, open their section.
    """
    slugs = [evaluation.trial.slug for evaluation in evaluations]
    trials = Trial.objects.in_bulk(slugs, field_name="slug")
    sites = trial_sites(slugs, place)
    cards = []
    for position, evaluation in enumerate(evaluations, start=start):
        opens = position in (start, open_count)
        heading = (OPEN_HEADING if position < open_count else NOT_OPEN_HEADING) if opens else ""
        cards.append(MatchCard(evaluation, trials[evaluation.trial.slug], sites[evaluation.trial.slug], heading))
    return cards
