"""Distance from a place to trials: every hospital's in Python, each trial's nearest site in SQL.

Per request, every hospital's haversine distance is computed once in Python from the cached
coordinates (`HospitalMiles`) and sent as one array indexed by hospital id; a trial's nearest site
is the minimum of that array over its `site_hospital_ids` (`NearestSiteMiles`), and "within N
miles" is a lookup in an array of booleans (`HasSiteWithin`). No join and no distance formula per
trial site: at 100k trials with 1.5M sites the correlated per-site subquery took 20-40 s, this
takes 0.3 s for every trial. The name of the nearest hospital is looked up for the rows shown
only (`trial_nearest_sites`), with the SQL formula of `postcodes.distance_miles`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db.models import BooleanField, F, FloatField, Func, Value

from trials.geography.postcodes import Place, distance_miles, miles_between
from trials.registry.cache import cached
from trials.registry.models import Hospital, TrialSite


class HospitalMiles:
    """Every hospital's distance from a place, as a list indexed by hospital id (None: no coordinates).

    Computed in Python from the cached hospital coordinates (a few thousand rows), then passed to SQL
    as one array, so a trial's nearest site is `min(miles[id])` over its `site_hospital_ids`: no join
    and no distance formula per trial site (DESIGN.md section 9; docs/architecture.md).
    """

    def __init__(self, place: Place) -> None:
        points = cached("hospital-points", (), _hospital_points)
        self.miles: list[float | None] = [None] * max((pk for pk, _lat, _lon in points), default=0)
        for pk, latitude, longitude in points:
            self.miles[pk - 1] = miles_between(place, latitude, longitude)

    def within(self, miles: float) -> list[bool]:
        """Whether each hospital (by id) is within `miles`."""
        return [value is not None and value <= miles for value in self.miles]

    def nearest_site(self) -> NearestSiteMiles:
        """SQL for a trial's nearest site's distance (None when no site has coordinates)."""
        return NearestSiteMiles(self)

    def has_site_within(self, miles: float) -> HasSiteWithin:
        """SQL for whether one of a trial's sites is within `miles`."""
        return HasSiteWithin(self, miles)


def _hospital_points() -> list[tuple[int, float, float]]:
    rows = Hospital.objects.values_list("pk", "latitude", "longitude")
    return [(pk, lat, lon) for pk, lat, lon in rows if lat is not None and lon is not None]


class ArrayExpression(Func):
    """SQL over an array column and an array parameter: `sql` names them {array} and {values}."""

    sql = ""

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        array, values = (compiler.compile(part) for part in self.get_source_expressions())
        parts = {"array": array, "values": values}
        order = sorted(parts, key=lambda name: self.sql.index("{" + name + "}"))
        # Both parts are compiled expressions, their values passed as parameters.
        return self.sql.format(array=array[0], values=values[0]), [p for name in order for p in parts[name][1]]


class NearestSiteMiles(ArrayExpression):
    """`(SELECT min(miles[id]) FROM unnest(site_hospital_ids) AS id)`: the nearest site's distance."""

    output_field = FloatField()
    sql = "(SELECT min((({values})::double precision[])[hospital_id]) FROM unnest({array}) AS hospital_id)"

    def __init__(self, hospital_miles: HospitalMiles) -> None:
        super().__init__(F("site_hospital_ids"), Value(hospital_miles.miles, output_field=ArrayField(FloatField())))


class HasSiteWithin(ArrayExpression):
    """Whether one of the trial's sites is within the radius: its nearest site is, then.

    A lookup per site in an array of booleans by hospital id (an array overlap with the ids within
    the radius compares every pair: 2.5 times slower at 100k trials).
    """

    output_field = BooleanField()
    sql = "EXISTS (SELECT 1 FROM unnest({array}) AS hospital_id WHERE (({values})::boolean[])[hospital_id])"

    def __init__(self, hospital_miles: HospitalMiles, miles: float) -> None:
        within = hospital_miles.within(miles)
        super().__init__(F("site_hospital_ids"), Value(within, output_field=ArrayField(BooleanField())))


@dataclass(frozen=True)
class NearestSite:
    """The site of a trial closest to a place."""

    hospital: str
    town: str
    miles: float
    latitude: float | None = None  # for a map of the results
    longitude: float | None = None


def trial_nearest_sites(*, trial_ids: Sequence[int], place: Place) -> dict[int, NearestSite]:
    """Each trial's nearest site with coordinates (the one `distance_miles` measures), in one query."""
    if not trial_ids:
        return {}
    rows = (
        TrialSite.objects.filter(trial_id__in=list(trial_ids), hospital__latitude__isnull=False)
        .annotate(miles=distance_miles("hospital__latitude", "hospital__longitude", place))
        .order_by("trial_id", "miles", "hospital__name")
        .distinct("trial_id")
        .values_list(
            "trial_id", "hospital__name", "hospital__town", "miles", "hospital__latitude", "hospital__longitude"
        )
    )
    return {
        trial_id: NearestSite(hospital=name, town=town, miles=miles, latitude=latitude, longitude=longitude)
        for trial_id, name, town, miles, latitude, longitude in rows
    }
