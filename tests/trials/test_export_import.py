"""Exporting trials as a TrialSearch bundle and importing it back, losslessly."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import SHARED
from tests.factories import TrialFactory
from trials.registry.drug_classes import DrugClass
from trials.registry.models import Criterion, GlossaryTerm, Hospital, Intervention, Trial, TumourType

pytestmark = pytest.mark.django_db


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export_trials", *args, stdout=out)
    return out.getvalue()


def empty_database() -> None:
    Trial.objects.all().delete()
    for model in (DrugClass, Intervention, Hospital, TumourType, GlossaryTerm):
        model.objects.all().delete()


def test_export_then_import_into_an_empty_database_then_export_is_byte_identical(seeded: None, tmp_path: Path) -> None:
    # Drafts imported from ClinicalTrials.gov (sites, new interventions, registry fields) go too.
    call_command("import_ctgov", str(SHARED / "data" / "ctgov" / "v2" / "NCT02513394.json"), stdout=io.StringIO())
    first = tmp_path / "first.json"
    call_command("export_trials", "--all", "--output", str(first), stderr=io.StringIO())
    empty_database()
    assert not Trial.objects.exists()

    out = io.StringIO()
    call_command("import_trials", str(first), stdout=out)
    second = export("--all")

    assert second == first.read_text(encoding="utf-8")
    bundle = json.loads(second)
    total = sum(
        len(bundle[k]) for k in ("tumour_types", "interventions", "drug_classes", "hospitals", "glossary", "trials")
    )
    assert out.getvalue().splitlines() == [f"{total} created, 0 updated, 0 unchanged, 0 failed"]
    assert Trial.objects.get(nct_id="NCT02513394").published is False


def test_importing_the_same_export_again_changes_nothing(seeded: None, tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(export(), encoding="utf-8")
    history = (Trial.history.count(), Criterion.history.count())
    out = io.StringIO()

    call_command("import_trials", str(path), stdout=out)

    bundle = json.loads(path.read_text(encoding="utf-8"))
    total = sum(
        len(bundle[k]) for k in ("tumour_types", "interventions", "drug_classes", "hospitals", "glossary", "trials")
    )
    assert out.getvalue().splitlines() == [f"0 created, 0 updated, {total} unchanged, 0 failed"]
    assert (Trial.history.count(), Criterion.history.count()) == history


def test_the_export_holds_published_trials_ordered_by_slug_with_the_vocabulary_they_use(seeded: None) -> None:
    TrialFactory(slug="aaa-draft", published=False)

    text = export()
    bundle = json.loads(text)

    assert text.endswith("}\n")
    assert text.startswith('{\n  "format": "trialsearch/1",\n  "tumour_types": [')
    assert list(bundle) == [
        "format",
        "tumour_types",
        "interventions",
        "drug_classes",
        "hospitals",
        "glossary",
        "trials",
    ]
    slugs = [t["slug"] for t in bundle["trials"]]
    assert slugs == sorted(Trial.objects.published().values_list("slug", flat=True))
    assert "aaa-draft" not in slugs
    assert all(t["published"] is True for t in bundle["trials"])
    used = {c["slug"] for t in bundle["trials"] for c in t["cancer_types"]}
    assert [t["slug"] for t in bundle["tumour_types"]] == sorted(used)
    linked = {i["slug"] for t in bundle["trials"] for i in t["interventions"]}
    assert linked <= {i["slug"] for i in bundle["interventions"]}
    assert len(bundle["glossary"]) == GlossaryTerm.objects.count()
    assert "aaa-draft" in [t["slug"] for t in json.loads(export("--all"))["trials"]]


def test_the_export_is_the_same_every_time(seeded: None) -> None:
    assert export("--all") == export("--all")


def bundle_of(*trials: dict[str, Any]) -> dict[str, Any]:
    return {"format": "trialsearch/1", "trials": list(trials)}


def minimal_trial(slug: str, **fields: Any) -> dict[str, Any]:
    return {"slug": slug, "title": f"A trial called {slug}", "status": "open", "trial_type": "treatment", **fields}


def test_import_trials_reports_bad_records_and_imports_the_good_ones(db: None, tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    bad_rule = minimal_trial(
        "bad-rule",
        eligibility={"criteria": [{"kind": "inclusion", "text": "Fit", "rule": {"fact": "ecog", "operator": "zz"}}]},
    )
    path.write_text(
        json.dumps(bundle_of(minimal_trial("good-one"), minimal_trial("no-status", status="maybe"), bad_rule)),
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match=r"^2 record\(s\) failed\.$"):
        call_command("import_trials", str(path), stdout=out, stderr=err)

    assert err.getvalue().splitlines() == [
        "bundle.json trials[1] (no-status): status: 'maybe' is not one of: open, closed, results.",
        "bundle.json trials[2] (bad-rule): eligibility.criteria[0].rule: Unknown operator 'zz'; use one of: "
        "eq, in, not_in, gte, lte, between, is_true, is_false, includes_any, includes_none.",
    ]
    assert out.getvalue().splitlines() == ["1 created, 0 updated, 0 unchanged, 2 failed"]
    # Without "published" a trial is published.
    assert list(Trial.objects.values_list("slug", "published")) == [("good-one", True)]


def test_import_trials_dry_run_writes_nothing(db: None, tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle_of(minimal_trial("good-one", published=False))), encoding="utf-8")
    out = io.StringIO()

    call_command("import_trials", str(path), "--dry-run", stdout=out)

    assert out.getvalue().splitlines() == ["Dry run (nothing written): 1 created, 0 updated, 0 unchanged, 0 failed"]
    assert not Trial.objects.exists()


def test_import_trials_refuses_another_format_and_invalid_json(db: None, tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": "cruk/2", "trials": []}), encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text('{"trials": [', encoding="utf-8")

    for path, line in (
        (other, "other.json file: format 'cruk/2' is not 'trialsearch/1'."),
        (broken, "broken.json file: not valid JSON (Expecting value: line 1 column 13 (char 12))."),
    ):
        err = io.StringIO()
        with pytest.raises(CommandError):
            call_command("import_trials", str(path), stdout=io.StringIO(), stderr=err)
        assert err.getvalue().splitlines() == [line]
