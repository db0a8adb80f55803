"""Derive the coarse UK outline the maps draw from the postcode district centroids we ship.

    python scripts/uk_outline.py   # rewrites trials/data/uk_outline.json

The outline is a concave hull of `trials/data/uk_outcodes.csv` (ONS/OS, Open Government Licence):
the centroids are stamped on a 4 km grid as discs (closing the gaps between sparse rural
districts), eroded back by the same radius, widened by a few kilometres because the coastal
districts' centroids lie inland, holes filled, then each region's edge is traced and simplified.
The result is a recognisable, deliberately coarse coastline: it locates hospitals and the user's
area on a map, it is not a survey. No network and no dependency beyond the standard library.
"""

from __future__ import annotations

import csv
import json
import math
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTCODES = ROOT / "trials" / "data" / "uk_outcodes.csv"
OUTLINE = ROOT / "trials" / "data" / "uk_outline.json"

CELL_KM = 4.0
CLOSE_KM = 26.0  # gaps narrower than twice this between centroids are land
COAST_KM = 7.0  # how far the coast lies beyond the outermost centroids, roughly
SIMPLIFY_KM = 4.5
MIN_AREA_KM2 = 40.0  # smaller specks are dropped
KM_PER_DEGREE = 111.32
REFERENCE_LATITUDE = 54.5  # the equirectangular projection's standard parallel, mid-UK

Cell = tuple[int, int]
Point = tuple[float, float]


def _points() -> list[Point]:
    """The centroids in kilometres (x east, y north) on the equirectangular projection."""
    scale_x = KM_PER_DEGREE * math.cos(math.radians(REFERENCE_LATITUDE))
    with OUTCODES.open(encoding="utf-8", newline="") as handle:
        return [
            (float(row["longitude"]) * scale_x, float(row["latitude"]) * KM_PER_DEGREE)
            for row in csv.DictReader(handle)
        ]


def _disc(radius_km: float) -> list[Cell]:
    reach = math.ceil(radius_km / CELL_KM)
    return [
        (dx, dy)
        for dx in range(-reach, reach + 1)
        for dy in range(-reach, reach + 1)
        if math.hypot(dx, dy) * CELL_KM <= radius_km
    ]


def _stamp(centres: set[Cell], radius_km: float) -> set[Cell]:
    disc = _disc(radius_km)
    return {(x + dx, y + dy) for x, y in centres for dx, dy in disc}


def _edge(cells: set[Cell]) -> set[Cell]:
    """The cells of `cells` with a neighbour outside it."""
    return {
        (x, y) for x, y in cells if any((x + dx, y + dy) not in cells for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)))
    }


def _outside_edge(cells: set[Cell]) -> set[Cell]:
    """The cells outside `cells` next to one of them."""
    return {
        (x + dx, y + dy)
        for x, y in _edge(cells)
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))
        if (x + dx, y + dy) not in cells
    }


def _land(points: list[Point]) -> set[Cell]:
    centres = {(round(x / CELL_KM), round(y / CELL_KM)) for x, y in points}
    closed = _stamp(centres, CLOSE_KM)
    eroded = closed - _stamp(_outside_edge(closed), CLOSE_KM)
    land = eroded | _stamp(_edge(eroded), COAST_KM) | centres
    return _fill_holes(land)


def _fill_holes(land: set[Cell]) -> set[Cell]:
    """Land plus every cell the sea cannot reach from outside the grid's frame (lakes, gaps)."""
    xs, ys = [x for x, _ in land], [y for _, y in land]
    low_x, high_x, low_y, high_y = min(xs) - 1, max(xs) + 1, min(ys) - 1, max(ys) + 1
    sea: set[Cell] = set()
    queue = deque([(low_x, low_y)])
    while queue:
        x, y = queue.popleft()
        if (x, y) in sea or (x, y) in land or not (low_x <= x <= high_x and low_y <= y <= high_y):
            continue
        sea.add((x, y))
        queue.extend(((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)))
    return {(x, y) for x in range(low_x, high_x + 1) for y in range(low_y, high_y + 1) if (x, y) not in sea}


