"""Suggested rules: stored by every import, counted only once an admin accepts them."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.conftest import SHARED
from tests.trials.importers.ctgov.studies import run
from tests.trials.review.conftest import BONE_MARROW, TOCA
from trials.eligibility.engine import Verdict
from trials.eligibility.patient import PatientFacts
from trials.eligibility.ranking import RankedTrials
from trials.registry.cache import generation as current_generation
from trials.registry.models import Criterion, Trial
from trials.review.models import RuleSuggestion, SuggestionState
from trials.review.services import (
    ReviewError,
    suggestion_accept,
    suggestion_reject,
    trial_suggestions_accept_all,
    trial_suggestions_refresh,
)

ADULT = {"age": 60, "sex": "female"}
ANC = {"fact": "anc", "operator": "gte", "value": 1.5}


def verdict(trial: Trial, **facts: Any) -> Any:
    return RankedTrials(PatientFacts.from_dict({**ADULT, **facts}), slugs=[trial.slug])[0]


def proposals(trial: Trial) -> list[tuple[str, dict[str, Any], str]]:
    rows = RuleSuggestion.objects.filter(criterion__trial=trial).order_by("criterion__position", "start")
    return [(s.state, s.rule, s.words) for s in rows]


def anc_suggestion(trial: Trial) -> RuleSuggestion:
    return RuleSuggestion.objects.get(criterion__trial=trial, rule__fact="anc")


def test_importing_a_real_record_stores_its_suggestions_and_applies_none(toca: Trial) -> None:
    bone_marrow = [s for s in proposals(toca) if s[2].startswith(("hemoglobin", "platelet", "absolute", "estimated"))]
    assert bone_marrow == [
        ("proposed", {"fact": "haemoglobin", "operator": "gte", "value": 100}, "hemoglobin ≥ 10 g/dL"),
        ("proposed", {"fact": "platelets", "operator": "gte", "value": 100}, "platelet count ≥ 100,000/mm3"),
        ("proposed", ANC, "absolute neutrophil count ≥ 1,500/ mm3"),
        (
            "proposed",
            {"fact": "creatinine_clearance", "operator": "gte", "value": 50},
            "estimated glomerular filtration rate (Cockcroft-Gault) ≥ 50 mL/min",
        ),
    ]
    assert not Criterion.objects.filter(trial=toca, rule__isnull=False).exists()
    suggestion = anc_suggestion(toca)
    assert suggestion.text[suggestion.start : suggestion.end] == suggestion.words


def test_a_suggestion_does_not_count_until_accepted(toca: Trial) -> None:
    before = verdict(toca, anc=1.2)
    assert before.verdict is Verdict.LIKELY_ELIGIBLE  # no criterion has a rule yet
    assert before.not_met == []

    suggestion_accept(suggestion=anc_suggestion(toca), user=None)

    after = verdict(toca, anc=1.2)
    assert after.verdict is Verdict.NOT_ELIGIBLE
    assert [(c.fact, c.reason) for c in after.not_met] == [
        ("anc", "Your neutrophil count (ANC) is 1.2 ×10⁹/L; this trial needs at least 1.5 ×10⁹/L.")
    ]
    assert BONE_MARROW in after.not_met[0].text
    unknown = verdict(toca)
    assert unknown.verdict is Verdict.POSSIBLY_ELIGIBLE
    assert "anc" in unknown.missing_facts
    assert (
        "What is my neutrophil count (ANC)?"
        in RankedTrials(PatientFacts.from_dict(ADULT), slugs=[toca.slug]).questions()
    )
    assert verdict(toca, anc=1.5).not_met == []


def test_accepting_writes_through_the_services_with_history_and_a_new_generation(toca: Trial, staff_user: Any) -> None:
    generation = current_generation()
    suggestion = anc_suggestion(toca)

    suggestion_accept(suggestion=suggestion, user=staff_user)

    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.applied_rule, suggestion.reviewed_by) == ("accepted", ANC, staff_user)
    criterion = Criterion.objects.get(pk=suggestion.criterion_id)
    assert criterion.rule == ANC
    assert criterion.history.first().rule == ANC
    assert current_generation() != generation
    toca.refresh_from_db()
    assert toca.rule_keys == ['inclusion {"fact":"anc","operator":"gte","value":1.5}']


def test_several_rules_of_one_criterion_become_rows_with_its_text_and_survive_a_reimport(toca: Trial) -> None:
    criterion_id = anc_suggestion(toca).criterion_id
    assert (
        trial_suggestions_accept_all(trial=toca, user=None)
        == RuleSuggestion.objects.filter(criterion__trial=toca).count()
    )
    rows = list(Criterion.objects.filter(trial=toca, text__startswith="Patient has adequate organ function"))
    assert [(row.rule or {}).get("fact") for row in rows] == ["haemoglobin", "platelets", "anc", "creatinine_clearance"]
    assert rows[0].pk == criterion_id

    assert run(TOCA, publish=True).unchanged == 1
    again = list(Criterion.objects.filter(trial=toca, text__startswith="Patient has adequate organ function"))
    assert [(row.pk, row.rule) for row in again] == [(row.pk, row.rule) for row in rows]
    assert verdict(toca, anc=1.2, platelets=50).verdict is Verdict.NOT_ELIGIBLE
    assert {c.fact for c in verdict(toca, anc=1.2, platelets=50).not_met} == {"anc", "platelets"}


def test_a_rejected_suggestion_never_counts_and_is_not_proposed_again(toca: Trial, staff_user: Any) -> None:
    suggestion = anc_suggestion(toca)
    suggestion_reject(suggestion=suggestion, user=staff_user)

    assert verdict(toca, anc=1.2).not_met == []
    assert trial_suggestions_refresh(trial=toca).proposed == 0
    call_command("structure_criteria", toca.slug, stdout=io.StringIO())
    assert RuleSuggestion.objects.filter(criterion__trial=toca, rule__fact="anc").count() == 1
    trial_suggestions_accept_all(trial=toca, user=staff_user)
    assert verdict(toca, anc=1.2).not_met == []
    suggestion.refresh_from_db()
    assert suggestion.state == "rejected"
    with pytest.raises(ReviewError, match="already rejected"):
        suggestion_accept(suggestion=suggestion, user=staff_user)


def test_an_edited_rule_is_the_one_that_counts(toca: Trial, staff_user: Any) -> None:
    suggestion = anc_suggestion(toca)
    suggestion_accept(suggestion=suggestion, user=staff_user, rule={**ANC, "value": 1.0})

    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.rule, suggestion.applied_rule) == ("edited", ANC, {**ANC, "value": 1.0})
    assert verdict(toca, anc=1.2).not_met == []
    assert verdict(toca, anc=0.9).verdict is Verdict.NOT_ELIGIBLE


def test_a_bad_edited_rule_is_refused_and_nothing_is_written(toca: Trial, staff_user: Any) -> None:
    suggestion = anc_suggestion(toca)
    with pytest.raises(ReviewError, match="between 0 and 100"):
        suggestion_accept(suggestion=suggestion, user=staff_user, rule={**ANC, "value": 1500})
    suggestion.refresh_from_db()
    assert suggestion.state == "proposed"
    assert not Criterion.objects.filter(trial=toca, rule__isnull=False).exists()


def test_structuring_again_is_idempotent_and_a_changed_text_gets_fresh_proposals(toca: Trial) -> None:
    count = RuleSuggestion.objects.filter(criterion__trial=toca).count()
    assert trial_suggestions_refresh(trial=toca).proposed == 0
    assert RuleSuggestion.objects.filter(criterion__trial=toca).count() == count

    criterion = anc_suggestion(toca).criterion
    criterion.text = "Absolute neutrophil count ≥ 2,000/mm3."
    criterion.save()
    report = trial_suggestions_refresh(trial=toca)

    assert (report.proposed, report.withdrawn) == (1, 4)
    states = dict(RuleSuggestion.objects.filter(criterion=criterion).values_list("words", "state"))
    assert states["absolute neutrophil count ≥ 1,500/ mm3"] == SuggestionState.WITHDRAWN
    assert states["Absolute neutrophil count ≥ 2,000/mm3"] == SuggestionState.PROPOSED
    stale = RuleSuggestion.objects.get(criterion=criterion, words="absolute neutrophil count ≥ 1,500/ mm3")
    with pytest.raises(ReviewError, match="already withdrawn"):
        suggestion_accept(suggestion=stale, user=None)


def test_the_command_structures_existing_trials(seeded: None) -> None:
    out = io.StringIO()
    call_command("structure_criteria", stdout=out)
    first = RuleSuggestion.objects.count()
    assert first > 0
    assert out.getvalue().startswith(f"{first} rule(s) proposed, 0 withdrawn")
    call_command("structure_criteria", stdout=out)
    assert RuleSuggestion.objects.count() == first
    # A rule a seeded criterion already holds is never proposed for it.
    for suggestion in RuleSuggestion.objects.select_related("criterion"):
        assert suggestion.rule != suggestion.criterion.rule


def test_importing_an_isrctn_record_stores_its_suggestions(db: None) -> None:
    path = SHARED / "data" / "isrctn" / "record_ISRCTN38597726_gefapixant.xml"
    call_command("import_isrctn", str(path), stdout=io.StringIO())

    trial = Trial.objects.get(isrctn="ISRCTN38597726")
    assert proposals(trial) == [
        ("proposed", {"fact": "age", "operator": "between", "value": [18, 75]}, "18-75 years"),
        (
            "proposed",
            {"fact": "pregnant_or_breastfeeding", "operator": "is_true", "value": None},
            "Pregnancy/breastfeeding",
        ),
    ]
    assert not Criterion.objects.filter(trial=trial, rule__isnull=False).exists()


def test_the_trial_page_and_record_show_a_criterion_with_several_rules_once(client: Client, toca: Trial) -> None:
    trial_suggestions_accept_all(trial=toca, user=None)

    page = client.get(toca.get_absolute_url()).content.decode()
    record = client.get(reverse("api:trial-detail", kwargs={"slug": toca.slug})).json()

    assert page.count("Bone marrow: hemoglobin") == 1
    assert sum("Bone marrow: hemoglobin" in text for text in record["who_can_enter"]) == 1


def test_a_registry_text_change_withdraws_the_old_proposals_keeps_the_decisions_and_proposes_afresh(
    toca: Trial, staff_user: Any, tmp_path: Path
) -> None:
    anc = anc_suggestion(toca)
    suggestion_accept(suggestion=anc, user=staff_user)
    study = json.loads(TOCA.read_text(encoding="utf-8"))
    eligibility = study["protocolSection"]["eligibilityModule"]
    eligibility["eligibilityCriteria"] = eligibility["eligibilityCriteria"].replace(
        "absolute neutrophil count ≥ 1,500/ mm3", "absolute neutrophil count ≥ 1,000/ mm3"
    )
    changed = tmp_path / "toca.json"
    changed.write_text(json.dumps(study), encoding="utf-8")

    assert run(changed, publish=True).updated == 1

    criterion = Criterion.objects.get(pk=anc.criterion_id)  # the same row, with the registry's new text
    assert "≥ 1,000/ mm3" in criterion.text
    assert criterion.rule is None  # the accepted rule was for the old text
    states = sorted(RuleSuggestion.objects.filter(criterion=criterion).values_list("state", "words"))
    assert states == [
        ("accepted", "absolute neutrophil count ≥ 1,500/ mm3"),
        ("proposed", "absolute neutrophil count ≥ 1,000/ mm3"),
        ("proposed", "estimated glomerular filtration rate (Cockcroft-Gault) ≥ 50 mL/min"),
        ("proposed", "hemoglobin ≥ 10 g/dL"),
        ("proposed", "platelet count ≥ 100,000/mm3"),
        ("withdrawn", "estimated glomerular filtration rate (Cockcroft-Gault) ≥ 50 mL/min"),
        ("withdrawn", "hemoglobin ≥ 10 g/dL"),
        ("withdrawn", "platelet count ≥ 100,000/mm3"),
    ]
    assert verdict(toca, anc=1.2).not_met == []
