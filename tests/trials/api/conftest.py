from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import HospitalFactory, InterventionFactory, TrialFactory, TrialSiteFactory, TumourTypeFactory
from trials.registry.choices import Grade, InterventionKind, Phase, Sex, Status, TrialType
from trials.registry.models import Hospital, Trial
from trials.registry.services import trial_refresh_derived

NOW = dt.datetime(2026, 11, 20, 12, 0, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    """Throttle counts live in the cache: start every test with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def make_trial(*, updated_at: dt.datetime | None = None, sites: Iterable[Hospital] = (), **kwargs: Any) -> Trial:
    """A published trial, with its derived search columns refreshed as the services do."""
    trial = TrialFactory(**kwargs)
    for hospital in sites:
        TrialSiteFactory(trial=trial, hospital=hospital)
    trial_refresh_derived(trials=[trial])
    if updated_at is not None:
        Trial.objects.filter(pk=trial.pk).update(updated_at=updated_at)
        trial.refresh_from_db()
    return trial


def ago(days: int) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    """Three published trials that differ in every filter, and a draft that matches them all."""
    pancreatic = TumourTypeFactory(
        slug="pancreatic-net", name="Pancreatic NET", primary_site="pancreas", diagnosis="net"
    )
    any_net = TumourTypeFactory(slug="neuroendocrine-tumour", name="NET, any site", diagnosis="net")
    stomach = TumourTypeFactory(slug="stomach-net", name="Stomach NET", primary_site="stomach", diagnosis="net")
    lenvatinib = InterventionFactory(
        slug="lenvatinib", name="lenvatinib", kind=InterventionKind.TARGETED_DRUG, synonyms=["Lenvima", "E7080"]
    )
    lutathera = InterventionFactory(
        slug="lutetium-dotatate", name="lutetium dotatate", kind=InterventionKind.PRRT, synonyms=["Lutathera"]
    )
    christie = HospitalFactory(
        name="The Christie",
        town="Manchester",
        region="North West",
        postcode="M20 4BX",
        latitude=53.4291,
        longitude=-2.2302,
    )
    royal_free = HospitalFactory(
        name="Royal Free Hospital",
        town="London",
        region="London",
        postcode="NW3 2QG",
        latitude=51.5532,
        longitude=-0.1650,
    )
    alpha = make_trial(
        slug="alpha",
        title="A trial of lenvatinib for pancreatic NETs (ALPHA)",
        acronym="ALPHA",
        status=Status.OPEN,
        phase=Phase.PHASE_2,
        trial_type=TrialType.TREATMENT,
        grades=[Grade.G2, Grade.G1],
        min_age=18,
        max_age=75,
        summary="This trial is looking at lenvatinib for pancreatic NETs that have spread.",
        nct_id="NCT01234567",
        eudract="2015-001467-39",
        cruk_id=15001,
        tumour_types=[pancreatic],
        interventions=[lenvatinib],
        sites=[christie],
        updated_at=ago(1),
    )
    beta = make_trial(
        slug="beta",
        title="A trial of PRRT for NETs that have spread (BETA)",
        acronym="BETA",
        status=Status.CLOSED,
        phase=Phase.PHASE_3,
        trial_type=TrialType.TREATMENT,
        grades=[],
        min_age=None,
        max_age=None,
        sexes=[Sex.FEMALE],
        summary="This trial compared radionuclide therapy with a somatostatin analogue.",
        tumour_types=[any_net],
        interventions=[lutathera],
        sites=[royal_free],
        updated_at=ago(10),
    )
    gamma = make_trial(
        slug="gamma",
        title="A study of a new scan for stomach NETs (GAMMA)",
        acronym="GAMMA",
        status=Status.RESULTS,
        phase=Phase.PHASE_1,
        trial_type=TrialType.DIAGNOSIS,
        grades=[Grade.G3],
        min_age=40,
        max_age=60,
        sexes=[Sex.MALE],
        summary="This study looked at a new scan.",
        tumour_types=[stomach],
        updated_at=ago(30),
    )
    draft = make_trial(
        slug="draft",
        title="A draft trial of lenvatinib for every NET (DRAFT)",
        published=False,
        grades=[],
        summary="lenvatinib",
        tumour_types=[any_net],
        interventions=[lenvatinib],
        sites=[christie],
        cruk_id=15002,
    )
    return {
        "alpha": alpha,
        "beta": beta,
        "gamma": gamma,
        "draft": draft,
        "christie": christie,
        "royal_free": royal_free,
        "lenvatinib": lenvatinib,
        "lutathera": lutathera,
    }


def slugs(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]
