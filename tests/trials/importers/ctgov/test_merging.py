"""Re-importing a study: the registry's fields are updated in place and an admin's edits stay."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.trials.importers.ctgov.studies import TODAY, net_study, record, run, write
from trials.registry.models import Trial, TumourType

pytestmark = pytest.mark.django_db


def test_a_reimport_updates_registry_fields_in_place_and_keeps_an_admins_edits(seeded: None, tmp_path: Path) -> None:
    run(write(tmp_path, "s.json", net_study()))
    trial = Trial.objects.get(nct_id="NCT09000001")
    trial_id = trial.pk
    # An admin curates the imported trial.
    trial.slug = "lenvatinib-for-pancreatic-net"
    trial.published = True
    trial.hospital_visits = "You see the team every 4 weeks."
    trial.grades = ["G1", "G2"]
    trial.save()
    trial.tumour_types.add(TumourType.objects.get(slug="neuroendocrine-tumour"))
    criterion = trial.criteria.get(text="ECOG 0 or 1")
    criterion.rule = {"fact": "ecog", "operator": "lte", "value": 1}
    criterion.save()

    changed = net_study(
        descriptionModule={"briefSummary": "Lenvatinib is tested in a new way."},
        statusModule={"overallStatus": "ACTIVE_NOT_RECRUITING", "startDateStruct": {"date": "2026-03"}},
    )
    report = run(write(tmp_path, "s.json", changed), today=TODAY + dt.timedelta(days=1))

    assert report.summary() == "0 created, 1 updated, 0 unchanged, 0 failed"
    data = record("NCT09000001")
    trial = Trial.objects.get(nct_id="NCT09000001")
    assert trial.pk == trial_id
    # What the registry holds is updated ...
    assert (data.summary, data.status) == ("Lenvatinib is tested in a new way.", "closed")
    assert data.source == "ClinicalTrials.gov record NCT09000001, imported 2026-11-25"
    # ... a key the record no longer gives (the detailed description here) is left alone ...
    assert data.more_about == "More detail."
    # ... and the admin's edits survive.
    assert (data.slug, data.published, data.hospital_visits, data.grades) == (
        "lenvatinib-for-pancreatic-net",
        True,
        "You see the team every 4 weeks.",
        ("G1", "G2"),
    )
    assert [t.slug for t in data.cancer_types] == ["neuroendocrine-tumour", "pancreatic-net"]
    assert [(c.text, c.rule) for c in data.criteria if c.rule] == [
        ("ECOG 0 or 1", {"fact": "ecog", "operator": "lte", "value": 1})
    ]


def test_an_admin_marked_results_is_not_downgraded_to_closed(tmp_path: Path) -> None:
    path = write(tmp_path, "s.json", net_study(statusModule__overallStatus="COMPLETED"))
    run(path)
    Trial.objects.filter(nct_id="NCT09000001").update(status="results")

    assert run(path).unchanged == 1
    assert record("NCT09000001").status == "results"
