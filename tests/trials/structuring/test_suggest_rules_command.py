"""`manage.py suggest_rules`: JSON lines in, one JSON line per criterion out, vocabulary from the database."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.factories import InterventionFactory
from trials.registry.choices import InterventionKind

pytestmark = pytest.mark.django_db

LABELLED = Path(__file__).resolve().parents[2] / "data" / "criteria_labelled.jsonl"


def write_lines(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "criteria.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*args: str) -> tuple[list[dict[str, Any]], str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("suggest_rules", *args, stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


@pytest.fixture
def everolimus() -> None:
    InterventionFactory(
        slug="everolimus", name="everolimus", kind=InterventionKind.TARGETED_DRUG, synonyms=["Afinitor"]
    )


def test_it_prints_one_line_of_rules_per_criterion_in_order(tmp_path: Path, everolimus: None) -> None:
    path = write_lines(
        tmp_path,
        json.dumps({"id": "a", "kind": "inclusion", "text": "ECOG performance status 0-2"}),
        json.dumps({"id": 2, "kind": "exclusion", "text": "Prior treatment with Afinitor"}),
        json.dumps({"id": "c", "kind": "exclusion", "text": "Untreated or symptomatic brain metastases"}),
        json.dumps(
            {
                "id": "d",
                "kind": "inclusion",
                "text": "Absolute neutrophil count (ANC) >= 1,500/mm^3; Hemoglobin >= 9 g/dL",
            }
        ),
    )

    lines, err = run(str(path))

    assert lines == [
        {"id": "a", "rules": [{"fact": "ecog", "operator": "lte", "value": 2}]},
        {"id": 2, "rules": [{"fact": "prior_treatments", "operator": "includes_any", "value": ["everolimus"]}]},
        {"id": "c", "rules": []},
        {
            "id": "d",
            "rules": [
                {"fact": "anc", "operator": "gte", "value": 1.5},
                {"fact": "haemoglobin", "operator": "gte", "value": 90},
            ],
        },
    ]
    assert err == ""


def test_it_names_only_interventions_the_database_knows(tmp_path: Path) -> None:
    path = write_lines(tmp_path, json.dumps({"id": 1, "kind": "exclusion", "text": "Prior treatment with everolimus"}))

    assert run(str(path))[0] == [{"id": 1, "rules": []}]

    InterventionFactory(slug="everolimus", name="everolimus", kind=InterventionKind.TARGETED_DRUG)

    assert run(str(path))[0] == [
        {"id": 1, "rules": [{"fact": "prior_treatments", "operator": "includes_any", "value": ["everolimus"]}]}
    ]


def test_it_reads_standard_input_when_the_file_is_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    line = json.dumps({"id": "x", "kind": "exclusion", "text": "Pregnant or breast-feeding"})
    monkeypatch.setattr(sys, "stdin", io.StringIO(line + "\n"))

    assert run("-")[0] == [
        {"id": "x", "rules": [{"fact": "pregnant_or_breastfeeding", "operator": "is_true", "value": None}]}
    ]


def test_it_reports_bad_lines_by_number_answers_the_rest_and_fails(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path,
        json.dumps({"id": 1, "kind": "inclusion", "text": "Age ≥ 18 years"}),
        "{not json",
        "",
        json.dumps({"id": 3, "kind": "eligibility", "text": "Age ≥ 18 years"}),
        json.dumps({"id": 4, "text": "Age ≥ 18 years"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": 5, "kind": "exclusion", "text": "Age < 18 years"}),
    )
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="4 bad line"):
        call_command("suggest_rules", str(path), stdout=out, stderr=err)

    assert [json.loads(line) for line in out.getvalue().splitlines()] == [
        {"id": 1, "rules": [{"fact": "age", "operator": "gte", "value": 18}]},
        {"id": 5, "rules": [{"fact": "age", "operator": "lte", "value": 17}]},
    ]
    assert err.getvalue().splitlines() == [
        "line 2: not valid JSON (Expecting property name enclosed in double quotes at column 2)",
        'line 4: "kind" must be "inclusion" or "exclusion", not "eligibility"',
        "line 5: missing kind",
        'line 6: not a JSON object: write {"id": ..., "kind": ..., "text": ...}',
    ]


def test_it_names_a_missing_file() -> None:
    with pytest.raises(CommandError, match=r"No such file: nowhere\.jsonl"):
        call_command("suggest_rules", "nowhere.jsonl", stdout=io.StringIO())


def test_it_explains_each_rule_with_the_words_behind_it(tmp_path: Path) -> None:
    text = "Total bilirubin =< 1.5 x ULN (or =< 3 x ULN in patients with Gilbert's syndrome)"
    path = write_lines(tmp_path, json.dumps({"id": "g", "kind": "inclusion", "text": text}))

    [line] = run("--explain", str(path))[0]

    assert line["rules"] == [{"fact": "bilirubin_uln", "operator": "lte", "value": 3}]
    [evidence] = line["evidence"]
    assert (
        text[evidence["start"] : evidence["end"]] == evidence["words"] == "Total bilirubin =< 1.5 x ULN (or =< 3 x ULN"
    )
    assert evidence["pattern"] == "lab:bilirubin_uln"
    assert "loosest" in evidence["explanation"]


def test_it_scores_the_labelled_set(seeded: None) -> None:
    out = io.StringIO()

    call_command("suggest_rules", "--evaluate", str(LABELLED), stdout=out)

    assert out.getvalue().splitlines() == [
        "469 criteria, 106 expected rules, 102 proposed, 102 correct: precision 1.000, recall 0.962"
    ]
