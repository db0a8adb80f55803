"""A real ClinicalTrials.gov record imported, with the suggested rules the import stored."""

from __future__ import annotations

import pytest

from tests.trials.importers.ctgov.studies import V2, run
from trials.registry.models import Trial

# Toca 5 (NCT02576665): "Bone marrow: hemoglobin ≥ 10 g/dL, platelet count ≥ 100,000/mm3, absolute
# neutrophil count ≥ 1,500/ mm3, ..." is one criterion stating several facts.
TOCA = V2 / "get_nct02576665_20260811.json"
BONE_MARROW = "Bone marrow: hemoglobin"


@pytest.fixture
def toca(db: None) -> Trial:
    report = run(TOCA, publish=True)
    assert report.created == 1
    return Trial.objects.get(nct_id="NCT02576665")
