"""Helpers for the ClinicalTrials.gov import tests: the sample files, a made-up study, running an import."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from tests.conftest import SHARED
from trials.importers.ctgov.reading import read_paths
from trials.importers.ctgov.running import ctgov_import
from trials.importers.report import ImportReport
from trials.record.data import TrialData
from trials.record.writing import trial_to_data
from trials.registry.models import Criterion, Hospital, Intervention, Trial, TrialSite, TumourType

V2 = SHARED / "data" / "ctgov" / "v2"
FLATTENED = SHARED / "data" / "ctgov" / "net-flattened"
TODAY = dt.date(2026, 11, 24)


def run(*paths: Path, publish: bool = False, dry_run: bool = False, today: dt.date = TODAY) -> ImportReport:
    return ctgov_import(batch=read_paths(paths), publish=publish, dry_run=dry_run, today=today)


def record(nct: str) -> TrialData:
    return trial_to_data(Trial.objects.for_detail().get(nct_id=nct))


def history_counts() -> dict[str, int]:
    models = [Trial, Criterion, TrialSite, Intervention, Hospital, TumourType]
    return {m.__name__: m.history.count() for m in models}  # type: ignore[attr-defined]


def net_study(nct: str = "NCT09000001", **modules: Any) -> dict[str, Any]:
    """A complete API v2 study of a (made-up) pancreatic NET trial."""
    study: dict[str, Any] = {
        "protocolSection": {
            "identificationModule": {
                "nctId": nct,
                "orgStudyIdInfo": {"id": "NET-2026-01"},
                "secondaryIdInfos": [{"id": f"2025-{nct[-6:]}-56", "type": "EUDRACT_NUMBER"}],
                "briefTitle": "Lenvatinib for Advanced Pancreatic Neuroendocrine Tumours",
                "officialTitle": "A Phase 2 Study of Lenvatinib in Advanced Pancreatic NET",
                "acronym": "LENPAN",
            },
            "statusModule": {
                "overallStatus": "RECRUITING",
                "startDateStruct": {"date": "2026-03"},
                "completionDateStruct": {"date": "2029"},
                "lastUpdatePostDateStruct": {"date": "2026-10-01"},
            },
            "sponsorCollaboratorsModule": {
                "leadSponsor": {"name": "The Christie NHS Foundation Trust"},
                "collaborators": [{"name": "Eisai"}],
            },
            "descriptionModule": {"briefSummary": "Lenvatinib is tested.", "detailedDescription": "More detail."},
            "conditionsModule": {
                "conditions": ["Pancreatic Neuroendocrine Tumour", "Liver metastases"],
                "keywords": ["pNET", "tyrosine kinase inhibitor"],
            },
            "designModule": {
                "studyType": "INTERVENTIONAL",
                "phases": ["PHASE2"],
                "designInfo": {"primaryPurpose": "TREATMENT"},
            },
            "armsInterventionsModule": {
                "interventions": [
                    {"type": "DRUG", "name": "Lenvima"},
                    {"type": "DRUG", "name": "Xaluritamig", "otherNames": ["AMG 509"]},
                ]
            },
            "eligibilityModule": {
                "eligibilityCriteria": "Inclusion Criteria:\n\n* Grade 1 or 2 pancreatic NET\n* ECOG 0 or 1\n\n"
                "Exclusion Criteria:\n\n* Prior lenvatinib",
                "minimumAge": "18 Years",
                "maximumAge": "75 Years",
                "sex": "FEMALE",
            },
            "contactsLocationsModule": {
                "overallOfficials": [{"name": "Dr A Lamarca", "role": "PRINCIPAL_INVESTIGATOR"}],
                "locations": [
                    {
                        "facility": "The Christie",
                        "status": "RECRUITING",
                        "city": "Manchester",
                        "zip": "M20 4BX",
                        "country": "United Kingdom",
                        "geoPoint": {"lat": 53.4291, "lon": -2.2302},
                    },
                    {"facility": "Royal Free Hospital", "city": "London", "country": "United Kingdom"},
                ],
            },
        },
        "hasResults": False,
    }
    for path, value in modules.items():
        node = study["protocolSection"]
        *parents, last = path.split("__")
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    return study


def write(tmp_path: Path, name: str, data: Any) -> Path:
    (tmp_path / name).write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return Path(name)
