"""Maps drawn on the server: the UK outline, hospitals and the user's area, projected into SVG units."""

from __future__ import annotations

import re

import pytest

from trials.geography.maps import WIDTH, MapPoint, site_map, uk_outline
from trials.geography.postcodes import place_for_postcode

CHRISTIE = MapPoint(1, "The Christie, Manchester", 53.4291, -2.2302)
ROYAL_FREE = MapPoint(2, "Royal Free Hospital, London", 51.5532, -0.1667)
GARTNAVEL = MapPoint(3, "Gartnavel General Hospital, Glasgow", 55.8797, -4.302)


def view_size(view_box: str) -> tuple[float, float]:
    _x, _y, width, height = (float(part) for part in view_box.split())
    return width, height


def test_the_outline_covers_great_britain_northern_ireland_and_the_islands() -> None:
    polygons = uk_outline()
    longitudes = [lon for polygon in polygons for lon, _lat in polygon]
    latitudes = [lat for polygon in polygons for _lon, lat in polygon]
    assert len(polygons) >= 5  # Great Britain, Northern Ireland, and islands
    assert min(latitudes) < 50.0 and max(latitudes) > 59.0  # the Channel Islands to Orkney and Shetland
    assert min(longitudes) < -7.5 and max(longitudes) > 1.5  # Fermanagh to East Anglia
    assert max(len(polygon) for polygon in polygons) < 400  # coarse: a page carries it inline


def test_nothing_to_place_gives_no_map() -> None:
    assert site_map([]) is None


@pytest.mark.parametrize("points", [[CHRISTIE], [CHRISTIE, ROYAL_FREE], [CHRISTIE, ROYAL_FREE, GARTNAVEL]])
def test_every_marker_and_the_area_fall_inside_the_map(points: list[MapPoint]) -> None:
    area = place_for_postcode("NW3 2QG")
    drawn = site_map(points, area)
    assert drawn is not None
    width, height = view_size(drawn.view_box)
    assert width == WIDTH
    for marker in drawn.markers:
        assert 0 < marker.x < width and 0 < marker.y < height, marker
    assert drawn.area is not None
    assert 0 < drawn.area.x < width and 0 < drawn.area.y < height
    assert drawn.area.label == "Your area: NW3 (London)"
    assert [(m.number, m.label) for m in drawn.markers] == [(p.number, p.label) for p in points]


def test_north_is_up_and_east_is_right() -> None:
    drawn = site_map([CHRISTIE, ROYAL_FREE, GARTNAVEL])
    assert drawn is not None
    christie, royal_free, gartnavel = drawn.markers
    assert gartnavel.y < christie.y < royal_free.y
    assert gartnavel.x < christie.x < royal_free.x


def test_distances_keep_their_proportions_east_west_and_north_south() -> None:
    # Manchester to London is about 163 miles: 1.88 degrees of latitude and 2.06 of longitude.
    drawn = site_map([CHRISTIE, ROYAL_FREE])
    assert drawn is not None
    christie, royal_free = drawn.markers
    north_south = royal_free.y - christie.y
    east_west = royal_free.x - christie.x
    # At about 52.5 degrees north a degree of longitude is cos(52.5) = 0.61 of a degree of latitude.
    assert east_west / north_south == pytest.approx((2.0635 * 0.6088) / 1.8759, rel=0.05)


def test_a_single_hospital_is_shown_with_its_region_not_alone() -> None:
    drawn = site_map([CHRISTIE])
    assert drawn is not None
    width, height = view_size(drawn.view_box)
    assert 0.5 <= height / width <= 1.5
    # Some coast is in view: the outline has points inside the box.
    inside = [
        (float(x), float(y))
        for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", drawn.land)
        if 0 <= float(x) <= width and 0 <= float(y) <= height
    ]
    assert len(inside) > 10
