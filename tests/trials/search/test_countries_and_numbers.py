"""Countries (filter, facet, the pages' UK default) and finding a trial by its number, on page, API and feed."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.factories import HospitalFactory, TrialFactory, TrialSiteFactory
from tests.trials.search.test_selector import feed_slugs, page_slugs
from trials.geography.countries import country_name, hospital_is_uk, is_uk_source, trial_countries
from trials.registry.models import Trial

pytestmark = pytest.mark.django_db


def api(params: dict[str, Any]) -> Any:
    response = APIClient().get("/api/v1/trials/", params)
    assert response.status_code == 200, response.content
    return response.json()


# Countries -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("United Kingdom", "United Kingdom"),
        ("England", "United Kingdom"),
        ("  Northern  Ireland ", "United Kingdom"),
        ("UK", "United Kingdom"),
        ("France", "France"),
        ("Korea, Republic of", "Korea, Republic of"),
        (" ", ""),
    ],
)
def test_country_names_read_the_uk_nations_as_the_uk(text: str, expected: str) -> None:
    assert country_name(text) == expected


@pytest.mark.parametrize(
    ("region", "postcode", "expected"),
    [
        ("Greater Manchester, United Kingdom", "", True),  # ClinicalTrials.gov: "state, country"
        ("Scotland", "", True),  # ISRCTN: the nation
        ("North West", "M20 4BX", True),  # a curated UK hospital
        ("North West", "M20", False),  # an outward code alone says too little
        ("Ontario, Canada", "M5G 2M9", False),  # a Canadian postcode looks like a UK outward code
        ("Île-de-France, France", "75013", False),
    ],
)
def test_a_hospital_is_in_the_uk_by_its_region_or_a_whole_uk_postcode(
    region: str, postcode: str, expected: bool
) -> None:
    assert hospital_is_uk(region=region, postcode=postcode) is expected


@pytest.mark.parametrize(
    ("cruk_id", "iras", "source_url", "expected"),
    [
        (None, "", "https://www.cancerresearchuk.org/about-cancer/find-a-clinical-trial/a-trial", True),
        (1234, "", "", True),
        (None, "126964", "https://clinicaltrials.gov/study/NCT06456723", True),
        (None, "", "https://clinicaltrials.gov/study/NCT01744249", False),
        (None, "", "https://cancerresearchuk.org.example.com/", False),
    ],
)
def test_a_cruk_record_or_an_iras_number_means_the_uk(
    cruk_id: int | None, iras: str, source_url: str, expected: bool
) -> None:
    assert is_uk_source(cruk_id=cruk_id, iras=iras, source_url=source_url) is expected


def test_a_trials_countries_join_its_registries_its_source_and_its_sites() -> None:
    assert trial_countries(
        registry_countries=["France", "England", "France"], uk_source=False, hospitals=[("Bavaria, Germany", "")]
    ) == ["France", "United Kingdom"]
    assert trial_countries(registry_countries=[], uk_source=True, hospitals=[]) == ["United Kingdom"]
    assert trial_countries(registry_countries=[], uk_source=False, hospitals=[("North West", "M20 4BX")]) == [
        "United Kingdom"
    ]
    assert trial_countries(registry_countries=[], uk_source=False, hospitals=[]) == []


def test_a_uk_trial_whose_hospitals_are_not_known_counts_as_uk_and_a_site_adds_the_uk() -> None:
    by_iras = TrialFactory(iras="259461", any_net=True)
    elsewhere = TrialFactory(registry_countries=["France"], any_net=True)
    assert by_iras.countries == ["United Kingdom"]
    assert elsewhere.countries == ["France"]

    TrialSiteFactory(trial=elsewhere, hospital=HospitalFactory(region="North West", postcode="M20 4BX"))

    elsewhere.refresh_from_db()
    assert elsewhere.countries == ["France", "United Kingdom"]


@pytest.fixture
def three_countries() -> dict[str, Trial]:
    return {
        "uk": TrialFactory(slug="uk", registry_countries=["United Kingdom"], any_net=True),
        "france": TrialFactory(slug="france", registry_countries=["France"], any_net=True),
        "both": TrialFactory(slug="both", registry_countries=["France", "England"], any_net=True),
        "unknown": TrialFactory(slug="unknown", registry_countries=[], any_net=True),
    }


def test_the_api_filters_and_counts_by_country_with_no_default(three_countries: dict[str, Trial]) -> None:
    everything = api({})
    assert everything["count"] == 4
    assert everything["facets"]["country"] == {"France": 2, "United Kingdom": 2}

    france = api({"country": "France"})
    assert sorted(row["slug"] for row in france["results"]) == ["both", "france"]
    # A facet counts with the other filters kept and its own left out.
    assert france["facets"]["country"] == {"France": 2, "United Kingdom": 2}
    assert sorted(row["slug"] for row in api({"country": ["France", "United Kingdom"]})["results"]) == [
        "both",
        "france",
        "uk",
    ]


def test_an_unknown_country_is_a_400_naming_the_choices(three_countries: dict[str, Trial]) -> None:
    response = APIClient().get("/api/v1/trials/", {"country": "Narnia"})

    assert response.status_code == 400
    assert response.json() == {"country": ["'Narnia' is not one of: France, United Kingdom."]}


def test_the_results_page_shows_uk_trials_unless_asked_for_others(client: Any, three_countries: Any) -> None:
    html = client.get("/trials/?status=open").content.decode()
    assert sorted(page_slugs(client, "status=open")) == ["both", "uk"]
    assert "Showing trials in the UK." in html
    assert '<a href="?status=open&amp;country=anywhere">Include trials in other countries</a>' in html

    assert sorted(page_slugs(client, "status=open&country=anywhere")) == ["both", "france", "uk", "unknown"]
    assert sorted(page_slugs(client, "status=open&country=France")) == ["both", "france"]
    anywhere = client.get("/trials/?status=open&country=anywhere").content.decode()
    assert "Showing trials in the UK." not in anywhere
    # The filter form keeps the choice when it is sent again.
    assert '<input type="hidden" name="country" value="anywhere">' in anywhere


def test_the_feed_follows_the_pages_uk_default(client: Any, three_countries: Any) -> None:
    assert sorted(feed_slugs(client, "status=open")) == ["both", "uk"]
    assert sorted(feed_slugs(client, "status=open&country=anywhere")) == ["both", "france", "uk", "unknown"]


# Finding a trial by its number -------------------------------------------------------------------


@pytest.fixture
def numbered() -> Trial:
    TrialFactory(slug="other", title="A trial looking at lenvatinib", any_net=True)
    return TrialFactory(
        slug="talent",
        title="TALENT",
        nct_id="NCT02678780",
        isrctn="ISRCTN12345678",
        eudract="2015-001467-39",
        iras="98327",
        cruk_id=14071,
        registry_countries=["Spain"],  # not in the UK: the number finds it all the same
        any_net=True,
    )


@pytest.mark.parametrize(
    "q",
    [
        "NCT02678780",
        "nct02678780",
        "NCT 02678780",
        "nct-02678780",
        " NCT02678780 ",
        "ISRCTN12345678",
        "isrctn 12345678",
        "2015-001467-39",
        "EudraCT 2015-001467-39",
        "IRAS 98327",
        "98327",
        "CRUK 14071",
        "14071",
    ],
)
def test_a_trials_number_finds_it_on_the_api_page_and_feed(numbered: Trial, client: Any, q: str) -> None:
    assert [row["slug"] for row in api({"q": q})["results"]] == ["talent"]
    assert page_slugs(client, f"q={q}") == ["talent"]
    assert feed_slugs(client, f"q={q}") == ["talent"]


def test_a_number_comes_first_before_trials_whose_text_names_it(numbered: Trial) -> None:
    TrialFactory(slug="mentions", title="Follow-up of NCT02678780", summary="After NCT02678780 ended.", any_net=True)

    assert [row["slug"] for row in api({"q": "NCT02678780"})["results"]] == ["talent", "mentions"]


def test_a_number_no_trial_has_finds_nothing(numbered: Trial) -> None:
    assert api({"q": "NCT99999999"})["count"] == 0
    assert api({"q": "NCT0267878"})["count"] == 0  # seven digits: not a number, and no word matches
