"""A registry's trial site as a hospital with a place, and its contact: shared by every registry's merge.

A site is matched to a stored hospital (hospitals are shared across trials) when both names are one
hospital's (`hospital_match_key`: case, punctuation, "The", "Hospital" and NHS trust words aside) and
they are in the same town or have the same postcode. A matched hospital is used as stored (an admin
may have curated it), given a point if it had none. Otherwise a new one is located by `locate()`: its
UK postcode district's centroid, else the registry's geoPoint, else its UK town's centroid.
"""

from __future__ import annotations

import re
from dataclasses import replace

from django.db.models import Q

from trials.geography.places import hospital_match_key, is_uk, locate, normalise_place
from trials.record.data import ContactData, HospitalData
from trials.record.parsing import is_email
from trials.record.writing import hospital_to_data
from trials.registry.models import Hospital

# A UK postcode inside a registry's zip field ("W6 8RF UK", "m204bx").
UK_POSTCODE_RE = re.compile(r"\b([A-Z]{1,2}[0-9][0-9A-Z]?)\s*([0-9][A-Z]{2})\b")


def clean_postcode(text: str, *, country: str) -> str:
    """A UK postcode as "OUT IN" (found inside the text); any other as given, upper case, at most 10 characters."""
    upper = " ".join(text.upper().split())
    if (is_uk(country) or not country.strip()) and (match := UK_POSTCODE_RE.search(upper)):
        return f"{match.group(1)} {match.group(2)}"
    return upper[:10].strip()


def _same_postcode(a: str, b: str) -> bool:
    return bool(a) and a.replace(" ", "").upper() == b.replace(" ", "").upper()


def site_hospital(
    *, name: str, town: str, region: str, postcode: str, country: str, geo_point: tuple[float, float] | None
) -> HospitalData:
    """The stored hospital this site is, else a new located one (see the module docstring)."""
    name_key = hospital_match_key(name, town).split("|")[0]
    place = normalise_place(town.split(",")[0])
    wanted = Q(name__iexact=name)
    if town:
        wanted |= Q(town__iexact=town)
    if postcode:
        wanted |= Q(postcode__iexact=postcode)
    candidates = Hospital.objects.filter(wanted).order_by("pk")
    point = locate(postcode=postcode or None, town=town, geo_point=geo_point, country=country or None)
    for known in candidates:
        if hospital_match_key(known.name, known.town).split("|")[0] != name_key:
            continue
        if normalise_place(known.town.split(",")[0]) == place or _same_postcode(known.postcode, postcode):
            data = hospital_to_data(known)
            if data.latitude is None and point is not None:
                return replace(data, latitude=point.latitude, longitude=point.longitude)
            return data
    return HospitalData(
        name=name,
        town=town,
        region=region,
        postcode=postcode,
        latitude=point.latitude if point else None,
        longitude=point.longitude if point else None,
    )


def registry_contact(*, name: object, role: str, phone: object = "", email: object = "") -> ContactData | None:
    """A contact as the registry publishes it; an e-mail address our column would refuse is left out."""
    texts = [" ".join(v.split()) if isinstance(v, str) else "" for v in (name, phone, email)]
    name_text, phone_text, email_text = texts[0][:200], texts[1][:60], texts[2][:254]
    if email_text and not is_email(email_text):
        email_text = ""
    if not (name_text or phone_text or email_text):
        return None
    return ContactData(name=name_text, role=role[:200], phone=phone_text, email=email_text)