def _loops(land: set[Cell]) -> list[list[Cell]]:
    """Each region's boundary as a closed loop of grid corners, land on the left.

    Cell (x, y) spans corners (x, y) to (x + 1, y + 1). At a corner where two land cells touch only
    diagonally, the walk turns left, so that they stay two regions.
    """
    outgoing: dict[Cell, list[Cell]] = {}
    for x, y in land:
        for inside, start, end in (
            ((x, y - 1), (x, y), (x + 1, y)),  # south side, walked east
            ((x + 1, y), (x + 1, y), (x + 1, y + 1)),  # east side, walked north
            ((x, y + 1), (x + 1, y + 1), (x, y + 1)),  # north side, walked west
            ((x - 1, y), (x, y + 1), (x, y)),  # west side, walked south
        ):
            if inside not in land:
                outgoing.setdefault(start, []).append(end)
    loops = []
    while outgoing:
        start = next(iter(outgoing))
        loop, previous, current = [start], None, start
        while True:
            ends = outgoing[current]
            if len(ends) == 1 or previous is None:
                end = ends[0]
            else:
                heading = (current[0] - previous[0], current[1] - previous[1])
                left = (-heading[1], heading[0])
                end = next((e for e in ends if (e[0] - current[0], e[1] - current[1]) == left), ends[0])
            ends.remove(end)
            if not ends:
                del outgoing[current]
            previous, current = current, end
            if current == start:
                break
            loop.append(current)
        loops.append(loop)
    return loops


def _simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker on an open polyline."""
    if len(points) < 3:
        return points
    (ax, ay), (bx, by) = points[0], points[-1]
    length = math.hypot(bx - ax, by - ay) or 1e-9
    farthest, index = 0.0, 0
    for i in range(1, len(points) - 1):
        px, py = points[i]
        distance = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
        if distance > farthest:
            farthest, index = distance, i
    if farthest <= tolerance:
        return [points[0], points[-1]]
    return _simplify(points[: index + 1], tolerance)[:-1] + _simplify(points[index:], tolerance)


def _area(points: list[Point]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True))) / 2


def outline() -> list[list[list[float]]]:
    """The UK's regions as polygons of [longitude, latitude] pairs (3 decimals), largest first."""
    scale_x = KM_PER_DEGREE * math.cos(math.radians(REFERENCE_LATITUDE))
    polygons = []
    for loop in _loops(_land(_points())):
        km = [(x * CELL_KM, y * CELL_KM) for x, y in loop]
        # Split the closed loop at its farthest point so that Douglas-Peucker keeps both halves.
        far = max(range(len(km)), key=lambda i: math.dist(km[0], km[i]))
        simplified = _simplify(km[: far + 1], SIMPLIFY_KM)[:-1] + _simplify([*km[far:], km[0]], SIMPLIFY_KM)[:-1]
        if len(simplified) < 3 or _area(simplified) < MIN_AREA_KM2:
            continue
        polygons.append(
            (
                _area(simplified),
                [
                    [round((x - CELL_KM / 2) / scale_x, 3), round((y - CELL_KM / 2) / KM_PER_DEGREE, 3)]
                    for x, y in simplified
                ],
            )
        )
    return [polygon for _area_km2, polygon in sorted(polygons, key=lambda item: -item[0])]


def main() -> None:
    data = {
        "about": (
            "A coarse UK outline derived by scripts/uk_outline.py from the postcode district centroids "
            "in uk_outcodes.csv (ONS/OS data, Open Government Licence v3.0; see SOURCES.md)."
        ),
        "polygons": outline(),
    }
    OUTLINE.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(
        f"{OUTLINE.relative_to(ROOT)}: {len(data['polygons'])} polygons, {sum(len(p) for p in data['polygons'])} points"
    )


if __name__ == "__main__":
    main()
