"""`load_net_trials`: the NET trials the site starts with, loaded once, idempotently."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import SHARED
from trials.registry.models import Criterion, Intervention, Trial, TrialSite, TumourType

pytestmark = pytest.mark.django_db


def load(**kwargs: Any) -> str:
    out = io.StringIO()
    call_command("load_net_trials", stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue().strip()


def history_rows() -> int:
    return sum(model.history.count() for model in (Trial, Criterion, Intervention, TumourType, TrialSite))


def test_it_loads_every_seeded_trial_published_but_the_one_draft(seed_bundle: dict[str, Any]) -> None:
    load()
    slugs = sorted(t["slug"] for t in seed_bundle["trials"])
    # The UCLH records study recruits no one: it is kept for information, unpublished.
    draft = "uclh-records-study-young-people-adult-type-neuroendocrine-cancers"
    assert sorted(Trial.objects.published().values_list("slug", flat=True)) == [s for s in slugs if s != draft]
    assert list(Trial.objects.filter(published=False).values_list("slug", flat=True)) == [draft]
    assert len(slugs) == 33


def test_the_seed_holds_the_uk_studies_with_dated_statuses_hospitals_and_contacts() -> None:
    load()
    published = Trial.objects.published()

    assert sorted(published.filter(status="open").values_list("acronym", "status_confirmed", "status_source")) == [
        ("", dt.date(2025, 11, 13), "ClinicalTrials.gov, via ClinConnect"),
        ("COMPOSE", dt.date(2023, 9, 13), "ClinicalTrials.gov"),
        ("NETTER-P", None, ""),
    ]
    with_sites = Trial.objects.filter(sites__isnull=False).distinct()
    assert sorted(with_sites.values_list("slug", flat=True)) == [
        "a-study-using-an-app-to-help-people-having-treatment-for-neuroendocrine-tumours",
        "a-trial-chemotherapy-neuroendrocrine-carcinoma-started-any-part-body-except-lungs-net-02",
        "a-trial-looking-everolimus-pasireotide-neuroendocrine-tumours-lung-thymus-luna",
        "artisan-sirt-therasphere-nets-spread-liver",
        "lutathera-unlicensed-uses-lung-thymus-nets-royal-free",
        "uclh-records-study-young-people-adult-type-neuroendocrine-cancers",
    ]
    assert not TrialSite.objects.filter(hospital__latitude__isnull=True).exists()
    app = Trial.objects.get(nct_id="NCT04324502")
    assert list(app.contacts.values_list("name", "phone", "email")) == [
        ("Raj Srirajaskanthan", "0203 299 3255", "r.srirajaskanthan@nhs.net")
    ]
    assert [str(site) for site in app.sites.all()] == ["King's College Hospital, London"]
    netter = Trial.objects.get(acronym="NETTER")
    assert (netter.nct_id, Trial.objects.get(acronym="CLARINET").supported_by) == ("NCT01578239", ["Ipsen"])
    assert "issue 13's brief" in netter.admin_notes


def test_running_it_twice_changes_nothing(seed_bundle: dict[str, Any]) -> None:
    first = load()
    rows = history_rows()
    updated_at = dict(Trial.objects.values_list("slug", "updated_at"))
    second = load()
    total = sum(
        len(seed_bundle[key])
        for key in ("tumour_types", "interventions", "drug_classes", "hospitals", "glossary", "trials")
    )
    assert first == f"NET trials: {total} created, 0 updated, 0 unchanged, 0 failed."
    assert second == f"NET trials: 0 created, 0 updated, {total} unchanged, 0 failed."
    assert history_rows() == rows
    assert dict(Trial.objects.values_list("slug", "updated_at")) == updated_at


def test_it_includes_every_cruk_trial_of_the_reference() -> None:
    load()
    reference = json.loads((SHARED / "reference" / "cruk" / "trials.json").read_text())
    titles = set(Trial.objects.values_list("title", flat=True))
    acronyms = {a.lower() for a in Trial.objects.exclude(acronym="").values_list("acronym", flat=True)}
    missing = [t["id"] for t in reference if t["title"] not in titles and (t["acronym"] or "").lower() not in acronyms]
    assert missing == []


def test_it_includes_the_trials_the_source_page_names() -> None:
    load()
    for name in (
        "axitinib",
        "surufatinib",
        "cabozantinib",
        "pazopanib",
        "lenvatinib",
        "177Lu-edotreotide",
        "telotristat etiprate",
    ):
        assert Trial.objects.filter(interventions__name__iexact=name).exists(), name
    assert (
        Trial.objects.filter(interventions__synonyms__icontains="OPS201").exists()
        or Trial.objects.filter(title__icontains="satoreotide").exists()
    )


def test_seeded_facts_are_the_real_ones() -> None:
    load()
    talent = Trial.objects.get(acronym="TALENT")
    assert (talent.nct_id, talent.eudract, talent.status, talent.phase) == (
        "NCT02678780",
        "2015-001467-39",
        "results",
        "phase_2",
    )
    net02 = Trial.objects.get(nct_id="NCT03837977")
    assert net02.grades == ["G3"]
    assert net02.old_slugs.exists()
    lenvatinib = Intervention.objects.get(slug="lenvatinib")
    assert {"Lenvima", "E7080"} <= set(lenvatinib.synonyms)
    telotristat = Intervention.objects.get(name="telotristat etiprate")
    assert {"Xermelo", "LX1606"} <= set(telotristat.synonyms)


def test_a_file_with_a_bad_record_loads_the_good_ones_and_fails(tmp_path: Any) -> None:
    bundle = {
        "trials": [
            {"slug": "good", "title": "A good trial", "status": "open", "trial_type": "treatment"},
            {"slug": "bad", "title": "A bad trial", "status": "paused", "trial_type": "treatment"},
        ]
    }
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"1 record\(s\) in bundle.json could not be loaded."):
        call_command("load_net_trials", file=path, stdout=io.StringIO(), stderr=err)
    assert (
        err.getvalue().strip() == "bundle.json trials[1] (bad): status: 'paused' is not one of: open, closed, results."
    )
    assert list(Trial.objects.values_list("slug", flat=True)) == ["good"]


def test_an_unreadable_file_is_a_clear_error(tmp_path: Any) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"trials": [')
    with pytest.raises(CommandError, match=r"Cannot read .*broken\.json: Expecting value"):
        call_command("load_net_trials", file=path)
