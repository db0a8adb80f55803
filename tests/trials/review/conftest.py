"""A real ClinicalTrials.gov record imported, with the suggested rules the import stored."""

from __future__ import annotations

import pytest

from tests.trials.importers.ctgov.studies import V2, run
from trials.registry.models import Trial
from trials.registry.services import trial_refresh_derived

# Toca 5 (NCT02576665): "Bone marrow: hemoglobin ≥ 10 g/dL, platelet count ≥ 100,000/mm3, absolute
# neutrophil count ≥ 1,500/ mm3, ..." is one criterion stating several facts.
TOCA = V2 / "get_nct02576665_20260811.json"
BONE_MARROW = "Bone marrow: hemoglobin"


@pytest.fixture
def toca(db: None) -> Trial:
    report = run(TOCA, publish=True)
    assert report.created == 1
    # A glioma study names no NET, so the import keeps it a draft (held back); here an admin marks it
    # as open to any NET and publishes it, so that its verdicts are those of its criteria alone.
    trial = Trial.objects.get(nct_id="NCT02576665")
    assert (trial.published, trial.draft_reason) == (False, "no neuroendocrine condition")
    trial.published, trial.draft_reason, trial.any_net = True, "", True
    trial.save()
    trial_refresh_derived(trials=[trial])
    return trial
