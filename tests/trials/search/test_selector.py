"""The one search selector: the results page, the API list and the feed show the same search.

`trial_results()` reads the rows of the page asked for and nothing else until a part is used, so
each caller pays only for what it shows.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, cast
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

import pytest
from rest_framework.test import APIClient

from tests.factories import TrialFactory
from trials.geography.postcodes import place_for_postcode
from trials.search.filters import Ordering, TrialFilters
from trials.search.pagination import CursorError
from trials.search.selector import KeysetPage, NumberedPage, trial_results

pytestmark = pytest.mark.django_db

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def page_slugs(client: Any, params: str) -> list[str]:
    """Every row of the results page, page after page."""
    slugs: list[str] = []
    for number in range(1, 10):
        html = client.get(f"/trials/?{params}&page={number}").content.decode()
        slugs += re.findall(r'<h3 class="trial-card-title" id="trial-\d+"><a href="/trials/([^/?"]+)/', html)
        if 'rel="next"' not in html:
            return slugs
    raise AssertionError("more pages than expected")


def api_slugs(params: str) -> list[str]:
    response = APIClient().get(f"/api/v1/trials/?{params}&page_size=100")
    assert response.status_code == 200
    return [row["slug"] for row in response.json()["results"]]


def feed_slugs(client: Any, params: str) -> list[str]:
    root = ElementTree.fromstring(client.get(f"/trials/feed/?{params}").content)
    links = [
        cast(str, cast(Element, entry.find("a:link", ATOM)).get("href")) for entry in root.findall("a:entry", ATOM)
    ]
    return [link.rstrip("/").rsplit("/", 1)[-1] for link in links]


CLOSED = ("closed", "results")
M20 = place_for_postcode("M20")


@pytest.mark.parametrize(
    ("params", "filters"),
    [
        ("status=closed&status=results", TrialFilters(status=CLOSED)),
        ("q=carcinoid&status=closed&status=results", TrialFilters(q="carcinoid", status=CLOSED)),
        (
            "q=everolimus&status=closed&status=results&grade=G2",
            TrialFilters(q="everolimus", status=CLOSED, grade=("G2",)),
        ),
        ("near=M20&status=closed&status=results", TrialFilters(status=CLOSED, near=M20)),
        (
            "intervention_kind=targeted_drug&age=70&status=closed&status=results",
            TrialFilters(status=CLOSED, intervention_kind=("targeted_drug",), age=70),
        ),
    ],
)
def test_the_page_the_api_and_the_feed_list_the_same_trials_in_the_same_order(
    client: Any, seeded: None, params: str, filters: TrialFilters
) -> None:
    # The feed always lists the newest changes first: ask the page and the API for that order too.
    # The country, which the pages default to and the API does not, is given to all three.
    params += "&ordering=-updated_at&country=United+Kingdom"
    filters = replace(filters, ordering=Ordering.NEWEST, country=("United Kingdom",))
    expected = [trial.slug for trial in trial_results(filters=filters).matches]
    assert len(expected) > 1
    assert page_slugs(client, params) == expected
    assert api_slugs(params) == expected
    assert feed_slugs(client, params) == expected


def test_the_page_and_the_api_agree_on_the_nearest_first_order(client: Any, seeded: None) -> None:
    params = "near=M20&status=closed&status=results&ordering=distance&country=anywhere"
    filters = TrialFilters(status=CLOSED, near=M20, ordering=Ordering.DISTANCE)
    expected = [trial.slug for trial in trial_results(filters=filters).matches]
    assert page_slugs(client, params) == api_slugs(params.replace("&country=anywhere", "")) == expected


def test_a_numbered_page_counts_every_match_and_holds_its_rows(seeded: None) -> None:
    filters = TrialFilters(q="carcinoid", understand=False)
    every = [trial.pk for trial in trial_results(filters=filters).matches]
    results = trial_results(filters=filters, page=NumberedPage(2, 20))
    assert results.count == 31  # 25, the five new UK studies, E2211 ("pancreatic carcinoid")
    assert results.page is not None
    assert results.page.paginator.count == 31
    assert results.page.number == 2
    assert [trial.pk for trial in results.rows] == every[20:]


@pytest.mark.parametrize(("number", "shown"), [("abc", 1), (None, 1), ("3", 2), (99, 2), ("2", 2)])
def test_a_page_number_that_is_not_a_page_shows_the_first_or_the_last(
    seeded: None, number: str | int | None, shown: int
) -> None:
    results = trial_results(filters=TrialFilters(q="carcinoid"), page=NumberedPage(number, 20))
    assert results.page is not None
    assert results.page.number == shown


def test_a_keyset_page_reads_on_from_its_cursor(seeded: None) -> None:
    filters = TrialFilters(status=("closed", "results"), ordering=Ordering.NEWEST)
    every = [trial.pk for trial in trial_results(filters=filters).matches]
    first = trial_results(filters=filters, page=KeysetPage(cursor=None, size=10))
    assert first.previous_cursor is None
    second = trial_results(filters=filters, page=KeysetPage(cursor=first.next_cursor, size=10))
    assert [trial.pk for trial in first.rows + second.rows] == every[:20]
    assert second.previous_cursor is not None


def test_a_cursor_of_another_ordering_is_refused(seeded: None) -> None:
    newest = trial_results(filters=TrialFilters(ordering=Ordering.NEWEST), page=KeysetPage(cursor=None, size=5))
    with pytest.raises(CursorError, match="another ordering"):
        trial_results(filters=TrialFilters(q="carcinoid"), page=KeysetPage(cursor=newest.next_cursor, size=5))


def test_headlines_and_nearest_sites_are_those_of_the_rows_shown(seeded: None) -> None:
    filters = TrialFilters(q="telotristat etiprate", near=place_for_postcode("M20 4BX"))
    results = trial_results(filters=filters, page=KeysetPage(cursor=None, size=2))
    # The rows carry the selector's distance_miles annotation, which the Trial model does not declare.
    rows: list[Any] = results.rows
    shown = {trial.pk for trial in results.rows}
    assert len(shown) == 2
    assert set(results.headlines) <= shown
    assert results.headlines
    assert set(results.nearest) == {trial.pk for trial in rows if trial.distance_miles is not None}
    for trial in rows:
        if trial.pk in results.nearest:
            assert results.nearest[trial.pk].miles == pytest.approx(trial.distance_miles, abs=1e-6)


def test_a_search_that_finds_nothing_suggests_a_term_and_one_that_finds_some_does_not(seeded: None) -> None:
    assert trial_results(filters=TrialFilters(q="lenvatinb"), page=NumberedPage(1, 20)).suggestion == "lenvatinib"
    assert trial_results(filters=TrialFilters(q="lenvatinib"), page=NumberedPage(1, 20)).suggestion is None
    assert trial_results(filters=TrialFilters(status=("open",)), page=NumberedPage(1, 20)).suggestion is None


def test_the_intervention_facet_names_each_intervention_with_its_count(seeded: None) -> None:
    results = trial_results(filters=TrialFilters(q="telotristat etiprate"))
    counts = {option.name: option.trials for option in results.interventions}
    assert counts["telotristat etiprate"] == 3
    assert [option.name for option in results.interventions] == sorted(option.name for option in results.interventions)


def test_a_feed_page_reads_only_its_rows(django_assert_num_queries: Any) -> None:
    for number in range(3):
        TrialFactory(title=f"Trial {number}")
    # The rows, their tumour types and their interventions: no count, facets, headlines or suggestion.
    with django_assert_num_queries(3):
        results = trial_results(filters=TrialFilters(ordering=Ordering.NEWEST), page=KeysetPage(cursor=None, size=50))
        assert len(results.rows) == 3


def test_without_a_page_nothing_is_read(django_assert_num_queries: Any) -> None:
    TrialFactory(title="A trial")
    with django_assert_num_queries(0):
        results = trial_results(filters=TrialFilters())
    assert results.rows == []
    assert [trial.title for trial in results.matches] == ["A trial"]
