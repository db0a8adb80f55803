"""The eligibility result as JSON: one writer for POST /api/v1/eligibility/ and a profile's matches.

Plain data in, plain data out: the APIs pass the ranked evaluations and a way to make a trial's
address absolute, and send the page as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypedDict

from trials.eligibility.values import CriterionOutcome, TrialEvaluation

MAX_PAGE_SIZE = 100


class TrialReference(TypedDict):
    slug: str
    title: str
    status: str
    url: str


class CriterionResult(TypedDict):
    kind: str
    text: str
    outcome: str
    fact: str | None
    patient_value: Any  # the patient's value of the fact, any JSON value (None: unknown)
    reason: str
    cohort: str  # the cohort whose criterion this is; "" for a common one


class CohortResult(TypedDict):
    name: str
    verdict: str  # with the common criteria
    unknown_count: int  # with the common criteria
    criteria: list[CriterionResult]  # the cohort's own


class TrialResult(TypedDict):
    trial: TrialReference
    verdict: str
    unknown_count: int
    distance_miles: float | None
    criteria: list[CriterionResult]
    cohort: str  # the cohort that gives the verdict ("" for a trial without cohorts)
    cohort_reason: str
    cohorts: list[CohortResult]


class ResultsPage(TypedDict):
    count: int
    next: int | None
    previous: int | None
    results: list[TrialResult]


class PageOutOfRange(ValueError):
    """A page number past the last page; `last_page` is the last one there is."""

    def __init__(self, last_page: int) -> None:
        self.last_page = last_page
        super().__init__(f"There are only {last_page} page(s) of results.")


def criterion_result(outcome: CriterionOutcome) -> CriterionResult:
    return {
        "kind": str(outcome.kind),
        "text": outcome.text,
        "outcome": outcome.outcome.value,
        "fact": outcome.fact,
        "patient_value": outcome.patient_value,
        "reason": outcome.reason,
        "cohort": outcome.cohort,
    }


def trial_result(evaluation: TrialEvaluation, *, absolute_url: Callable[[str], str]) -> TrialResult:
    """One trial's verdict, each criterion's outcome, and the nearest site's distance to 0.1 mile."""
    trial = evaluation.trial
    distance = evaluation.distance_miles
    return {
        "trial": {"slug": trial.slug, "title": trial.title, "status": trial.status, "url": absolute_url(trial.url)},
        "verdict": evaluation.verdict.value,
        "unknown_count": evaluation.unknown_count,
        "distance_miles": None if distance is None else round(distance, 1),
        "criteria": [criterion_result(outcome) for outcome in evaluation.criteria],
        "cohort": evaluation.cohort,
        "cohort_reason": evaluation.cohort_reason,
        "cohorts": [
            {
                "name": cohort.name,
                "verdict": cohort.verdict.value,
                "unknown_count": cohort.unknown_count,
                "criteria": [criterion_result(outcome) for outcome in cohort.criteria],
            }
            for cohort in evaluation.cohorts
        ],
    }


def results_page(
    evaluations: Sequence[TrialEvaluation], *, page: int, page_size: int, absolute_url: Callable[[str], str]
) -> ResultsPage:
    """One numbered page of ranked evaluations; raise PageOutOfRange past the last page."""
    count = len(evaluations)
    last_page = max(1, -(-count // page_size))
    if page > last_page:
        raise PageOutOfRange(last_page)
    return {
        "count": count,
        "next": page + 1 if page < last_page else None,
        "previous": page - 1 if page > 1 else None,
        "results": [
            trial_result(evaluation, absolute_url=absolute_url)
            for evaluation in evaluations[(page - 1) * page_size : page * page_size]
        ],
    }
