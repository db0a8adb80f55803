"""Site coordinates (postcode, then registry point, then town) and the hospital matching key."""

from __future__ import annotations

import csv
from typing import Any

import pytest

from trials.geography.places import (
    Located,
    hospital_match_key,
    is_uk,
    locate,
    normalise_place,
    town_centroid,
)
from trials.geography.postcodes import OUTCODES_FILE, miles_between, place_for_postcode

M20 = (53.4251, -2.23167)  # the M20 district's centroid in uk_outcodes.csv
CITY_CENTRE = (53.4808, -2.2426)  # a registry geoPoint for "Manchester": only the city centre
UK = "United Kingdom"


def test_a_uk_postcode_wins_over_the_registry_point_and_the_town() -> None:
    located = locate(postcode="M20 4BX", town="Manchester", geo_point=CITY_CENTRE, country=UK)
    assert located == Located(*M20, "postcode")


@pytest.mark.parametrize("postcode", ["M20 4BX", "m204bx", "M20", " m20  4bx "])
def test_a_full_postcode_or_its_outward_code_gives_the_district_centroid(postcode: str) -> None:
    assert locate(postcode=postcode, town="", geo_point=None, country=UK) == Located(*M20, "postcode")


@pytest.mark.parametrize("postcode", ["", "ZZ99 9ZZ", "not a postcode", "M5G 2M9"])
def test_a_postcode_we_cannot_place_falls_back_to_the_registry_point(postcode: str) -> None:
    located = locate(postcode=postcode, town="Manchester", geo_point=CITY_CENTRE, country=UK)
    assert located == Located(*CITY_CENTRE, "registry")


def test_without_a_postcode_the_registry_point_wins_over_the_town() -> None:
    located = locate(postcode=None, town="Manchester", geo_point=CITY_CENTRE, country=UK)
    assert located == Located(*CITY_CENTRE, "registry")


def test_without_a_postcode_or_a_point_the_uk_town_centroid_is_used() -> None:
    located = locate(postcode=None, town="Truro", geo_point=None, country="England")
    # The mean of the Truro districts TR1, TR2, TR3 and TR4.
    assert located == Located(50.25512, -5.06226, "town")


@pytest.mark.parametrize("point", [(0.0, 0.0), (91.0, 2.0), (51.0, 181.0)])
def test_a_placeholder_or_impossible_registry_point_is_ignored(point: tuple[float, float]) -> None:
    assert locate(postcode=None, town="Truro", geo_point=point, country=UK) == Located(50.25512, -5.06226, "town")


def test_a_site_outside_the_uk_uses_only_the_registry_point() -> None:
    boston = (42.3601, -71.0589)
    assert locate(postcode="02115", town="Boston", geo_point=boston, country="United States") == Located(
        *boston, "registry"
    )
    # Cambridge, Massachusetts, is not Cambridge, England; Toronto's M5G is not a UK district.
    assert locate(postcode=None, town="Cambridge", geo_point=None, country="United States") is None
    assert locate(postcode="M5G 2M9", town="Toronto", geo_point=None, country="Canada") is None


def test_an_unstated_country_still_places_a_uk_postcode_but_not_a_bare_town() -> None:
    assert locate(postcode="M20 4BX", town="Manchester", geo_point=None, country=None) == Located(*M20, "postcode")
    assert locate(postcode=None, town="Manchester", geo_point=None, country=None) is None
    assert locate(postcode=None, town="Manchester", geo_point=None, country=" ") is None


def test_a_site_with_nothing_to_go_on_is_not_located() -> None:
    assert locate(postcode=None, town=None, geo_point=None, country=UK) is None
    assert locate(postcode=None, town="Atlantis", geo_point=None, country=UK) is None


@pytest.mark.parametrize(
    "spelling",
    ["Newcastle upon Tyne", "Newcastle-upon-Tyne", "NEWCASTLE UPON TYNE", "Newcastle upon Tyne, Tyne and Wear"],
)
def test_town_spellings_reach_one_centroid(spelling: str) -> None:
    assert town_centroid(spelling) == town_centroid("Newcastle upon Tyne") is not None


def test_saint_and_st_and_apostrophes_do_not_matter_in_a_town() -> None:
    assert town_centroid("Bury Saint Edmunds") == town_centroid("Bury St. Edmunds") is not None
    assert town_centroid("Kings Lynn") == town_centroid("King's Lynn") is not None


