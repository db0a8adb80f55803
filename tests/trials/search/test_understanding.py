"""Understanding a patient's sentence: the filters it names, its negations and the text left to search."""

from __future__ import annotations

import pytest

from tests.trials.search.sentences import (
    NOT,
    SENTENCES,
    VOCABULARY,
    Case,
    F,
    p,
    seen,
    tt,
)
from trials.search.phrases import tokens_of
from trials.search.understanding import Item, Kind, removal_query, understand


@pytest.mark.parametrize("case", SENTENCES)
def test_it_understands_the_sentence(case: Case) -> None:
    understanding = understand(case.q, VOCABULARY)

    assert seen(understanding) == case.items
    assert understanding.text == case.text


@pytest.mark.parametrize("case", SENTENCES)
def test_removing_a_choice_keeps_every_other_one(case: Case) -> None:
    understanding = understand(case.q, VOCABULARY)
    for item in understanding.items + understanding.negations:
        others = [entry for entry in seen(understanding) if entry[:3] != (item.role, item.label, item.params)]

        again = understand(removal_query(understanding, item), VOCABULARY)

        assert [entry[:3] for entry in seen(again)] == [entry[:3] for entry in others]


@pytest.mark.parametrize("case", SENTENCES)
def test_a_word_that_filters_never_stays_in_the_text(case: Case) -> None:
    understanding = understand(case.q, VOCABULARY)
    text_words = {token.word for token in tokens_of(understanding.text)}

    for item in understanding.items + understanding.negations:
        assert not {token.word for word in item.words for token in tokens_of(word)} & text_words


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("trials for stomach carcinoid near Birmingham", "trials for near Birmingham"),
        ("everolimus (Afinitor) for lung carcinoid", "for lung carcinoid"),
        ("pancreatic NET, grade 2, that has spread", "pancreatic NET, that has spread"),
        ("-pancreas NET", "NET"),
    ],
)
def test_a_removal_query_cuts_the_choice_out_of_the_sentence(q: str, expected: str) -> None:
    understanding = understand(q, VOCABULARY)
    first = understanding.negations[0] if q.startswith("-") else understanding.items[0]
    if q.startswith("pancreatic"):
        first = understanding.items[1]

    assert removal_query(understanding, first) == expected


def test_a_choice_kept_as_text_is_searched_as_words_and_no_longer_filters() -> None:
    understanding = understand("NET trials in Bath", VOCABULARY)
    bath = understanding.items[1]

    q = removal_query(understanding, bath, keep_words=True)
    again = understand(q, VOCABULARY)

    assert q == 'NET trials "in Bath"'
    assert [item.label for item in again.items] == ["Neuroendocrine tumour (NET)"]
    assert again.text == '"in Bath"'


@pytest.mark.parametrize("q", ["trials", "  lutatera   trials ", "my mum", "pain after eating"])
def test_when_nothing_is_understood_every_word_typed_is_searched(q: str) -> None:
    understanding = understand(q, VOCABULARY)

    assert (understanding.items, understanding.negations) == ((), ())
    assert understanding.text == " ".join(q.split())


def test_words_in_quotes_are_searched_as_typed_and_never_read_as_filters() -> None:
    understanding = understand('"lung NET" near Leeds', VOCABULARY)

    assert seen(understanding) == [(F, "Near Leeds", p("near", "LS1"), ("near Leeds",))]
    assert understanding.text == '"lung NET"'


@pytest.mark.parametrize(
    "q", ["pancreatic NET", "PANCREATIC   net!!!", "Pancreatic-NETs", "pancreatic neuroendocrine tumor", "pNETs"]
)
def test_case_punctuation_plurals_and_us_spelling_do_not_matter(q: str) -> None:
    assert understand(q, VOCABULARY).filter_params() == {"tumour_type": ("pancreatic-net",)}


@pytest.mark.parametrize(
    ("q", "params", "text"),
    [
        ("G2", {"grade": ("G2",)}, ""),  # a grade, not the Glasgow district
        ("near G2", {"near": ("G2",)}, ""),
        ("M1", {}, "M1"),  # also a TNM stage: a place only after "near"
        ("near M1", {"near": ("M1",)}, ""),
        ("vitamin B12", {}, "vitamin B12"),
        ("trials in B15", {"near": ("B15",)}, ""),
        ("M204BX", {"near": ("M20",)}, ""),
        ("XX9 9XX", {}, "XX9 9XX"),  # not a district: left as typed
        ("Leeds", {}, "Leeds"),  # a lone town name needs "near" or "in"
        ("Newcastle", {}, "Newcastle"),
        ("near Newcastle", {"near": ("NE1",)}, ""),
        ("near Stoke", {"near": ("ST1",)}, ""),
        ("Welwyn Garden City", {"near": ("AL8",)}, ""),  # several words: a place without "near"
    ],
)
def test_places_are_postcodes_and_towns_that_cannot_be_anything_else(
    q: str, params: dict[str, tuple[str, ...]], text: str
) -> None:
    understanding = understand(q, VOCABULARY)

    assert understanding.filter_params() == params
    assert understanding.text == text


def test_near_me_is_noted_but_names_no_place() -> None:
    understanding = understand("trials near me", VOCABULARY)

    assert (understanding.items, understanding.near_me, understanding.text) == ((), True, "")


def test_negations_are_noted_and_never_filter() -> None:
    understanding = understand("not pancreas or lung, no chemo or PRRT", VOCABULARY)

    assert understanding.filter_params() == {}
    assert seen(understanding) == [
        (
            NOT,
            "Not started in the pancreas or lung",
            tt("minen", "neuroendocrine-carcinoma", "pancreatic-net", "lung-net"),
            ("not pancreas", "lung"),
        ),
        # "no" stays with PRRT when chemo's choice is removed, so it is not one of chemo's words.
        (NOT, "Not chemotherapy", p("intervention_kind", "chemotherapy"), ("chemo",)),
        (NOT, "Not PRRT (radionuclide therapy)", p("intervention_kind", "prrt"), ("PRRT",)),
    ]


def test_the_results_page_parameters_merge_every_filter_and_leave_out_the_extent() -> None:
    understanding = understand("advanced stomach carcinoid grade 1 or 2 within 25 miles of Birmingham", VOCABULARY)

    assert understanding.filter_params() == {
        "tumour_type": ("stomach-net",),
        "grade": ("G1", "G2"),
        "near": ("B1",),
        "within_miles": ("25",),
    }
    assert understanding.extent() == ("locally_advanced", "metastatic")


def test_interpreted_is_every_item_and_negation_as_plain_data() -> None:
    understanding = understand("trials for NEC after cisplatin near M20", VOCABULARY)

    assert understanding.interpreted() == [
        {
            "kind": "tumour_type",
            "role": "filter",
            "label": "Neuroendocrine carcinoma (NEC)",
            "params": {"tumour_type": ["neuroendocrine-carcinoma"]},
            "words": ["NEC"],
        },
        {
            "kind": "intervention",
            "role": "after",
            "label": "After cisplatin",
            "params": {"intervention": ["cisplatin"]},
            "words": ["after cisplatin"],
        },
        {"kind": "place", "role": "filter", "label": "Near M20", "params": {"near": ["M20"]}, "words": ["near M20"]},
    ]


def test_an_item_exposes_its_kind_and_filter_values() -> None:
    item = understand("within 10 miles of LS1", VOCABULARY).items[0]

    assert isinstance(item, Item)
    assert (item.kind, item.values) == (Kind.PLACE, ("LS1",))
