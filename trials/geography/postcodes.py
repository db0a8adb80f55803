"""UK postcodes to points, and great-circle distance (in SQL, and in Python for whole tables).

A full postcode or an outward code ("M20 4BX", "m204bx", "M20") becomes the centroid of its postcode
district, from trials/data/uk_outcodes.csv (ONS/OS data, Open Government Licence; see SOURCES.md).
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.db.models import F, FloatField, Func, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt

from trialsearch.hygiene import echo

OUTCODES_FILE = Path(__file__).resolve().parents[1] / "data" / "uk_outcodes.csv"
EARTH_RADIUS_MILES = 3958.8

# The outward code: area letters, district digits and an optional letter (M1, M20, SW1A, EC1A).
OUTWARD_RE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?$")
INWARD_RE = re.compile(r"^[0-9][A-Z]{2}$")


class PostcodeError(ValueError):
    """A postcode we cannot place; the message is written for the person who typed it."""


@dataclass(frozen=True)
class Place:
    outcode: str
    latitude: float
    longitude: float
    town: str


@cache
def _outcodes() -> dict[str, Place]:
    with OUTCODES_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            row["outcode"]: Place(row["outcode"], float(row["latitude"]), float(row["longitude"]), row["town"])
            for row in csv.DictReader(handle)
        }


def outward_code(text: str) -> str:
    """Return the outward code of a UK postcode or outward code, or raise PostcodeError."""
    compact = re.sub(r"\s+", "", text or "").upper()
    if not compact:
        raise PostcodeError("Enter a postcode, such as M20 4BX, or the first part of one, such as M20.")
    if len(compact) >= 5 and INWARD_RE.match(compact[-3:]) and OUTWARD_RE.match(compact[:-3]):
        return compact[:-3]
    if OUTWARD_RE.match(compact):
        return compact
    raise PostcodeError(f"“{echo(text.strip())}” is not a UK postcode. Enter one such as M20 4BX, or just M20.")


def place_for_postcode(text: str) -> Place:
    """Return the centroid of the postcode's district, or raise PostcodeError."""
    code = outward_code(text)
    place = _outcodes().get(code)
    if place is None:
        raise PostcodeError(f"We could not find the postcode area {code}. Check it, or try a nearby postcode.")
    return place


def distance_miles(latitude_field: str, longitude_field: str, place: Place) -> CombinedExpression | Func:
    """Return a SQL expression for the haversine distance in miles from `place` to a row's point."""
    lat1 = Radians(Value(place.latitude, output_field=FloatField()))
    lat2 = Radians(F(latitude_field))
    half_dlat = (lat2 - lat1) / 2
    half_dlon = (Radians(F(longitude_field)) - Radians(Value(place.longitude, output_field=FloatField()))) / 2
    a = Power(Sin(half_dlat), 2) + Cos(lat1) * Cos(lat2) * Power(Sin(half_dlon), 2)
    # LEAST(1, a) guards asin() against rounding just above 1 for antipodal points.
    return 2 * EARTH_RADIUS_MILES * ASin(Sqrt(Func(Value(1.0), a, function="LEAST", output_field=FloatField())))


def miles_between(place: Place, latitude: float, longitude: float) -> float:
    """The haversine distance in miles from `place` to a point: `distance_miles` in Python."""
    lat1, lat2 = math.radians(place.latitude), math.radians(latitude)
    half_dlat = (lat2 - lat1) / 2
    half_dlon = (math.radians(longitude) - math.radians(place.longitude)) / 2
    a = math.sin(half_dlat) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(half_dlon) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(min(1.0, a)))