def test_a_town_centroid_is_the_mean_of_its_districts() -> None:
    with OUTCODES_FILE.open(encoding="utf-8", newline="") as handle:
        sutton = [row for row in csv.DictReader(handle) if row["town"] == "Sutton"]
    assert [row["outcode"] for row in sutton] == ["SM1", "SM2", "SM3"]
    expected = (
        round(sum(float(r["latitude"]) for r in sutton) / 3, 5),
        round(sum(float(r["longitude"]) for r in sutton) / 3, 5),
    )
    assert town_centroid("Sutton, Surrey") == expected


def test_post_town_names_shared_by_places_far_apart_have_no_centroid() -> None:
    with OUTCODES_FILE.open(encoding="utf-8", newline="") as handle:
        towns = {normalise_place(t) for row in csv.DictReader(handle) for t in row["town"].split(",") if t.strip()}
    without = sorted(t for t in towns if town_centroid(t) is None)
    # Oban's post town also covers Morvern (PA80), 86 km away: the price of a simple, safe rule.
    assert without == [
        "alford",
        "ashford",
        "bangor",
        "gillingham",
        "newcastle",
        "newport",
        "oban",
        "richmond",
        "st ives",
        "whitchurch",
    ]


def test_the_seed_hospitals_postcodes_land_near_their_recorded_coordinates(seed_bundle: dict[str, Any]) -> None:
    for hospital in seed_bundle["hospitals"]:
        located = locate(postcode=hospital["postcode"], town=hospital["town"], geo_point=None, country=UK)
        assert located is not None
        assert located.precision == "postcode"
        place = place_for_postcode(hospital["postcode"])
        assert miles_between(place, hospital["latitude"], hospital["longitude"]) < 2


@pytest.mark.parametrize(
    "country", ["United Kingdom", "UK", "england", "Scotland", "Wales", "Northern Ireland", "Great Britain"]
)
def test_uk_country_names_are_the_uk(country: str) -> None:
    assert is_uk(country)


@pytest.mark.parametrize("country", [None, "", "United States", "Ireland", "France", "Canada"])
def test_other_countries_are_not_the_uk(country: str | None) -> None:
    assert not is_uk(country)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("The Christie NHS Foundation Trust", "Manchester"), ("The Christie", "Manchester")),
        (("Christie Hospital", "MANCHESTER"), ("The Christie", "Manchester")),
        (("St Thomas' Hospital", "London"), ("Saint Thomas's Hospital", "London")),
        (("St. Thomas Hospital", "London"), ("St Thomas’ Hospital", "London")),
        (("King's College Hospital NHS Foundation Trust", "London"), ("Kings College Hospital", "London")),
        (("Royal Free Hospital, London", "London"), ("Royal Free Hospital", "London")),
        (("Addenbrooke's Hospital", "Cambridge"), ("Addenbrookes Hospital", "Cambridge")),
        (("Guy's & St Thomas' NHS Trust", "London"), ("Guys and St Thomas", "London")),
        (("Gartnavel General Hospital", "Glasgow, Scotland"), ("GARTNAVEL GENERAL HOSPITAL", "Glasgow")),
        (("Hôpital Beaujon", "Clichy"), ("Hopital Beaujon", "Clichy")),
    ],
)
def test_spellings_of_one_hospital_share_a_key(first: tuple[str, str], second: tuple[str, str]) -> None:
    assert hospital_match_key(*first) == hospital_match_key(*second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("Queen Elizabeth Hospital", "Birmingham"), ("Queen Elizabeth Hospital", "Gateshead")),
        (("Royal Free Hospital", "London"), ("University College Hospital", "London")),
        (("St Mary's Hospital", "London"), ("St Mark's Hospital", "London")),
    ],
)
def test_different_hospitals_keep_different_keys(first: tuple[str, str], second: tuple[str, str]) -> None:
    assert hospital_match_key(*first) != hospital_match_key(*second)


def test_a_hospital_key_is_plain_words_and_the_town() -> None:
    assert hospital_match_key("The Christie NHS Foundation Trust", "Manchester") == "christie|manchester"
    assert hospital_match_key("St Thomas' Hospital", "London") == "st thoma|london"
    assert hospital_match_key("Hospital", "Leeds") == "hospital|leeds"
