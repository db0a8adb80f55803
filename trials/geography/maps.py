"""Maps drawn on the server: hospitals and the user's area on a coarse UK outline, as inline SVG.

No tiles, no scripts, nothing fetched from elsewhere: the outline is data we ship
(`trials/data/uk_outline.json`, derived by `scripts/uk_outline.py` from the OGL postcode district
centroids), projected equirectangularly (longitude scaled by the cosine of the map's middle
latitude, which at UK latitudes distorts distances by a few per cent at most). The page always
gives the same facts as text beside the map; the map is an aid, never the only way to read them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from trials.geography.postcodes import Place

OUTLINE_FILE = Path(__file__).resolve().parents[1] / "data" / "uk_outline.json"
WIDTH = 400.0  # the SVG's user units across; it scales to the page
# The UK's extent (degrees): a map never shows more than this.
NORTH, SOUTH, WEST, EAST = 61.0, 49.7, -8.8, 2.0
MIN_SPAN = 4.0  # degrees of latitude: even one hospital is shown with enough coast around it to place it
PADDING = 0.25  # of the span, around the points
MOST_TALL = 1.2  # height over width: a tall box is widened rather than made taller
AREA_KM = 4.0  # the radius drawn for the user's postcode district (a district is a few km across)
KM_PER_DEGREE = 111.32


@dataclass(frozen=True)
class MapPoint:
    """A place to mark: `number` matches the text list beside the map."""

    number: int
    label: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Marker:
    number: int
    label: str
    x: float
    y: float


@dataclass(frozen=True)
class AreaCircle:
    label: str
    x: float
    y: float
    r: float


@dataclass(frozen=True)
class SiteMap:
    """What the `includes/uk_map.html` template draws."""

    view_box: str
    width: float
    height: float
    land: str  # the outline as one SVG path
    markers: tuple[Marker, ...]
    area: AreaCircle | None
    marker_radius: float
    font_size: float


@cache
def uk_outline() -> tuple[tuple[tuple[float, float], ...], ...]:
    """The outline's polygons of (longitude, latitude) points."""
    data = json.loads(OUTLINE_FILE.read_text(encoding="utf-8"))
    return tuple(tuple((lon, lat) for lon, lat in polygon) for polygon in data["polygons"])


@dataclass(frozen=True)
class _Box:
    north: float
    south: float
    west: float
    east: float

    @property
    def x_scale(self) -> float:
        """Degrees of longitude are shorter than degrees of latitude by the cosine of the latitude."""
        return math.cos(math.radians((self.north + self.south) / 2))

    @property
    def units_per_degree(self) -> float:
        return WIDTH / ((self.east - self.west) * self.x_scale)

    def project(self, longitude: float, latitude: float) -> tuple[float, float]:
        return (
            round((longitude - self.west) * self.x_scale * self.units_per_degree, 1),
            round((self.north - latitude) * self.units_per_degree, 1),
        )

    @property
    def height(self) -> float:
        return round((self.north - self.south) * self.units_per_degree, 1)


def _box(latitudes: Sequence[float], longitudes: Sequence[float]) -> _Box:
    """The points' bounds, padded, at least MIN_SPAN tall, not too tall for its width, within the UK."""
    middle = (max(latitudes) + min(latitudes)) / 2
    x_scale = math.cos(math.radians(middle))
    lat_span = max(max(latitudes) - min(latitudes), MIN_SPAN / (1 + 2 * PADDING)) * (1 + 2 * PADDING)
    lon_span = max(max(longitudes) - min(longitudes), 0.0) * (1 + 2 * PADDING)
    # Heights and widths compared on the ground (a degree of longitude is x_scale of a latitude one).
    lon_span = max(lon_span, lat_span / MOST_TALL / x_scale)
    lat_span = max(lat_span, lon_span * x_scale / 2)
    lat_span, lon_span = min(lat_span, NORTH - SOUTH), min(lon_span, EAST - WEST)
    centre_lat = min(max(middle, SOUTH + lat_span / 2), NORTH - lat_span / 2)
    centre_lon = (max(longitudes) + min(longitudes)) / 2
    centre_lon = min(max(centre_lon, WEST + lon_span / 2), EAST - lon_span / 2)
    return _Box(
        north=centre_lat + lat_span / 2,
        south=centre_lat - lat_span / 2,
        west=centre_lon - lon_span / 2,
        east=centre_lon + lon_span / 2,
    )


def _path(box: _Box) -> str:
    # box.project() for every point of the outline, its scales worked out once rather than per point.
    x_scale, units = box.x_scale, box.units_per_degree
    west, north = box.west, box.north
    parts = []
    for polygon in uk_outline():
        points = [(round((lon - west) * x_scale * units, 1), round((north - lat) * units, 1)) for lon, lat in polygon]
        parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in points) + "Z")
    return "".join(parts)


def site_map(points: Sequence[MapPoint], area: Place | None = None) -> SiteMap | None:
    """A map of the points and the user's area; None when there is nothing to place."""
    latitudes = [point.latitude for point in points] + ([area.latitude] if area else [])
    longitudes = [point.longitude for point in points] + ([area.longitude] if area else [])
    if not latitudes:
        return None
    box = _box(latitudes, longitudes)
    scale = box.units_per_degree
    # Markers keep a legible size however far the map is zoomed (user units = about pixels).
    radius = 12.0
    markers = tuple(
        Marker(point.number, point.label, *box.project(point.longitude, point.latitude)) for point in points
    )
    circle = None
    if area is not None:
        x, y = box.project(area.longitude, area.latitude)
        r = max(round(AREA_KM / KM_PER_DEGREE * scale, 1), radius * 1.6)
        circle = AreaCircle(f"Your area: {area.outcode}{f' ({area.town})' if area.town else ''}", x, y, r)
    return SiteMap(
        view_box=f"0 0 {WIDTH:g} {box.height:g}",
        width=WIDTH,
        height=box.height,
        land=_path(box),
        markers=markers,
        area=circle,
        marker_radius=radius,
        font_size=14.0,
    )


@dataclass(frozen=True)
class Located:
    """A trial's hospital with coordinates, to be marked (one marker per hospital, however many trials)."""

    hospital: str
    town: str
    latitude: float
    longitude: float
    trial: str
    postcode: str = ""
    miles: float | None = None


@dataclass(frozen=True)
class LegendEntry:
    """A numbered hospital of a map, and the trials it stands for: the map's text equivalent."""

    number: int
    hospital: str
    town: str
    postcode: str
    miles: float | None
    trials: list[str]


def hospitals_map(located: Sequence[Located], area: Place | None) -> tuple[SiteMap | None, list[LegendEntry]]:
    """A map of these hospitals, numbered in order of first appearance, and its legend."""
    entries: dict[tuple[str, str], tuple[LegendEntry, Located]] = {}
    for place in located:
        key = (place.hospital, place.town)
        if key not in entries:
            entry = LegendEntry(len(entries) + 1, place.hospital, place.town, place.postcode, place.miles, [])
            entries[key] = (entry, place)
        entries[key][0].trials.append(place.trial)
    points = [
        MapPoint(entry.number, ", ".join(filter(None, (entry.hospital, entry.town))), p.latitude, p.longitude)
        for entry, p in entries.values()
    ]
    if not points:
        return None, []
    return site_map(points, area), [entry for entry, _place in entries.values()]
