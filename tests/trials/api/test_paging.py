"""Cursor pages of GET /api/v1/trials/: every trial once, in order, forwards and backwards."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import signing

from tests.factories import HospitalFactory
from tests.trials.api.conftest import ago, make_trial
from trials.geography.postcodes import place_for_postcode
from trials.registry.models import Trial
from trials.search.filters import Ordering, TrialFilters
from trials.search.matches import trial_search
from trials.search.pagination import SALT

URL = "/api/v1/trials/"


@pytest.fixture
def eleven(db: None) -> None:
    """Eleven trials with ties on every sort key but the id, and some without a known distance."""
    near = HospitalFactory(name="Near", postcode="M20 4BX", latitude=53.4291, longitude=-2.2302)
    far = HospitalFactory(name="Far", postcode="NW3 2QG", latitude=51.5532, longitude=-0.1650)
    for index in range(11):
        make_trial(
            slug=f"t{index:02d}",
            # Three titles and three dates: many rows tie on (updated_at, title) and only the id decides.
            title=f"A trial of lenvatinib {'ABC'[index % 3]}",
            summary="lenvatinib " * (1 + index % 2),
            sites=(near,) if index % 3 == 0 else (far,) if index % 3 == 1 else (),
            updated_at=ago(index % 4),
        )


def _walk(api: Any, url: str, key: str) -> list[list[str]]:
    pages = []
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([row["slug"] for row in body["results"]])
        url = body[key]
    return pages


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("", TrialFilters()),
        ("q=lenvatinib", TrialFilters(q="lenvatinib")),
        ("ordering=-updated_at&q=lenvatinib", TrialFilters(q="lenvatinib", ordering=Ordering.NEWEST)),
        ("near=M20&ordering=distance", TrialFilters(near=place_for_postcode("M20"), ordering=Ordering.DISTANCE)),
    ],
)
def test_pages_hold_every_trial_once_in_the_selectors_order(
    api: Any, eleven: None, query: str, filters: TrialFilters
) -> None:
    expected = list(trial_search(filters=filters).values_list("slug", flat=True))
    assert len(expected) == 11

    forwards = _walk(api, f"{URL}?page_size=3&{query}", "next")

    assert [len(page) for page in forwards] == [3, 3, 3, 2]
    assert [slug for page in forwards for slug in page] == expected

    # From the last page back to the first, by the `previous` links, the same pages come back.
    last = api.get(f"{URL}?page_size=3&{query}")
    while last.json()["next"]:
        last = api.get(last.json()["next"])
    backwards = _walk(api, last.json()["previous"], "previous")
    assert backwards == forwards[-2::-1]


def test_the_first_page_has_no_previous_and_the_last_no_next(api: Any, eleven: None) -> None:
    first = api.get(f"{URL}?page_size=10").json()
    last = api.get(first["next"]).json()

    assert first["previous"] is None
    assert first["count"] == last["count"] == 11
    assert last["next"] is None
    assert [row["slug"] for row in api.get(last["previous"]).json()["results"]] == [
        row["slug"] for row in first["results"]
    ]


def test_next_links_are_absolute_and_keep_the_filters(api: Any, eleven: None) -> None:
    body = api.get(f"{URL}?page_size=2&q=lenvatinib&status=open").json()

    assert body["next"].startswith("http://testserver/api/v1/trials/?")
    assert "q=lenvatinib" in body["next"]
    assert "status=open" in body["next"]
    assert "page_size=2" in body["next"]


def test_a_trial_added_while_paging_does_not_repeat_a_row(api: Any, eleven: None) -> None:
    first = api.get(f"{URL}?page_size=4").json()
    make_trial(slug="brand-new", title="A brand new trial")

    second = api.get(first["next"]).json()

    first_slugs = [row["slug"] for row in first["results"]]
    second_slugs = [row["slug"] for row in second["results"]]
    assert not set(first_slugs) & set(second_slugs)
    expected = list(trial_search(filters=TrialFilters()).exclude(slug="brand-new").values_list("slug", flat=True))
    assert first_slugs + second_slugs == expected[:8]


def test_the_default_page_size_is_20_and_the_most_is_100(api: Any, db: None) -> None:
    for index in range(101):
        make_trial(slug=f"p{index:03d}", updated_at=ago(index))

    assert len(api.get(URL).json()["results"]) == 20
    assert len(api.get(f"{URL}?page_size=100").json()["results"]) == 100


def test_a_cursor_past_the_end_gives_an_empty_page_that_links_back(api: Any, eleven: None) -> None:
    everything = api.get(f"{URL}?page_size=11").json()["results"]
    ten = api.get(f"{URL}?page_size=10").json()

    last = api.get(ten["next"]).json()
    assert [row["slug"] for row in last["results"]] == [everything[10]["slug"]]
    assert last["next"] is None
    # Once the last trial is gone, the same cursor gives an empty page whose `previous` still works.
    Trial.objects.filter(slug=everything[10]["slug"]).delete()
    empty = api.get(ten["next"]).json()
    assert empty["results"] == []
    assert empty["next"] is None
    assert [row["slug"] for row in api.get(empty["previous"]).json()["results"]] == [
        row["slug"] for row in ten["results"]
    ]


@pytest.mark.parametrize(
    "payload",
    [
        {"o": [], "v": [], "b": False},
        {"v": "x", "b": False, "i": False},
        ["not", "a", "dict"],
        {"o": [["updated_at", True], ["title", False], ["pk", False]], "v": [{"x": 1}, "a", 1], "b": False, "i": False},
        {"o": [["updated_at", True], ["title", False], ["pk", False]], "v": [1], "b": False, "i": False},
    ],
)
def test_a_signed_but_malformed_cursor_is_a_400(api: Any, eleven: None, payload: Any) -> None:
    cursor = signing.dumps(payload, salt=SALT, compress=True)

    response = api.get(URL, {"cursor": cursor})

    assert response.status_code == 400
    assert response.json() == {
        "cursor": ["This cursor is not valid: use the `next` or `previous` link of a page as it is."]
    }
