"""The engine's values: a trial as plain data, the intervention vocabulary, and how a trial turned out.

`TrialFacts` and `Treatments` are what `trials.eligibility.engine.evaluate()` reads; `CriterionOutcome`,
`CohortEvaluation` and `TrialEvaluation` are what it returns, with the verdict's order (`VERDICT_ORDER`)
that `rank()` and the SQL ranking sort by. Plain frozen data, no database access.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from trials.eligibility.rules import CLASS_PREFIX
from trials.eligibility.wording import KIND_NAMES, and_list, or_list
from trials.record.data import CriterionData
from trials.registry.choices import InterventionKind

# --- Trials as plain data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TumourTypeFacts:
    name: str
    primary_site: str = ""  # "" means any site
    diagnosis: str = ""  # "" means any diagnosis


@dataclass(frozen=True)
class TrialFacts:
    """What the engine needs to know about one trial."""

    slug: str
    title: str
    status: str = "open"
    url: str = ""
    phase: str = ""
    min_age: int | None = None
    max_age: int | None = None
    sexes: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    tumour_types: tuple[TumourTypeFacts, ...] = ()
    criteria: tuple[CriterionData, ...] = ()
    distance_miles: float | None = None
    # For every NET/NEC. Without it, no tumour type means the trial has not said which it is for.
    any_net: bool = False


@dataclass(frozen=True)
class Treatments:
    """The intervention vocabulary: each slug's kind and display name, and the drug classes.

    `classes` maps a class's rule name ("class:platinum-agents") to its members' slugs, and
    `class_names` to its name; a drug counts as every class it belongs to.
    """

    kinds: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)
    classes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    class_names: Mapping[str, str] = field(default_factory=dict)

    def name(self, item: str) -> str:
        if item in InterventionKind.values:
            return KIND_NAMES[item]
        if item.startswith(CLASS_PREFIX):
            return f"any of the {self.class_names.get(item, item.removeprefix(CLASS_PREFIX).replace('-', ' '))}"
        return self.names.get(item, item.replace("-", " "))

    def labels(self, item: str) -> set[str]:
        """What a patient's treatment counts as: itself, its kind and every class it belongs to."""
        kind = self.kinds.get(item)
        return {item, *([kind] if kind else []), *(name for name, members in self.classes.items() if item in members)}

    def kinds_of(self, wanted: str) -> set[str]:
        """The kinds a wanted slug, class or kind may be of ("I had chemotherapy" might be it)."""
        if wanted in InterventionKind.values:
            return {wanted}
        members = self.classes.get(wanted, frozenset({wanted}))
        return {self.kinds[member] for member in members if member in self.kinds}


# --- Outcomes -------------------------------------------------------------------------------------


class Outcome(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


class Verdict(StrEnum):
    LIKELY_ELIGIBLE = "likely_eligible"
    POSSIBLY_ELIGIBLE = "possibly_eligible"
    NOT_ELIGIBLE = "not_eligible"


VERDICT_ORDER = {Verdict.LIKELY_ELIGIBLE: 0, Verdict.POSSIBLY_ELIGIBLE: 1, Verdict.NOT_ELIGIBLE: 2}


@dataclass(frozen=True)
class CriterionOutcome:
    """How one criterion (or facet) turned out for the patient, and why, in plain English."""

    kind: str
    text: str
    outcome: Outcome
    fact: str | None
    patient_value: Any
    reason: str
    checked: bool = True  # False for a criterion without a rule: only the trial team can confirm it
    missing_facts: tuple[str, ...] = ()  # the unknown facts that would settle it
    registry_text: str = ""  # the registry's own words for the criterion, for specialists
    cohort: str = ""  # the cohort whose criterion this is; "" for a common one


@dataclass(frozen=True)
class CohortEvaluation:
    """How the patient fares in one cohort: the verdict of the common criteria plus the cohort's own."""

    name: str
    verdict: Verdict
    criteria: tuple[CriterionOutcome, ...]  # the cohort's own criteria
    unknown_count: int  # with the common criteria's


@dataclass(frozen=True)
class TrialEvaluation:
    """A trial's verdict; for a trial with cohorts, the verdict of the best cohort (`cohort`), whose
    criteria follow the common ones in `criteria`, and every cohort's in `cohorts`."""

    trial: TrialFacts
    verdict: Verdict
    criteria: tuple[CriterionOutcome, ...]
    cohort: str = ""
    cohorts: tuple[CohortEvaluation, ...] = ()

    @property
    def unknown_count(self) -> int:
        return sum(1 for c in self.criteria if c.outcome is Outcome.UNKNOWN)

    @property
    def distance_miles(self) -> float | None:
        return self.trial.distance_miles

    @property
    def not_met(self) -> list[CriterionOutcome]:
        return [c for c in self.criteria if c.outcome is Outcome.NOT_MET]

    @property
    def unknown(self) -> list[CriterionOutcome]:
        return [c for c in self.criteria if c.outcome is Outcome.UNKNOWN]

    @property
    def missing_facts(self) -> list[str]:
        """The unknown facts that would settle the trial: of its common criteria and of every cohort."""
        outcomes = [*self.criteria, *(c for cohort in self.cohorts for c in cohort.criteria)]
        return list(dict.fromkeys(name for c in outcomes for name in c.missing_facts))

    @property
    def cohort_reason(self) -> str:
        """Which cohort gives the verdict and why, in plain English; "" for a trial without cohorts."""
        if not self.cohort:
            return ""
        names = and_list([c.name for c in self.cohorts])
        intro = f"This trial has separate groups (cohorts): {names}."
        if self.verdict is Verdict.NOT_ELIGIBLE:
            closest = f"the reasons shown are for the {self.cohort} group, the closest fit"
            return f"{intro} None of them takes you; {closest}."
        ruled_out = [c.name for c in self.cohorts if c.verdict is Verdict.NOT_ELIGIBLE]
        reason = f"{intro} We judged you on the {self.cohort} group, the one you fit best"
        if ruled_out:
            reason += f"; the {or_list(ruled_out)} group{'s do' if len(ruled_out) > 1 else ' does'} not take you"
        return reason + "."
