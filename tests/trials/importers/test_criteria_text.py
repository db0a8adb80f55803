"""Splitting a registry's free eligibility text into inclusion and exclusion criteria."""

from __future__ import annotations

from trials.importers.criteria_text import split_criteria


def test_it_splits_criteria_with_headings_in_any_case_bullets_numbers_and_sub_bullets() -> None:
    text = (
        "Patients must be fit.\n\n"
        "KEY INCLUSION CRITERIA\n"
        "1. Age \\>= 18\n"
        "2) Adequate organ function:\n"
        "   * Neutrophils >= 1.5\n"
        "   * Platelets >= 100\n"
        "- Measurable disease by\n"
        "  RECIST 1.1\n\n"
        "exclusion criteria:\n"
        "For women:\n"
        "* Pregnant\n"
        "• Brain metastases\n"
        "* None\n"
    )

    assert split_criteria(text) == [
        ("inclusion", "Patients must be fit."),
        ("inclusion", "Age >= 18"),
        ("inclusion", "Adequate organ function: Neutrophils >= 1.5; Platelets >= 100"),
        ("inclusion", "Measurable disease by RECIST 1.1"),
        ("exclusion", "For women: Pregnant"),
        ("exclusion", "For women: Brain metastases"),
    ]


def test_it_keeps_lines_without_bullets_as_criteria() -> None:
    assert split_criteria("Inclusion Criteria: adults\nECOG 0-1\nExclusion of none") == [
        ("inclusion", "adults"),
        ("inclusion", "ECOG 0-1"),
        ("inclusion", "Exclusion of none"),
    ]
