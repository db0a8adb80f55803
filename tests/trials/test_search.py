"""Search: ranked text search with synonyms, filters that never drop a trial for a missing limit,
facet counts, distance and did-you-mean."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import HospitalFactory, InterventionFactory, TrialFactory, TrialSiteFactory, TumourTypeFactory
from trials.geography.distance import trial_nearest_sites
from trials.geography.postcodes import PostcodeError, distance_miles, miles_between, outward_code, place_for_postcode
from trials.registry.models import Hospital, Trial
from trials.registry.services import trial_refresh_derived
from trials.search.query import (
    Ordering,
    TrialFilters,
    did_you_mean,
    trial_facets,
    trial_headlines,
    trial_search,
)

pytestmark = pytest.mark.django_db


STOMACH_TRIALS = [
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
        ("Lutathera", ["NETTER"]),  # brand of 177Lu-dotatate
        ("177Lu-edotreotide", ["COMPETE"]),
        ("5FU", ["NET-02", "a-trial-looking-at-the-drug-capecitabine-for-neuroendocrine-tumours", "NET 01"]),
        # Clinical and lay words for stomach find every trial that includes stomach NETs (then
        # "tummy pain" as a side effect).
        ("gastric", STOMACH_TRIALS),
        ("tummy", [*STOMACH_TRIALS, "TELECAST", "TELESTAR"]),
        ("NEC", ["NET-02"]),
        ("everolimus", ["RADIANT 4", "LUNA", "COMPETE", "immune-system-neuroendocrine-tumours-study"]),
        ("PRRT", ["lutetium-satoreotide-ops201-neuroendocrine-tumours", "NETTER", "COMPETE"]),
    ],
)
def test_it_ranks_the_seeded_trials_for_a_patient_query(seeded: None, q: str, expected: list[str]) -> None:
    assert names(TrialFilters(q=q)) == expected


def test_carcinoid_finds_neuroendocrine_tumour_trials(seeded: None) -> None:
    found = names(TrialFilters(q="carcinoid"))
    assert found[:5] == ["Alliance A021202", "TELESTAR", "TELECAST", "SIG-NET", "TELEPATH"]
    assert len(found) == 25


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
        "untyped": TrialFactory(slug="untyped"),
    }
    trial_refresh_derived(trials=trials.values())
    found = {t.slug for t in trial_search(filters=TrialFilters(tumour_type=("stomach-net",)))}
    assert found == {"general", "stomach", "untyped"}
    found = {t.slug for t in trial_search(filters=TrialFilters(tumour_type=("neuroendocrine-tumour",)))}
    assert found == {"general", "untyped"}


def test_an_intervention_filter_takes_slugs_and_kind_filters_take_kinds() -> None:
    lanreotide = InterventionFactory(slug="lanreotide", kind="somatostatin_analogue")
    everolimus = InterventionFactory(slug="everolimus", kind="targeted_drug")
    ssa = TrialFactory(slug="ssa", interventions=[lanreotide])
    both = TrialFactory(slug="both", interventions=[everolimus, lanreotide])
    trial_refresh_derived(trials=[ssa, both])
    assert {t.slug for t in trial_search(filters=TrialFilters(intervention=("everolimus",)))} == {"both"}
    found = {t.slug for t in trial_search(filters=TrialFilters(intervention_kind=("somatostatin_analogue",)))}
    assert found == {"ssa", "both"}


def test_facet_counts_apply_the_other_filters_but_not_their_own() -> None:
    TrialFactory(status="open", phase="phase_2", grades=["G1"])
    TrialFactory(status="open", phase="phase_3", grades=[])
    TrialFactory(status="closed", phase="phase_3", grades=["G2"])
    TrialFactory(status="results", phase="phase_3", published=False)
    facets = trial_facets(filters=TrialFilters(status=("open",), phase=("phase_3",)))
    assert facets["status"] == {"open": 1, "closed": 1, "results": 0}
    assert facets["phase"]["phase_2"] == 1
    assert facets["phase"]["phase_3"] == 1
    # The open phase 3 trial has no grade limit, so it counts for every grade.
    assert facets["grade"] == {"G1": 1, "G2": 1, "G3": 1}
    assert trial_facets(filters=TrialFilters(status=("open",)))["grade"] == {"G1": 2, "G2": 1, "G3": 1}


def test_facets_and_results_take_a_fixed_number_of_queries(seeded: None, django_assert_num_queries) -> None:
    filters = TrialFilters(q="NET", grade=("G2",), phase=("phase_3",))
    # The tumour-type vocabulary, the small facets' counts in one aggregate, the tumour types' in one
    # grouped query, the match count (which picks the rank vector), and the results; the facets and
    # the count each run between a SET and a RESET of enable_seqscan (search.text_search_plan).
    with django_assert_num_queries(9):
        trial_facets(filters=filters)
        list(trial_search(filters=filters))
    # Then the counts come from the cache until the registry changes: only the results are read.
    with django_assert_num_queries(1):
        trial_facets(filters=filters)
        list(trial_search(filters=filters))


def test_distance_uses_the_nearest_site_and_sorts_unknowns_last() -> None:
    christie = HospitalFactory(name="The Christie", town="Manchester", latitude=53.4291, longitude=-2.2302)
    royal_free = HospitalFactory(name="Royal Free Hospital", town="London", latitude=51.5532, longitude=-0.1657)
    both = TrialFactory(slug="both")
    TrialSiteFactory(trial=both, hospital=christie)
    TrialSiteFactory(trial=both, hospital=royal_free)
    london = TrialFactory(slug="london")
    TrialSiteFactory(trial=london, hospital=royal_free)
    TrialFactory(slug="nowhere")
    manchester = place_for_postcode("M20 4BX")
    results = list(trial_search(filters=TrialFilters(near=manchester, ordering=Ordering.DISTANCE)))
    assert [t.slug for t in results] == ["both", "london", "nowhere"]
    nearest = trial_nearest_sites(trial_ids=[results[0].pk], place=manchester)[results[0].pk]
    assert f"{nearest.hospital}, {nearest.town}" == "The Christie, Manchester"
    assert results[0].distance_miles == pytest.approx(0.3, abs=0.3)
    assert results[1].distance_miles == pytest.approx(156, abs=2)
    assert results[2].distance_miles is None
    within = trial_search(filters=TrialFilters(near=manchester, within_miles=50))
    assert [t.slug for t in within] == ["both"]


@pytest.mark.parametrize(
    ("text", "outward"),
    [("M20 4BX", "M20"), ("m204bx", "M20"), ("SW1A 1AA", "SW1A"), ("sw1a", "SW1A"), (" EC1A 1BB ", "EC1A")],
)
def test_it_reads_a_postcode_or_outward_code(text: str, outward: str) -> None:
    assert outward_code(text) == outward


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a postcode"),
        ("12345", "“12345” is not a UK postcode."),
        ("ZZ9 9ZZ", "We could not find the postcode area ZZ9."),
    ],
)
def test_it_explains_a_postcode_it_cannot_place(text: str, message: str) -> None:
    with pytest.raises(PostcodeError, match=message):
        place_for_postcode(text)


def test_highlights_mark_the_match_and_escape_the_text() -> None:
    trial = TrialFactory(title="A trial", summary="This <b>trial</b> tests lanreotide & more.")
    headline = trial_headlines(trial_ids=[trial.pk], q="lanreotide")[trial.pk]
    assert "<mark>lanreotide</mark>" in headline
    assert "<b>" not in headline
    assert "&amp;" in headline


@pytest.mark.django_db
def test_the_python_distances_equal_the_sql_ones() -> None:
    """Trials' distances use miles_between (per hospital, in Python); a site's use distance_miles (SQL)."""
    points = [(51.5074, -0.1278), (57.1497, -2.0943), (50.3755, -4.1427), (54.5973, -5.9301), (53.4441, -2.2302)]
    hospitals = [HospitalFactory(latitude=lat, longitude=lon) for lat, lon in points]
    place = place_for_postcode("M20 4BX")
    in_sql = dict(
        Hospital.objects.annotate(miles=distance_miles("latitude", "longitude", place)).values_list("pk", "miles")
    )
    for hospital in hospitals:
        assert miles_between(place, hospital.latitude, hospital.longitude) == pytest.approx(
            in_sql[hospital.pk], abs=1e-9
        )
    assert in_sql[hospitals[0].pk] == pytest.approx(159, abs=1)  # south Manchester to London
