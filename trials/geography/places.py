"""Where a trial site is: its coordinates, and the key that finds one hospital across trials.

`locate()` picks a site's point in the order of issue 13 (item 3): the centroid of its UK postcode
district when it has a postcode we know (a registry's geoPoint is often only the city centre), else
the registry's geoPoint, else the centroid of its UK town. The point says which it is, so a page can
word a distance as "about" when it is only a town's.

Town centroids are derived when first needed from trials/data/uk_outcodes.csv (ONS/OS data under
the Open Government Licence; see trials/data/SOURCES-places.md): the mean of the centroids of the
postcode districts whose post town it is. A name used by post towns far apart ("Newport" in Gwent,
on the Isle of Wight and in Shropshire) has no centroid, because any one of them would be a guess.
"""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Literal

from trials.geography.postcodes import OUTCODES_FILE, PostcodeError, place_for_postcode

Precision = Literal["postcode", "registry", "town"]

# A post town whose districts lie further than this from their mean names several places: the most
# spread-out real towns (Shetland, Newcastle upon Tyne, London) stay under 40 km, while the
# shared names (Ashford, Bangor, Newport, Richmond, St Ives) are 80 km or more apart.
AMBIGUOUS_TOWN_KM = 50.0
EARTH_RADIUS_KM = 6371.0

# Countries (normalised) whose postcodes and towns the shipped data covers: the UK and the Crown
# dependencies, whose GY, JE and IM districts are in uk_outcodes.csv.
UK_COUNTRIES = frozenset(
    {
        "united kingdom",
        "united kingdom of great britain and northern ireland",
        "uk",
        "gb",
        "gbr",
        "great britain",
        "britain",
        "england",
        "scotland",
        "wales",
        "northern ireland",
        "isle of man",
        "jersey",
        "guernsey",
    }
)

# Words naming an organisation rather than a place, removed from either end of a hospital's name so
# that "The Christie NHS Foundation Trust" and "The Christie" are one hospital.
_ORGANISATION_SUFFIXES = (
    ("nhs", "foundation", "trust"),
    ("nhs", "trust"),
    ("nhs", "ft"),
    ("foundation", "trust"),
    ("nhs",),
)
_HOSPITAL_WORDS = frozenset({"hospital", "hospitals"})


@dataclass(frozen=True)
class Located:
    latitude: float
    longitude: float
    precision: Precision


def normalise_place(text: str) -> str:
    """Return a place name as plain lower-case words: "St. Ives" = "Saint Ives" = "st ives"."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"['\u2019`]", "", text.replace("&", " and "))
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    return " ".join("st" if word == "saint" else word for word in words)


def is_uk(country: str | None) -> bool:
    """Whether a country name is the UK (or a Crown dependency the postcode data covers)."""
    return country is not None and normalise_place(country) in UK_COUNTRIES


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lat2 = math.radians(a[0]), math.radians(b[0])
    half_dlon = math.radians(b[1] - a[1]) / 2
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(half_dlon) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, h)))


@cache
def _town_centroids() -> dict[str, tuple[float, float]]:
    districts: dict[str, list[tuple[float, float]]] = defaultdict(list)
    with OUTCODES_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            point = (float(row["latitude"]), float(row["longitude"]))
            # A district may serve several post towns: "Welwyn, Welwyn Garden City".
            for town in row["town"].split(","):
                if key := normalise_place(town):
                    districts[key].append(point)
    centroids = {}
    for town, points in districts.items():
        mean = (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
        if all(_km(mean, p) <= AMBIGUOUS_TOWN_KM for p in points):
            centroids[town] = (round(mean[0], 5), round(mean[1], 5))
    return centroids


def town_centroid(town: str) -> tuple[float, float] | None:
    """Return the centroid of a UK post town ("Sutton, Surrey" reads as "Sutton"), or None."""
    return _town_centroids().get(normalise_place(town.split(",")[0]))


def _valid_point(point: tuple[float, float] | None) -> tuple[float, float] | None:
    if point is None:
        return None
    lat, lon = float(point[0]), float(point[1])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat, lon) == (0.0, 0.0):
        # (0, 0) is a placeholder some registries write for "unknown", not a place in the sea.
        return None
    return lat, lon


def locate(
    *,
    postcode: str | None,
    town: str | None,
    geo_point: tuple[float, float] | None,
    country: str | None,
) -> Located | None:
    """Return a site's point: its UK postcode's district, else the registry's point, else its UK town.

    `country` None means the source did not say: a postcode is still tried, since a UK postcode's
    shape is distinctive and it must also be in the UK data, but a bare town is not ("Cambridge"
    and "Birmingham" are also in the United States). A known non-UK country uses the registry's
    point only.
    """
    uk, unknown = is_uk(country), country is None or not country.strip()
    if postcode and (uk or unknown):
        try:
            place = place_for_postcode(postcode)
        except PostcodeError:
            pass
        else:
            return Located(place.latitude, place.longitude, "postcode")
    if (point := _valid_point(geo_point)) is not None:
        return Located(point[0], point[1], "registry")
    if town and uk and (centroid := town_centroid(town)) is not None:
        return Located(centroid[0], centroid[1], "town")
    return None


def hospital_match_key(name: str, town: str) -> str:
    """Return the key under which two spellings of one hospital in one town are the same hospital.

    Case, accents, punctuation and apostrophes ("St Thomas'", "St. Thomas's"), "Saint"/"St", a
    leading "The", the word "Hospital", NHS trust words at either end and a trailing ", <town>" do
    not matter; the town does, since "Queen Elizabeth Hospital" is in Birmingham and in Gateshead.
    """
    place = normalise_place(town.split(",")[0])
    segments = [normalise_place(s) for s in re.sub(r"['\u2019`]s\b", "", name).split(",")]
    while len(segments) > 1 and segments[-1] in (place, ""):
        segments.pop()
    words = " ".join(segments).split()
    if words[:1] == ["the"]:
        words = words[1:]
    if words[:1] == ["nhs"]:
        words = words[1:]
    trimmed = True
    while trimmed:
        trimmed = False
        for suffix in _ORGANISATION_SUFFIXES:
            if len(words) > len(suffix) and tuple(words[-len(suffix) :]) == suffix:
                words, trimmed = words[: -len(suffix)], True
                break
    # A possessive or plural "s" is dropped, so "Kings College" is "King's College".
    words = [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words]
    words = [w for w in words if w not in _HOSPITAL_WORDS] or words
    return f"{' '.join(words)}|{place}"
