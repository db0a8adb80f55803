"""Map a ClinicalTrials.gov study's locations and contacts (`RegistrySite`, `ContactData`), with no database access.

A location becomes a site named by its facility (else "Study site in <town>"), with its own status,
its geoPoint when in range, a postcode read by `trials.importers.sites.clean_postcode()`, and its
first published contact; copies of one site (same name, town and postcode) are one. Contacts keep
their role in words (and affiliation), phone (with extension) and e-mail. `trials.importers.ctgov.mapping`
calls these for the study's sites, its countries and its central contacts and officials.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from trials.geography.countries import country_name
from trials.importers.ctgov.reading import StudyReader, code_words, cut, one_line
from trials.importers.sites import clean_postcode, registry_contact
from trials.record.data import ContactData

LOCATIONS = "protocolSection.contactsLocationsModule.locations"


@dataclass(frozen=True)
class RegistrySite:
    """A study location as the registry gives it, with its own status and its first published contact."""

    name: str
    town: str = ""
    region: str = ""
    postcode: str = ""
    country: str = ""
    geo_point: tuple[float, float] | None = None
    status: str = ""
    contact: ContactData | None = None


def location_countries(s: StudyReader) -> tuple[str, ...] | None:
    """The countries of the study's locations, in order, each once (None when it lists no locations)."""
    entries = s.objects(LOCATIONS)
    if entries is None:
        return None
    names = (country_name(c) for entry in entries if isinstance((c := entry.get("country")), str))
    return tuple(dict.fromkeys(name for name in names if name))


def map_locations(s: StudyReader) -> list[RegistrySite] | None:
    entries = s.objects(LOCATIONS)
    if entries is None:
        return None
    locations: dict[tuple[str, str, str], RegistrySite] = {}
    for entry in entries:
        texts = {k: one_line(v) if isinstance((v := entry.get(k)), str) else "" for k in _LOCATION_KEYS}
        place = texts["city"] or texts["state"] or texts["country"]
        name = texts["facility"] or (f"Study site in {place}" if place else "")
        if not name:
            continue
        latitude, longitude = _coordinates(entry.get("geoPoint"))
        contacts = entry.get("contacts")
        site = RegistrySite(
            name=cut(name, 200),
            town=cut(texts["city"], 100),
            region=cut(", ".join(t for t in (texts["state"], texts["country"]) if t), 100),
            postcode=clean_postcode(texts["zip"], country=texts["country"]),
            country=texts["country"],
            geo_point=(latitude, longitude) if latitude is not None and longitude is not None else None,
            status=texts["status"],
            contact=next(iter(map_contacts(contacts if isinstance(contacts, list) else [], "Site contact")), None),
        )
        locations.setdefault((site.name, site.town, site.postcode), site)
    return list(locations.values())


ROLE_WORDS = {
    "PRINCIPAL_INVESTIGATOR": "Principal investigator",
    "SUB_INVESTIGATOR": "Sub-investigator",
    "STUDY_CHAIR": "Study chair",
    "STUDY_DIRECTOR": "Study director",
}


def map_contacts(entries: list[Any], default_role: str) -> list[ContactData]:
    """Contacts as published: name, role (and affiliation), phone (with extension) and e-mail."""
    found = []
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        role = str(entry.get("role") or "")
        words = ROLE_WORDS.get(role, code_words(role)) if role not in ("", "CONTACT") else default_role
        if isinstance(affiliation := entry.get("affiliation"), str) and affiliation.strip():
            words = f"{words}, {one_line(affiliation)}"
        phone = entry.get("phone") if isinstance(entry.get("phone"), str) else ""
        if phone and isinstance(ext := entry.get("phoneExt"), str) and ext.strip():
            phone = f"{phone} ext. {ext.strip()}"
        contact = registry_contact(name=entry.get("name"), role=words, phone=phone, email=entry.get("email"))
        if contact is not None and contact not in found:
            found.append(contact)
    return found


_LOCATION_KEYS = ("facility", "city", "state", "zip", "country", "status")


def _coordinates(point: Any) -> tuple[float | None, float | None]:
    """Return (latitude, longitude) from a geoPoint, or (None, None) when absent or out of range."""
    if not isinstance(point, Mapping):
        return None, None
    values = [point.get("lat"), point.get("lon")]
    numbers = [float(v) for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if len(numbers) != 2:
        return None, None
    lat, lon = numbers
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lat, lon
