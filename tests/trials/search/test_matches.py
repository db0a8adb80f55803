"""Matching and ranking: text search with synonyms, ties to the newest, and filters that never drop a
trial for a missing limit."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import InterventionFactory, TrialFactory, TumourTypeFactory
from trials.registry.models import Trial
from trials.registry.services import trial_refresh_derived
from trials.search.filters import TrialFilters
from trials.search.matches import trial_search

pytestmark = pytest.mark.django_db


STOMACH_TRIALS = [
    # The UK GEP-NET studies (NETTER-P, NETTER-2, COMPOSE) include stomach NETs.
    "NETTER-P",
    "NETTER-2",
    "COMPOSE",
    "lutetium-satoreotide-ops201-neuroendocrine-tumours",
    "Alliance A021202",
    "SANET-ep",
    "AXINET",
    "NET 01",
    "RADIANT 4",
    "TALENT",
    "COMPETE",
]


def names(filters: TrialFilters) -> list[str]:
    return [t.acronym or t.slug for t in trial_search(filters=filters)]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("lenvatinib", ["TALENT"]),
        ("Lenvima", ["TALENT"]),  # brand name
        ("E7080", ["TALENT"]),  # code name
        ("Xermelo", ["TELEPATH", "TELESTAR", "TELECAST"]),  # brand of telotristat etiprate
        ("LX1606", ["TELESTAR", "TELECAST", "TELEPATH"]),  # its code name
        ("telotristat etiprate", ["TELECAST", "TELESTAR", "TELEPATH"]),
        # Brand of 177Lu-dotatate.
        ("Lutathera", ["NETTER", "NETTER-2", "lutathera-unlicensed-uses-lung-thymus-nets-royal-free", "NETTER-P"]),
        ("177Lu-edotreotide", ["COMPOSE", "COMPETE"]),
        # COMPOSE's comparison arm is the doctor's choice of chemotherapy, 5FU-based among them.
        ("5FU", ["NET-02", "COMPOSE", "a-trial-looking-at-the-drug-capecitabine-for-neuroendocrine-tumours", "NET 01"]),
        # Clinical and lay words for stomach find every trial that includes stomach NETs (then
        # "tummy pain" as a side effect).
        ("gastric", STOMACH_TRIALS),
        ("tummy", [*STOMACH_TRIALS, "TELECAST", "TELESTAR"]),
        ("NEC", ["NET-02"]),
        ("everolimus", ["RADIANT 4", "LUNA", "COMPETE", "COMPOSE", "immune-system-neuroendocrine-tumours-study"]),
        (
            "PRRT",
            [
                "lutathera-unlicensed-uses-lung-thymus-nets-royal-free",
                "lutetium-satoreotide-ops201-neuroendocrine-tumours",
                "NETTER",
                "COMPETE",
                "COMPOSE",
                "NETTER-P",
                "NETTER-2",
            ],
        ),
    ],
)
def test_it_ranks_the_seeded_trials_for_a_patient_query(seeded: None, q: str, expected: list[str]) -> None:
    assert names(TrialFilters(q=q)) == expected


def test_carcinoid_finds_neuroendocrine_tumour_trials(seeded: None) -> None:
    found = names(TrialFilters(q="carcinoid"))
    assert found[:5] == ["Alliance A021202", "TELESTAR", "TELECAST", "SIG-NET", "TELEPATH"]
    # 25, the five new UK studies, and E2211: its type's synonyms now include "pancreatic carcinoid".
    assert len(found) == 31


def test_ties_in_rank_go_to_the_most_recently_updated() -> None:
    older = TrialFactory(title="A trial of drug X")
    newer = TrialFactory(title="A trial of drug X")
    Trial.objects.filter(pk=older.pk).update(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert [t.pk for t in trial_search(filters=TrialFilters(q="drug X"))] == [newer.pk, older.pk]


def test_a_title_match_outranks_a_summary_match() -> None:
    in_summary = TrialFactory(title="A study of a new scan", summary="It also looks at lanreotide.")
    in_title = TrialFactory(title="A trial of lanreotide", summary="A drug trial.")
    assert [t.pk for t in trial_search(filters=TrialFilters(q="lanreotide"))] == [in_title.pk, in_summary.pk]


def test_no_age_limit_matches_any_age() -> None:
    TrialFactory(slug="adults", min_age=18)
    TrialFactory(slug="no-limit")
    TrialFactory(slug="young", min_age=12, max_age=30)
    assert {t.slug for t in trial_search(filters=TrialFilters(age=16))} == {"no-limit", "young"}
    assert {t.slug for t in trial_search(filters=TrialFilters(age=64))} == {"adults", "no-limit"}


def test_no_grade_or_sex_restriction_matches_any() -> None:
    TrialFactory(slug="g1-only", grades=["G1"])
    TrialFactory(slug="any-grade", grades=[])
    TrialFactory(slug="women", sexes=["female"])
    assert {t.slug for t in trial_search(filters=TrialFilters(grade=("G3",)))} == {"any-grade", "women"}
    assert {t.slug for t in trial_search(filters=TrialFilters(sex=("male",)))} == {"g1-only", "any-grade"}


def test_a_general_tumour_type_trial_matches_a_specific_type_filter() -> None:
    any_net = TumourTypeFactory(slug="neuroendocrine-tumour", name="NET, any site", diagnosis="net")
    stomach = TumourTypeFactory(slug="stomach-net", name="Stomach NET", primary_site="stomach", diagnosis="net")
    lung = TumourTypeFactory(slug="lung-net", name="Lung NET", primary_site="lung", diagnosis="net")
    nec = TumourTypeFactory(slug="nec", name="NEC", diagnosis="nec")
    trials = {
        "general": TrialFactory(slug="general", tumour_types=[any_net]),
        "stomach": TrialFactory(slug="stomach", tumour_types=[stomach]),
        "lung": TrialFactory(slug="lung", tumour_types=[lung]),
        "nec": TrialFactory(slug="nec", tumour_types=[nec]),
        "any-net": TrialFactory(slug="any-net", any_net=True),
        # No tumour type and not marked "any NET" (an imported study naming none): for no type.
        "untyped": TrialFactory(slug="untyped"),
    }
    trial_refresh_derived(trials=trials.values())
    found = {t.slug for t in trial_search(filters=TrialFilters(tumour_type=("stomach-net",)))}
    assert found == {"general", "stomach", "any-net"}
    found = {t.slug for t in trial_search(filters=TrialFilters(tumour_type=("neuroendocrine-tumour",)))}
    assert found == {"general", "any-net"}


def test_an_intervention_filter_takes_slugs_and_kind_filters_take_kinds() -> None:
    lanreotide = InterventionFactory(slug="lanreotide", kind="somatostatin_analogue")
    everolimus = InterventionFactory(slug="everolimus", kind="targeted_drug")
    ssa = TrialFactory(slug="ssa", interventions=[lanreotide])
    both = TrialFactory(slug="both", interventions=[everolimus, lanreotide])
    trial_refresh_derived(trials=[ssa, both])
    assert {t.slug for t in trial_search(filters=TrialFilters(intervention=("everolimus",)))} == {"both"}
    found = {t.slug for t in trial_search(filters=TrialFilters(intervention_kind=("somatostatin_analogue",)))}
    assert found == {"ssa", "both"}
