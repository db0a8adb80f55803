"""The drafted UK studies (trials/data/net_trials_uk_draft.json) are valid records over known vocabulary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from trials.geography.places import locate, town_centroid
from trials.geography.postcodes import miles_between, place_for_postcode
from trials.record.parsing import parse_trial

DRAFT_FILE = Path(__file__).resolve().parents[2] / "trials" / "data" / "net_trials_uk_draft.json"
EXTRA_KEYS = {"status_confirmed", "status_source", "uk_sites", "uk_sites_note", "contacts"}


@pytest.fixture(scope="module")
def draft() -> dict[str, Any]:
    drafted: dict[str, Any] = json.loads(DRAFT_FILE.read_text(encoding="utf-8"))
    return drafted


def test_every_drafted_trial_is_a_valid_record(draft: dict[str, Any]) -> None:
    for record in draft["trials"]:
        trial = parse_trial({k: v for k, v in record.items() if k not in EXTRA_KEYS})
        assert trial.slug == record["slug"]
    assert [t["identifiers"]["nct"] or t["identifiers"]["iras"] for t in draft["trials"]] == [
        "NCT04919226",
        "NCT03972488",
        "NCT04711135",
        "NCT06121271",
        "NCT04362436",
        "331942",
    ]


def test_drafted_trials_are_new_to_the_seed(draft: dict[str, Any], seed_bundle: dict[str, Any]) -> None:
    seed_ncts = {t["identifiers"]["nct"] for t in seed_bundle["trials"]} - {""}
    seed_slugs = {t["slug"] for t in seed_bundle["trials"]}
    for record in draft["trials"]:
        assert record["identifiers"]["nct"] not in seed_ncts
        assert record["slug"] not in seed_slugs


def test_drafted_trials_name_only_known_tumour_types_and_interventions(
    draft: dict[str, Any], seed_bundle: dict[str, Any]
) -> None:
    types = {t["slug"] for t in seed_bundle["tumour_types"]}
    interventions = {i["slug"] for i in seed_bundle["interventions"]} | {i["slug"] for i in draft["interventions"]}
    for record in draft["trials"]:
        assert {c["slug"] for c in record["cancer_types"]} <= types
        assert {i["slug"] for i in record["interventions"]} <= interventions


def test_every_drafted_trial_carries_its_status_date_sites_and_contacts(draft: dict[str, Any]) -> None:
    for record in draft["trials"]:
        assert set(record["status_source"]) == {"stated", "by", "date", "url"}
        assert record["status_confirmed"] == record["status_source"]["date"]
        assert isinstance(record["uk_sites"], list)
        assert record["uk_sites"] or record["uk_sites_note"]
        for person in record["contacts"]:
            assert set(person) == {"name", "role", "phone", "email"}


def test_seed_updates_name_seed_trials(draft: dict[str, Any], seed_bundle: dict[str, Any]) -> None:
    seed_slugs = {t["slug"] for t in seed_bundle["trials"]}
    assert {u["slug"] for u in draft["seed_updates"]} <= seed_slugs


def _all_sites(draft: dict[str, Any]) -> list[dict[str, Any]]:
    updates = [u["set"] for u in draft["seed_updates"]]
    return [site for record in [*draft["trials"], *updates] for site in record.get("uk_sites", [])]


def test_uk_sites_with_a_postcode_sit_in_their_postcode_district(draft: dict[str, Any]) -> None:
    sites = [s for s in _all_sites(draft) if s["postcode"]]
    assert [s["hospital"] for s in sites] == ["Royal Free Hospital", "King's College Hospital", "The Christie"]
    for site in sites:
        located = locate(postcode=site["postcode"], town=site["town"], geo_point=None, country="United Kingdom")
        assert located is not None and located.precision == "postcode"
        assert miles_between(place_for_postcode(site["postcode"]), site["latitude"], site["longitude"]) < 2


def test_uk_sites_without_a_postcode_sit_at_their_town_centroid(draft: dict[str, Any]) -> None:
    sites = [s for s in _all_sites(draft) if not s["postcode"]]
    assert [s["hospital"] for s in sites] == [
        "Imperial College Healthcare NHS Trust",
        "University College London Hospitals",
    ]
    for site in sites:
        assert (site["latitude"], site["longitude"]) == town_centroid(site["town"])
