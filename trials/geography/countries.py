"""A trial's countries: what its registries list, the UK for a CRUK record or an IRAS number, and its sites.

Countries are stored by name as the registries write them (ClinicalTrials.gov and ISRCTN use the
ISO 3166 short names: "United Kingdom", "France", "United States"), with the UK's nations and
other spellings ("England", "UK", "Great Britain") read as "United Kingdom", so one filter option
covers every UK trial.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from trials.geography.places import is_uk
from trials.geography.postcodes import INWARD_RE, OUTWARD_RE, PostcodeError, place_for_postcode

UNITED_KINGDOM = "United Kingdom"
# Cancer Research UK's trial pages list UK trials only.
CRUK_HOST = "cancerresearchuk.org"


def is_uk_source(*, cruk_id: int | None, iras: str, source_url: str) -> bool:
    """Whether the trial's source says it runs in the UK: a CRUK record (by id or page) or an IRAS number."""
    host = urlsplit(source_url).hostname or ""
    return cruk_id is not None or bool(iras) or host == CRUK_HOST or host.endswith("." + CRUK_HOST)


def country_name(text: str) -> str:
    """The stored name of a country as a registry writes it ("" for a blank one)."""
    name = " ".join(text.split())
    return UNITED_KINGDOM if is_uk(name) else name


def _full_uk_postcode(postcode: str) -> bool:
    """Whether `postcode` is a whole UK postcode of a known district ("M20 4BX"; not "M20", not "M5G 2M9")."""
    compact = re.sub(r"\s+", "", postcode).upper()
    if len(compact) < 5 or not (INWARD_RE.match(compact[-3:]) and OUTWARD_RE.match(compact[:-3])):
        return False
    try:
        place_for_postcode(compact)
    except PostcodeError:
        return False
    return True


def hospital_is_uk(*, region: str, postcode: str) -> bool:
    """Whether a hospital is in the UK: its region ends with a UK name, or it has a whole UK postcode."""
    last = region.rpartition(",")[2]
    return is_uk(last) or _full_uk_postcode(postcode)


def trial_countries(
    *, registry_countries: Iterable[str], uk_source: bool, hospitals: Iterable[tuple[str, str]]
) -> list[str]:
    """A trial's countries, sorted: the registry's, the UK when `uk_source`, and the UK for a UK site.

    `hospitals` are the sites' (region, postcode) pairs.
    """
    countries = {name for name in map(country_name, registry_countries) if name}
    if uk_source or any(hospital_is_uk(region=region, postcode=postcode) for region, postcode in hospitals):
        countries.add(UNITED_KINGDOM)
    return sorted(countries)
