"""Did you mean: a query that finds nothing is corrected to the nearest known term."""

from __future__ import annotations

import pytest

from trials.search.filters import TrialFilters
from trials.search.matches import trial_search
from trials.search.vocabulary import did_you_mean

pytestmark = pytest.mark.django_db


def names(filters: TrialFilters) -> list[str]:
    return [t.acronym or t.slug for t in trial_search(filters=filters)]


@pytest.mark.parametrize(
    ("q", "suggestion"),
    [
        ("lenvatinb", "lenvatinib"),
        ("telotristat etiprat", "telotristat etiprate"),
        ("everolimis", "everolimus"),
        ("lutathra", "Lutathera"),
    ],
)
def test_a_misspelling_finds_nothing_and_suggests_the_nearest_term(seeded: None, q: str, suggestion: str) -> None:
    assert names(TrialFilters(q=q)) == []
    assert did_you_mean(q) == suggestion
    assert names(TrialFilters(q=suggestion))


def test_a_correct_term_gets_no_suggestion(seeded: None) -> None:
    assert did_you_mean("lenvatinib") is None
