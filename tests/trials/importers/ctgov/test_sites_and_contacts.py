"""Registry locations become sites at shared, located hospitals; the trial team's contacts are kept (issue 13, 3-4)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from tests.trials.importers.ctgov.studies import TODAY, V2, net_study, record, run, write
from trials.record.data import ContactData, LocationData
from trials.registry.contacts import TrialContact
from trials.registry.models import Hospital, Trial, TrialSite

pytestmark = pytest.mark.django_db

ALLIANCE = V2 / "NCT02513394.json"  # PALLAS: 437 sites, 16 of them in the UK
SPAIN = V2 / "NCT03475563.json"  # central contacts and a contact at each site
M20 = (53.4251, -2.23167)  # the M20 district's centroid in uk_outcodes.csv


def _site(nct: str, name: str) -> LocationData:
    return next(loc for loc in record(nct).locations if loc.hospital.name == name)


def test_a_uk_site_with_a_postcode_sits_at_its_postcode_district_not_the_registrys_city_centre() -> None:
    run(ALLIANCE)

    christie = _site("NCT02513394", "The Christie NHS Foundation Trust").hospital
    # The registry's geoPoint (53.48095, -2.23743) is Manchester's centre, 4 miles away.
    assert (christie.town, christie.postcode, christie.latitude, christie.longitude) == ("Manchester", "M20 4BX", *M20)
    # "W6 8RF UK" in the registry's zip field is read as the postcode it holds.
    charing_cross = _site("NCT02513394", "Charing Cross Hospital").hospital
    assert (charing_cross.postcode, charing_cross.latitude, charing_cross.longitude) == ("W6 8RF", 51.4925, -0.2311)


def test_a_site_abroad_keeps_the_registrys_point() -> None:
    run(SPAIN)

    hospital = _site("NCT03475563", "Hospital Universitari Parc Taulí").hospital
    assert (hospital.postcode, hospital.latitude, hospital.longitude) == ("08208", 41.54329, 2.10942)


def test_a_uk_site_with_only_a_town_sits_at_the_towns_centroid(tmp_path: Path) -> None:
    truro = {"facility": "Royal Cornwall Hospital", "city": "Truro", "country": "United Kingdom"}
    run(write(tmp_path, "study.json", net_study(contactsLocationsModule__locations=[truro])))

    hospital = _site("NCT09000001", "Royal Cornwall Hospital").hospital
    assert (hospital.latitude, hospital.longitude) == (50.25512, -5.06226)


def test_a_site_is_found_by_distance_from_its_postcode_with_its_name(tmp_path: Path, pancreatic_net: None) -> None:
    christie = {
        "facility": "The Christie NHS Foundation Trust",
        "city": "Manchester",
        "zip": "M20 4BX",
        "country": "United Kingdom",
        "geoPoint": {"lat": 53.48095, "lon": -2.23743},
    }
    elsewhere = {"facility": "Royal Free Hospital", "city": "London", "zip": "NW3 2QG", "country": "United Kingdom"}
    run(
        write(tmp_path, "study.json", net_study(contactsLocationsModule__locations=[elsewhere, christie])), publish=True
    )

    response = APIClient().get("/api/v1/trials/?near=M20%204BX&within_miles=2")

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["nearest_site"] == {
        "hospital": "The Christie NHS Foundation Trust",
        "town": "Manchester",
        "distance_miles": 0.0,
    }


def test_a_site_is_matched_to_the_stored_hospital_of_the_same_name_in_the_same_town() -> None:
    curated = Hospital.objects.create(
        name="The Christie",
        town="Manchester",
        region="North West",
        postcode="M20 4BX",
        latitude=53.4291,
        longitude=-2.2302,
    )

    run(ALLIANCE)

    site = TrialSite.objects.get(trial__nct_id="NCT02513394", hospital__town="Manchester")
    assert site.hospital == curated
    assert Hospital.objects.filter(town="Manchester").count() == 1


def test_hospitals_are_shared_across_trials(tmp_path: Path) -> None:
    run(ALLIANCE)
    christie = {
        "facility": "Christie Hospital NHS Foundation Trust",
        "city": "Manchester",
        "zip": "M20 4BX",
        "country": "United Kingdom",
    }
    run(write(tmp_path, "study.json", net_study(contactsLocationsModule__locations=[christie])))

    [hospital] = Hospital.objects.filter(town="Manchester")
    assert sorted(hospital.trial_sites.values_list("trial__nct_id", flat=True)) == ["NCT02513394", "NCT09000001"]


def test_a_site_recruits_by_its_own_status_only_while_the_trial_is_open(tmp_path: Path) -> None:
    locations = [
        {"facility": "The Christie", "status": "RECRUITING", "city": "Manchester", "zip": "M20 4BX"},
        {"facility": "St James's University Hospital", "status": "NOT_YET_RECRUITING", "city": "Leeds"},
        {"facility": "Royal Free Hospital", "status": "COMPLETED", "city": "London", "zip": "NW3 2QG"},
    ]
    run(write(tmp_path, "open.json", net_study(contactsLocationsModule__locations=locations)))

    assert {loc.hospital.name: loc.recruiting for loc in record("NCT09000001").locations} == {
        "Royal Free Hospital": False,
        "St James's University Hospital": True,
        "The Christie": True,
    }


def test_reimporting_updates_sites_in_place_and_removes_the_ones_the_registry_dropped(tmp_path: Path) -> None:
    christie = {
        "facility": "The Christie",
        "status": "RECRUITING",
        "city": "Manchester",
        "zip": "M20 4BX",
        "country": "United Kingdom",
        "contacts": [{"name": "Research Nurse", "role": "CONTACT", "phone": "0161 446 3000"}],
    }
    royal_free = {"facility": "Royal Free Hospital", "city": "London", "zip": "NW3 2QG", "country": "United Kingdom"}
    run(write(tmp_path, "v1.json", net_study(contactsLocationsModule__locations=[christie, royal_free])))
    kept = TrialSite.objects.get(hospital__name="The Christie")

    christie = {
        **christie,
        "status": "ACTIVE_NOT_RECRUITING",
        "contacts": [{"name": "Trials Unit", "phone": "0161 000"}],
    }
    report = run(
        write(tmp_path, "v2.json", net_study(contactsLocationsModule__locations=[christie])),
        today=TODAY + dt.timedelta(days=1),
    )

    assert report.updated == 1
    [site] = TrialSite.objects.filter(trial__nct_id="NCT09000001")
    assert (site.pk, site.recruiting) == (kept.pk, False)
    assert [(c.name, c.role, c.phone) for c in site.contacts.all()] == [("Trials Unit", "Site contact", "0161 000")]
    # The dropped site's hospital stays: other trials may use it.
    assert Hospital.objects.filter(name="Royal Free Hospital").exists()


def test_central_contacts_and_officials_are_kept_as_published() -> None:
    run(SPAIN)

    assert record("NCT03475563").contacts == (
        ContactData(name="Imanol Otaegui, MD", role="Trial contact", phone="+342746155", email="iotaegui@vhebron.net"),
        ContactData(name="Imanol Otaegui", role="Trial contact"),
        ContactData(
            name="Imanol Otaegui, MD",
            role="Principal investigator, Hospital Universitari Vall d'hebron Barcelona, Spain",
        ),
    )
    assert _site("NCT03475563", "Hospital Universitari Parc Taulí").contact == ContactData(
        name="Eduard Bosch, MD", role="Site contact"
    )


def test_an_email_address_the_column_would_refuse_is_left_out(tmp_path: Path) -> None:
    contacts = [{"name": "Trial office", "role": "CONTACT", "phone": "0161 446 3000", "email": "trials at christie"}]
    run(write(tmp_path, "study.json", net_study(contactsLocationsModule__centralContacts=contacts)))

    assert record("NCT09000001").contacts == (
        ContactData(name="Trial office", role="Trial contact", phone="0161 446 3000"),
        ContactData(name="Dr A Lamarca", role="Principal investigator"),
    )


def test_importing_contacts_again_changes_nothing() -> None:
    run(SPAIN)
    before = (TrialContact.history.count(), TrialSite.history.count())

    report = run(SPAIN, today=TODAY + dt.timedelta(days=2))

    assert (report.unchanged, report.updated) == (1, 0)
    assert (TrialContact.history.count(), TrialSite.history.count()) == before
    assert Trial.objects.get(nct_id="NCT03475563").contacts.count() == 6
