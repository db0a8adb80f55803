"""Only NET studies are published: every real record in shared/data/ctgov/v2, and edited copies of two."""

from __future__ import annotations

import copy
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.trials.importers.ctgov.studies import V2, run
from trials.importers.conditions import NO_NEUROENDOCRINE_CONDITION
from trials.registry.models import Trial, TumourType

pytestmark = pytest.mark.django_db

# NCT04431453 (a COVID-19 study with sites in Italy, Spain, the UK and the US) as a NET study would
# write it: the condition in US spelling. A new number, so that it is not a copy of the original.
NET_COPY = "NCT09431453"
# Ocular melanoma (NCT06970236), whose MeSH ancestors name "Neuroendocrine Tumors", as MeSH files melanoma.
MELANOMA_COPY = "NCT09970236"


def _study(name: str, index: int = 0) -> dict[str, Any]:
    data = json.loads((V2 / name).read_text(encoding="utf-8"))
    study: dict[str, Any] = data["studies"][index] if "studies" in data else data
    return copy.deepcopy(study)


def _net_copy() -> dict[str, Any]:
    study = _study("NCT04431453.json")
    study["protocolSection"]["identificationModule"]["nctId"] = NET_COPY
    del study["protocolSection"]["identificationModule"]["secondaryIdInfos"]  # the original's EudraCT number
    study["protocolSection"]["conditionsModule"] = {"conditions": ["Neuroendocrine Tumors"]}
    study.pop("derivedSection", None)
    return study


def _melanoma_copy() -> dict[str, Any]:
    study = _study("search_melanoma_recruiting_limit3_20260811.json")
    study["protocolSection"]["identificationModule"]["nctId"] = MELANOMA_COPY
    study["derivedSection"] = {
        "conditionBrowseModule": {
            "meshes": [{"id": "D008545", "term": "Melanoma"}],
            "ancestors": [{"id": "D018358", "term": "Neuroendocrine Tumors"}, {"id": "D009373", "term": "Neoplasms"}],
        }
    }
    return study


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Every v2 file, and the two edited copies."""
    for path in V2.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "net_copy.json").write_text(json.dumps(_net_copy()), encoding="utf-8")
    (tmp_path / "melanoma_copy.json").write_text(json.dumps(_melanoma_copy()), encoding="utf-8")
    return tmp_path


def test_importing_every_record_with_publish_publishes_only_the_net_one(seeded: None, folder: Path) -> None:
    before = set(Trial.objects.values_list("pk", flat=True))
    out = io.StringIO()

    call_command("import_ctgov", str(folder), "--publish", stdout=out)

    imported = Trial.objects.exclude(pk__in=before)
    net = imported.get(nct_id=NET_COPY)
    assert (net.published, net.draft_reason) == (True, "")
    assert [t.slug for t in net.tumour_types.all()] == ["neuroendocrine-tumour"]
    assert net.countries == ["Italy", "Spain", "United Kingdom", "United States"]
    others = imported.exclude(nct_id=NET_COPY)
    assert others.count() == 37
    assert set(others.values_list("published", "draft_reason")) == {(False, NO_NEUROENDOCRINE_CONDITION)}
    assert not others.filter(tumour_types__isnull=False).exists()
    held = [line for line in out.getvalue().splitlines() if line.startswith("Held back as a draft: ")]
    assert len(held) == 37
    assert f"{folder.name}/melanoma_copy.json study (NCT09970236): no neuroendocrine condition" in [
        line.removeprefix("Held back as a draft: ") for line in held
    ]
    assert out.getvalue().splitlines()[-1] == "38 created, 0 updated, 0 unchanged, 0 failed, 37 held back"


def test_a_held_back_study_stays_out_of_every_search_and_facet(seeded: None, folder: Path, client: Any) -> None:
    run(folder / "melanoma_copy.json", publish=True)

    melanoma = Trial.objects.get(nct_id=MELANOMA_COPY)
    assert (melanoma.published, melanoma.tumour_type_coverage) == (False, [])
    assert client.get("/api/v1/trials/", {"q": MELANOMA_COPY}).json()["count"] == 0


def test_a_synonym_an_admin_adds_lets_the_next_import_publish_it(seeded: None, tmp_path: Path) -> None:
    study = _study("NCT04431453.json")
    study["protocolSection"]["conditionsModule"] = {"conditions": ["Kulchitsky Cell Tumour"]}
    path = tmp_path / "lung.json"
    path.write_text(json.dumps(study), encoding="utf-8")
    assert [h.reason for h in run(path, publish=True).held_back] == [NO_NEUROENDOCRINE_CONDITION]

    net = TumourType.objects.get(slug="neuroendocrine-tumour")
    net.synonyms = [*net.synonyms, "Kulchitsky cell tumor"]
    net.save()
    report = run(path, publish=True)

    trial = Trial.objects.get(nct_id="NCT04431453")
    assert (report.held_back, trial.published, trial.draft_reason) == ([], True, "")
    assert [t.slug for t in trial.tumour_types.all()] == ["neuroendocrine-tumour"]


def test_an_admin_published_trial_is_not_unpublished_by_a_reimport(seeded: None, tmp_path: Path) -> None:
    path = tmp_path / "covid.json"
    shutil.copy(V2 / "NCT04431453.json", path)
    run(path)
    Trial.objects.filter(nct_id="NCT04431453").update(published=True, draft_reason="")

    report = run(path, publish=True)

    assert (report.unchanged, report.held_back) == (1, [])
    assert Trial.objects.get(nct_id="NCT04431453").published is True
