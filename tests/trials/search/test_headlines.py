"""Highlights of the matching words in the rows shown."""

from __future__ import annotations

import pytest

from tests.factories import TrialFactory
from trials.search.headlines import trial_headlines

pytestmark = pytest.mark.django_db


def test_highlights_mark_the_match_and_escape_the_text() -> None:
    trial = TrialFactory(title="A trial", summary="This <b>trial</b> tests lanreotide & more.")
    headline = trial_headlines(trial_ids=[trial.pk], q="lanreotide")[trial.pk]
    assert "<mark>lanreotide</mark>" in headline
    assert "<b>" not in headline
    assert "&amp;" in headline
