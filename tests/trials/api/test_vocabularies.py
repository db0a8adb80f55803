"""GET /api/v1/tumour-types/, /interventions/ and /hospitals/."""

from __future__ import annotations

from typing import Any

from tests.factories import HospitalFactory, InterventionFactory, TumourTypeFactory


def test_tumour_types_are_listed_by_name_with_their_facts(
    api: Any, world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    TumourTypeFactory(
        slug="lung-net",
        name="Lung NET",
        synonyms=["bronchial carcinoid"],
        primary_site="lung",
        diagnosis="net",
        description="A NET of the lung.",
    )

    with django_assert_num_queries(2):  # the rows, and the generation
        response = api.get("/api/v1/tumour-types/")

    body = response.json()
    assert [t["slug"] for t in body] == ["lung-net", "neuroendocrine-tumour", "pancreatic-net", "stomach-net"]
    assert body[0] == {
        "slug": "lung-net",
        "name": "Lung NET",
        "synonyms": ["bronchial carcinoid"],
        "primary_site": "lung",
        "diagnosis": "net",
        "description": "A NET of the lung.",
    }
    assert body[1]["primary_site"] == ""


def test_interventions_are_listed_with_kind_and_synonyms(
    api: Any, world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    # An intervention an import created (needs_review) is listed too: trial records and filters use it.
    InterventionFactory(slug="new-drug", name="a new drug", kind="other", needs_review=True)

    with django_assert_num_queries(2):  # the rows, and the generation
        body = api.get("/api/v1/interventions/").json()

    assert body == [
        {"slug": "new-drug", "name": "a new drug", "kind": "other", "synonyms": [], "description": ""},
        {
            "slug": "lenvatinib",
            "name": "lenvatinib",
            "kind": "targeted_drug",
            "synonyms": ["Lenvima", "E7080"],
            "description": "",
        },
        {
            "slug": "lutetium-dotatate",
            "name": "lutetium dotatate",
            "kind": "prrt",
            "synonyms": ["Lutathera"],
            "description": "",
        },
    ]


def test_hospitals_are_listed_by_name(api: Any, world: dict[str, Any], django_assert_num_queries: Any) -> None:
    HospitalFactory(
        name="Addenbrooke's",
        town="Cambridge",
        region="East of England",
        postcode="CB2 0QQ",
        latitude=None,
        longitude=None,
    )

    with django_assert_num_queries(2):  # the rows, and the generation
        body = api.get("/api/v1/hospitals/").json()

    assert body == [
        {
            "name": "Addenbrooke's",
            "town": "Cambridge",
            "region": "East of England",
            "postcode": "CB2 0QQ",
            "latitude": None,
            "longitude": None,
        },
        {
            "name": "Royal Free Hospital",
            "town": "London",
            "region": "London",
            "postcode": "NW3 2QG",
            "latitude": 51.5532,
            "longitude": -0.165,
        },
        {
            "name": "The Christie",
            "town": "Manchester",
            "region": "North West",
            "postcode": "M20 4BX",
            "latitude": 53.4291,
            "longitude": -2.2302,
        },
    ]
