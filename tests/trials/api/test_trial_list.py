"""GET /api/v1/trials/: filters, ordering, the row shape, facets and query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import HospitalFactory, InterventionFactory, TumourTypeFactory
from tests.trials.api.conftest import ago, make_trial, slugs
from trials.registry.cache import answers_cache

URL = "/api/v1/trials/"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["alpha", "beta", "gamma"]),
        ("status=open", ["alpha"]),
        ("status=open&status=results", ["alpha", "gamma"]),
        # A trial for "NET, any site" is also a trial for pancreatic NETs.
        ("tumour_type=pancreatic-net", ["alpha", "beta"]),
        ("tumour_type=stomach-net", ["beta", "gamma"]),
        ("tumour_type=neuroendocrine-tumour", ["beta"]),
        ("tumour_type=pancreatic-net&tumour_type=stomach-net", ["alpha", "beta", "gamma"]),
        # A trial without a grade restriction matches every grade.
        ("grade=G3", ["beta", "gamma"]),
        ("grade=G1", ["alpha", "beta"]),
        ("grade=G1&grade=G3", ["alpha", "beta", "gamma"]),
        ("intervention=lenvatinib", ["alpha"]),
        ("intervention=LENVIMA", ["alpha"]),
        ("intervention=e7080", ["alpha"]),
        ("intervention=Lutetium%20Dotatate", ["beta"]),
        ("intervention=lenvatinib&intervention=lutathera", ["alpha", "beta"]),
        ("intervention_kind=prrt", ["beta"]),
        ("intervention_kind=targeted_drug&intervention_kind=prrt", ["alpha", "beta"]),
        ("phase=phase_1", ["gamma"]),
        ("phase=phase_2&phase=phase_3", ["alpha", "beta"]),
        ("trial_type=diagnosis", ["gamma"]),
        ("trial_type=treatment", ["alpha", "beta"]),
        # A trial without an age limit matches every age.
        ("age=30", ["alpha", "beta"]),
        ("age=18", ["alpha", "beta"]),
        ("age=17", ["beta"]),
        ("age=76", ["beta"]),
        ("age=50", ["alpha", "beta", "gamma"]),
        ("sex=female", ["alpha", "beta"]),
        ("sex=male", ["alpha", "gamma"]),
        ("sex=female&sex=male", ["alpha", "beta", "gamma"]),
        ("updated_since=2026-11-10", ["alpha", "beta"]),
        ("updated_since=2026-11-19", ["alpha"]),
        ("updated_since=2026-11-20", []),
        ("near=M20%204BX&within_miles=20", ["alpha"]),
        ("near=M20&within_miles=200", ["alpha", "beta"]),
        ("near=NW3&within_miles=5", ["beta"]),
        ("q=lenvatinib", ["alpha"]),
        ("q=Lenvima", ["alpha"]),
        ("q=scan", ["gamma"]),
        ("q=nothing-matches-this", []),
        # Combinations: every filter applies.
        ("grade=G3&age=50&sex=male", ["gamma"]),
        ("grade=G3&age=30", ["beta"]),
        ("tumour_type=pancreatic-net&status=closed&sex=female&age=90", ["beta"]),
        ("tumour_type=pancreatic-net&intervention_kind=targeted_drug&age=30&grade=G2", ["alpha"]),
        ("q=trial&status=open&near=M20&within_miles=10", ["alpha"]),
        ("trial_type=treatment&phase=phase_3&updated_since=2026-11-15", []),
    ],
)
def test_every_filter_selects_exactly_its_trials(
    api: Any, world: dict[str, Any], query: str, expected: list[str]
) -> None:
    response = api.get(f"{URL}?{query}")

    assert slugs(response) == expected
    assert response.json()["count"] == len(expected)


def test_drafts_are_never_listed(api: Any, world: dict[str, Any]) -> None:
    response = api.get(f"{URL}?q=draft")

    assert slugs(response) == []
    assert "draft" not in slugs(api.get(f"{URL}?page_size=100"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["alpha", "beta", "gamma"]),
        ("ordering=-updated_at", ["alpha", "beta", "gamma"]),
        ("ordering=relevance", ["alpha", "beta", "gamma"]),
        # ALPHA names its drug in the title (weight A); BETA only in its tumour type's vocabulary.
        ("q=trial", ["alpha", "beta"]),
        ("near=NW3&ordering=distance", ["beta", "alpha", "gamma"]),
        ("near=M20&ordering=distance", ["alpha", "beta", "gamma"]),
        ("near=M20&ordering=-updated_at", ["alpha", "beta", "gamma"]),
    ],
)
def test_ordering_is_exact(api: Any, world: dict[str, Any], query: str, expected: list[str]) -> None:
    assert slugs(api.get(f"{URL}?{query}")) == expected


def test_relevance_puts_the_best_match_first_whatever_the_dates(api: Any, world: dict[str, Any]) -> None:
    make_trial(slug="older-lenvatinib", title="Lenvatinib, lenvatinib and lenvatinib", updated_at=ago(300))
    make_trial(slug="newer-mention", title="A newer trial", summary="It mentions lenvatinib once.", updated_at=ago(0))

    assert slugs(api.get(f"{URL}?q=lenvatinib")) == ["older-lenvatinib", "alpha", "newer-mention"]
    assert slugs(api.get(f"{URL}?q=lenvatinib&ordering=-updated_at")) == ["newer-mention", "alpha", "older-lenvatinib"]


def test_a_row_has_the_documented_fields_and_values(api: Any, world: dict[str, Any]) -> None:
    response = api.get(f"{URL}?status=open")

    assert response["Content-Type"] == "application/json"
    assert response.json()["results"] == [
        {
            "slug": "alpha",
            "url": "http://testserver/trials/alpha/",
            "cruk_id": 15001,
            "title": "A trial of lenvatinib for pancreatic NETs (ALPHA)",
            "acronym": "ALPHA",
            "status": "open",
            "phase": "phase_2",
            "trial_type": "treatment",
            "cancer_types": [{"slug": "pancreatic-net", "name": "Pancreatic NET"}],
            "grades": ["G1", "G2"],
            "summary": "This trial is looking at lenvatinib for pancreatic NETs that have spread.",
            "interventions": [
                {"slug": "lenvatinib", "name": "lenvatinib", "kind": "targeted_drug", "synonyms": ["Lenvima", "E7080"]}
            ],
            "updated_at": "2026-11-19T12:00:00Z",
            "highlight": None,
            "nearest_site": None,
        }
    ]


def test_a_row_highlights_the_match_with_q(api: Any, world: dict[str, Any]) -> None:
    row = api.get(f"{URL}?q=lenvatinib").json()["results"][0]

    assert row["highlight"] == "This trial is looking at <mark>lenvatinib</mark> for pancreatic NETs that have spread."


def test_the_highlight_is_escaped_html(api: Any, db: None) -> None:
    make_trial(slug="angle", title="Brackets", summary='Scores 3 < 4 & "lenvatinib".')

    row = api.get(f"{URL}?q=lenvatinib").json()["results"][0]

    assert row["highlight"] == "Scores 3 &lt; 4 &amp; &quot;<mark>lenvatinib</mark>&quot;."


def test_a_row_names_its_nearest_site_with_near(api: Any, world: dict[str, Any]) -> None:
    rows = api.get(f"{URL}?near=M20&ordering=distance").json()["results"]

    assert [row["nearest_site"] for row in rows] == [
        {"hospital": "The Christie", "town": "Manchester", "distance_miles": 0.3},
        {"hospital": "Royal Free Hospital", "town": "London", "distance_miles": 155.8},
        None,
    ]


def test_facets_count_each_option_with_the_other_filters(api: Any, world: dict[str, Any]) -> None:
    facets = api.get(f"{URL}?status=open&grade=G3").json()["facets"]

    assert facets == {
        # status is counted without the status filter: beta (any grade) and gamma (G3).
        "status": {"open": 0, "closed": 1, "results": 1},
        "tumour_type": {"pancreatic-net": 0, "neuroendocrine-tumour": 0, "stomach-net": 0},
        # grade is counted without the grade filter: alpha is the open trial.
        "grade": {"G1": 1, "G2": 1, "G3": 0},
        "intervention_kind": {
            "targeted_drug": 0,
            "prrt": 0,
            "somatostatin_analogue": 0,
            "chemotherapy": 0,
            "immunotherapy": 0,
            "imaging_tracer": 0,
            "device_or_app": 0,
            "procedure": 0,
            "other": 0,
        },
        "phase": {
            "phase_0": 0,
            "phase_1": 0,
            "phase_1_2": 0,
            "phase_2": 0,
            "phase_2_3": 0,
            "phase_3": 0,
            "phase_4": 0,
            "pilot": 0,
            "other": 0,
        },
        "trial_type": {
            "treatment": 0,
            "diagnosis": 0,
            "screening": 0,
            "supportive_care": 0,
            "quality_of_life": 0,
            "biology": 0,
            "other": 0,
        },
        "sex": {"female": 0, "male": 0},
        "country": {"United Kingdom": 0},
    }


def test_facets_without_filters_count_every_published_trial(api: Any, world: dict[str, Any]) -> None:
    facets = api.get(URL).json()["facets"]

    assert facets["status"] == {"open": 1, "closed": 1, "results": 1}
    assert facets["tumour_type"] == {"pancreatic-net": 2, "neuroendocrine-tumour": 1, "stomach-net": 2}
    assert facets["grade"] == {"G1": 2, "G2": 2, "G3": 2}
    assert facets["sex"] == {"female": 2, "male": 2}
    assert facets["intervention_kind"]["targeted_drug"] == 1
    assert facets["intervention_kind"]["prrt"] == 1


def _many_trials(count: int) -> None:
    tumour = TumourTypeFactory(slug="lung-net", name="Lung NET", primary_site="lung", diagnosis="net")
    drug = InterventionFactory(slug="everolimus", name="everolimus", synonyms=["Afinitor"])
    hospital = HospitalFactory(name="Wythenshawe Hospital", postcode="M23 9LT", latitude=53.3891, longitude=-2.2925)
    for index in range(count):
        make_trial(
            slug=f"many-{index:02d}",
            sites=(hospital,),
            summary="everolimus for lung NETs",
            tumour_types=[tumour],
            interventions=[drug],
            updated_at=ago(index),
        )


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=everolimus",
        "near=M20&ordering=distance",
        "q=everolimus&near=M20&within_miles=900&status=open&grade=G1&intervention=afinitor&age=40",
    ],
)
def test_the_list_runs_the_same_queries_whatever_the_page_size(api: Any, world: dict[str, Any], query: str) -> None:
    _many_trials(60)
    counts = []
    for size in (5, 50):
        answers_cache().clear()  # compare cold requests: counts and facets are cached per filter set
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{URL}?page_size={size}&{query}")
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_the_list_stays_within_its_query_budget(
    api: Any, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    _many_trials(30)
    # The tumour-type vocabulary (form + facets), interventions (resolving the filter), the count, the
    # facet aggregate, the page, its tumour types and interventions (2), headlines and nearest sites,
    # and the hospitals' coordinates for distances. 13 cold (the tumour-type facet is its own grouped
    # query) plus a SET and a RESET around each of the three text-search blocks (text_search_plan);
    # the counts and coordinates are cached afterwards. One more: the registry's generation.
    with django_assert_max_num_queries(22):
        response = api.get(f"{URL}?page_size=100&q=everolimus&near=M20&intervention=everolimus")
    assert response.json()["count"] == 30
