"""The interpreter's vocabulary: built from the registry, cached per generation, resolved to tumour types; towns."""

from __future__ import annotations

from typing import Any

import pytest

from tests.trials.search.sentences import SENTENCES, VOCABULARY, F, seen, tt
from trials.geography.postcodes import place_for_postcode
from trials.geography.towns import central_district, post_towns
from trials.search.phrases import TumourTypeEntry, Vocabulary, covers
from trials.search.understanding import understand, understanding_vocabulary


def test_a_tumour_the_registry_has_no_type_for_keeps_every_type_that_covers_it() -> None:
    vocabulary = Vocabulary.build(
        tumour_types=[
            TumourTypeEntry("neuroendocrine-tumour", "NET, any site", "", "net", ("NET",)),
            TumourTypeEntry("carcinoid-syndrome", "Carcinoid syndrome", "", "net", ("carcinoid syndrome",)),
            TumourTypeEntry("minen", "Mixed tumour (MiNEN)", "", "minen", ("MiNEN",)),
        ],
        interventions=[],
    )

    assert seen(understand("pancreatic NET", vocabulary)) == [
        (
            F,
            "NET that started in the pancreas",
            tt("carcinoid-syndrome", "neuroendocrine-tumour"),
            ("pancreatic", "NET"),
        )
    ]
    assert understand("pancreas", vocabulary).filter_params() == {
        "tumour_type": ("carcinoid-syndrome", "minen", "neuroendocrine-tumour")
    }


def test_every_post_town_is_measured_from_one_of_its_own_districts() -> None:
    towns = post_towns()

    assert (towns["Birmingham"], towns["Leeds"], towns["Manchester"], towns["Glasgow"]) == ("B1", "LS1", "M1", "G1")
    for name, outcode in towns.items():
        assert name in [town.strip() for town in place_for_postcode(outcode).town.split(",")]


def test_a_town_without_a_first_district_is_measured_from_the_one_nearest_its_middle() -> None:
    districts = [("CF3", 51.52, -3.10), ("CF10", 51.47, -3.17), ("CF5", 51.48, -3.24)]

    assert central_district(districts) == "CF10"


@pytest.mark.django_db
def test_covers_is_the_models_rule(seeded: None) -> None:
    from trials.registry.models import TumourType

    types = list(TumourType.objects.all())
    entries = {t.pk: TumourTypeEntry(t.slug, t.name, t.primary_site, t.diagnosis) for t in types}

    for general in types:
        for specific in types:
            assert covers(entries[general.pk], entries[specific.pk]) == general.covers(specific)


@pytest.mark.django_db
def test_the_cached_vocabulary_is_the_registrys_and_refreshes_when_it_changes(
    seeded: None, django_assert_num_queries: Any
) -> None:
    from trials.registry.cache import generation_scope
    from trials.registry.models import TumourType

    with generation_scope():
        with django_assert_num_queries(4):  # the generation, tumour types, interventions, acronyms
            vocabulary = understanding_vocabulary()
        with django_assert_num_queries(0):
            assert understanding_vocabulary() is vocabulary  # this process's copy, not unpickled again
    for parameter in SENTENCES:
        q = parameter.values[0].q
        assert understand(q, vocabulary) == understand(q, VOCABULARY)

    stomach = TumourType.objects.get(slug="stomach-net")
    stomach.synonyms = [*stomach.synonyms, "fundus NET"]
    stomach.save()

    assert understand("fundus NET", understanding_vocabulary()).filter_params() == {"tumour_type": ("stomach-net",)}


def found(params: dict[str, tuple[str, ...]]) -> set[str]:
    """The seeded trials the understood filters keep, as the results page's filters read them."""
    from django.db.models import Q

    from trials.registry.models import Trial

    trials = Trial.objects.published()
    if "tumour_type" in params:
        trials = trials.filter(tumour_type_coverage__overlap=list(params["tumour_type"]))
    if "grade" in params:
        trials = trials.filter(Q(grades__len=0) | Q(grades__overlap=list(params["grade"])))
    if "intervention" in params:
        trials = trials.filter(intervention_slugs__overlap=list(params["intervention"]))
    if "intervention_kind" in params:
        trials = trials.filter(intervention_kinds__overlap=list(params["intervention_kind"]))
    return {trial.acronym or trial.slug for trial in trials}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "among", "never"),
    [
        # Issue 18: each of these found nothing; the pancreas brought trials for NETs that did NOT
        # start in the pancreas to the top.
        ("trials for stomach carcinoid near Birmingham", {"NET 01", "SANET-ep", "TALENT"}, {"E2211", "REMINET"}),
        ("pancreatic NET grade 2 that has spread", {"E2211", "CLARINET", "REMINET"}, {"SANET-ep", "NET-02"}),
        ("NET that has spread to the liver", {"NETTER", "LUNA", "SANET-ep"}, {"NET-02"}),
        ("chemo for NEC", {"NET-02"}, {"NET 01", "E2211"}),
        ("Lu-177", {"NETTER", "COMPETE", "lutetium-satoreotide-ops201-neuroendocrine-tumours"}, {"TALENT"}),
        (
            "neuroendocrine cancer of the pancreas",
            {"E2211", "CLARINET", "REMINET", "NET-02", "FETONET"},
            {"SANET-ep", "AXINET", "Alliance A021202", "NETTER"},
        ),
    ],
)
def test_the_sentences_of_the_issue_find_the_trials_they_mean(
    seeded: None, q: str, among: set[str], never: set[str]
) -> None:
    trials = found(understand(q, understanding_vocabulary()).filter_params())

    assert among <= trials
    assert not never & trials


@pytest.mark.django_db
def test_chemo_for_nec_finds_exactly_the_nec_chemotherapy_trial(seeded: None) -> None:
    assert found(understand("chemo for NEC", understanding_vocabulary()).filter_params()) == {"NET-02"}
