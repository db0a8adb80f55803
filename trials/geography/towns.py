"""UK post towns, each with the postcode district a search "near <town>" is measured from.

From the post towns of trials/data/uk_outcodes.csv (a row may name several: "Bradford, Shipley").
A town's point is one of its districts, so it can be sent wherever a postcode is accepted.
"""

from __future__ import annotations

import csv
import math
import re
from collections import defaultdict
from functools import cache

from trials.geography.postcodes import OUTCODES_FILE


@cache
def post_towns() -> dict[str, str]:
    """Every post town's name and its central district's outward code ("Birmingham": "B1")."""
    districts: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
    with OUTCODES_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for name in row["town"].split(","):
                if name.strip():
                    point = (row["outcode"], float(row["latitude"]), float(row["longitude"]))
                    districts[name.strip()].append(point)
    return {name: central_district(rows) for name, rows in districts.items()}


def central_district(rows: list[tuple[str, float, float]]) -> str:
    """The district nearest the mean of a town's districts, among its "1" districts when it has any.

    District 1 is the town centre in most post towns (B1, LS1, M1, NE1); where there is none
    (Cardiff's CF1 is gone), the district nearest the middle of them all stands for the town.
    """
    latitude = sum(row[1] for row in rows) / len(rows)
    longitude = sum(row[2] for row in rows) / len(rows)
    firsts = [row for row in rows if re.fullmatch(r"[A-Z]{1,2}1[A-Z]?", row[0])] or rows
    scale = math.cos(math.radians(latitude))
    return min(firsts, key=lambda row: ((row[1] - latitude) ** 2 + ((row[2] - longitude) * scale) ** 2, row[0]))[0]
