"""Template filters that turn trial and patient data into words."""

from __future__ import annotations

import pytest

from trials.templatetags.trial_text import fact_value, miles, paragraphs


@pytest.mark.parametrize(
    ("value", "fact", "words"),
    [
        ("small_bowel", "primary_site", "Small bowel"),
        ("net", "diagnosis", "Neuroendocrine tumour (NET)"),
        ("G1", "grade", "Grade 1 (G1)"),
        (["lanreotide", "somatostatin_analogue"], "prior_treatments", "lanreotide, somatostatin analogue"),
        ([], "prior_treatments", "None"),
        (True, "carcinoid_syndrome", "Yes"),
        (False, "resectable", "No"),
        (None, "ecog", "–"),
        (2, "ecog", "2"),
    ],
)
def test_a_patient_value_reads_as_words(value: object, fact: str, words: str) -> None:
    assert fact_value(value, fact) == words


@pytest.mark.parametrize(
    ("value", "words"), [(0.4, "less than 1 mile"), (1.2, "about 1 mile"), (155.8, "about 156 miles")]
)
def test_distances_read_as_words(value: float, words: str) -> None:
    assert miles(value) == words


def test_paragraphs_escape_text_and_make_lists() -> None:
    html = paragraphs("Aims <b>now</b>:\n- one & two\n- three\n\nLast.")
    assert html == "<p>Aims &lt;b&gt;now&lt;/b&gt;:</p>\n<ul><li>one &amp; two</li><li>three</li></ul>\n<p>Last.</p>"
