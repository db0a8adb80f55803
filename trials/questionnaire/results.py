"""The answer page of "Could I join?": open trials first, each explained; closed ones for information.

`check_results()` is the one read the answer page makes: the open trials ranked for the patient
(a page of them, each with what fits, what rules the patient out and what to ask), the closed and
finished ones ranked the same way but shown only for information (never with a verdict: nobody can
join them), the questions that would settle the open trials' unknowns, each open trial's hospitals
nearest first, and a map of the nearest ones when a postcode was given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.paginator import Page, Paginator

from trials.eligibility.patient import PatientFacts
from trials.eligibility.ranking import eligibility_for_published_trials
from trials.eligibility.values import CriterionOutcome, Outcome, TrialEvaluation, TrialFacts, Verdict
from trials.geography.maps import LegendEntry, Located, SiteMap, hospitals_map
from trials.geography.postcodes import Place, place_for_postcode
from trials.geography.sites import Site, trial_sites
from trials.registry.choices import CriterionKind, Status

OPEN_PAGE_SIZE = 20  # open trials a page, each explained point by point
CLOSED_PAGE_SIZE = 10  # closed and finished trials a page, listed for information
NOT_OPEN = [Status.CLOSED, Status.RESULTS]


@dataclass(frozen=True)
class Explained:
    """One open trial for the patient, in the answer page's sections."""

    evaluation: TrialEvaluation
    fits: list[str]  # what the patient told us that fits
    rules_out: list[CriterionOutcome]  # requirements not met and exclusions that apply
    check_applies: list[CriterionOutcome]  # requirements to confirm
    check_not_applies: list[CriterionOutcome]  # exclusions to confirm do not apply
    sites: list[Site] = field(default_factory=list)

    @property
    def trial(self) -> TrialFacts:
        return self.evaluation.trial

    @property
    def nearest(self) -> Site | None:
        return self.sites[0] if self.sites else None


def explain(evaluation: TrialEvaluation, sites: list[Site]) -> Explained:
    """Sort a trial's outcomes into what fits, what rules out (labelled as exclusions where they are)
    and what to ask."""
    unknown: list[CriterionOutcome] = evaluation.unknown
    return Explained(
        evaluation=evaluation,
        fits=[o.reason for o in evaluation.criteria if o.outcome is Outcome.MET],
        rules_out=evaluation.not_met,
        check_applies=[o for o in unknown if o.kind != CriterionKind.EXCLUSION],
        check_not_applies=[o for o in unknown if o.kind == CriterionKind.EXCLUSION],
        sites=sites,
    )


def _nearest_map(explained: Sequence[Explained], place: Place) -> tuple[SiteMap | None, list[LegendEntry]]:
    """The nearest hospital of each trial still in play (the ruled-out ones are not where to ask)."""
    located = [
        Located(
            site.hospital,
            site.town,
            site.latitude,
            site.longitude,
            item.evaluation.trial.title,
            site.postcode,
            site.miles,
        )
        for item in explained
        if item.evaluation.verdict is not Verdict.NOT_ELIGIBLE
        and (site := item.nearest) is not None
        and site.latitude is not None
        and site.longitude is not None
    ]
    return hospitals_map(located, place)


@dataclass(frozen=True)
class CheckResults:
    open_page: Page[Explained]
    closed_page: Page[TrialEvaluation]
    counts: dict[str, int]  # the open trials' verdicts
    questions: list[str]
    place: Place | None
    map: SiteMap | None
    map_entries: list[LegendEntry]

    @property
    def open_count(self) -> int:
        return self.open_page.paginator.count

    @property
    def closed_count(self) -> int:
        return self.closed_page.paginator.count

    @property
    def open_not_ruled_out(self) -> int:
        return self.open_count - self.counts["not_eligible"]


def check_results(
    *, facts: PatientFacts, trial_slug: str | None, open_page: str | int | None, closed_page: str | int | None
) -> CheckResults:
    """Every published trial (or the one asked about) ranked for the patient, open trials first."""
    slugs = [trial_slug] if trial_slug else None
    open_trials = eligibility_for_published_trials(facts, statuses=[Status.OPEN], slugs=slugs)
    not_open = eligibility_for_published_trials(facts, statuses=NOT_OPEN, slugs=slugs)
    page = Paginator(open_trials, OPEN_PAGE_SIZE).get_page(open_page)
    place = place_for_postcode(facts.postcode) if facts.postcode else None
    sites = trial_sites([evaluation.trial.slug for evaluation in page.object_list], place)
    explained = [explain(evaluation, sites[evaluation.trial.slug]) for evaluation in page.object_list]
    # The same page of the same ranking, each trial explained: it pages as the ranking does.
    explained_page: Page[Explained] = Page(explained, page.number, cast(Any, page.paginator))
    site_map_, entries = _nearest_map(explained, place) if place is not None else (None, [])
    return CheckResults(
        open_page=explained_page,
        closed_page=Paginator(not_open, CLOSED_PAGE_SIZE).get_page(closed_page),
        counts=open_trials.counts,
        questions=open_trials.questions(),
        place=place,
        map=site_map_,
        map_entries=entries,
    )
