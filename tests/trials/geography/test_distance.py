"""Distance: each trial's nearest site in SQL from every hospital's distance in Python."""

from __future__ import annotations

from typing import Any, cast

import pytest

from tests.factories import HospitalFactory, TrialFactory, TrialSiteFactory
from trials.geography.distance import trial_nearest_sites
from trials.geography.postcodes import distance_miles, miles_between, place_for_postcode
from trials.registry.models import Hospital
from trials.search.filters import Ordering, TrialFilters
from trials.search.matches import trial_search

pytestmark = pytest.mark.django_db


def test_distance_uses_the_nearest_site_and_sorts_unknowns_last() -> None:
    christie = HospitalFactory(name="The Christie", town="Manchester", latitude=53.4291, longitude=-2.2302)
    royal_free = HospitalFactory(name="Royal Free Hospital", town="London", latitude=51.5532, longitude=-0.1657)
    both = TrialFactory(slug="both")
    TrialSiteFactory(trial=both, hospital=christie)
    TrialSiteFactory(trial=both, hospital=royal_free)
    london = TrialFactory(slug="london")
    TrialSiteFactory(trial=london, hospital=royal_free)
    TrialFactory(slug="nowhere")
    manchester = place_for_postcode("M20 4BX")
    # Each row carries the distance_miles annotation, which the Trial model does not declare.
    results: list[Any] = list(trial_search(filters=TrialFilters(near=manchester, ordering=Ordering.DISTANCE)))
    assert [t.slug for t in results] == ["both", "london", "nowhere"]
    nearest = trial_nearest_sites(trial_ids=[results[0].pk], place=manchester)[results[0].pk]
    assert f"{nearest.hospital}, {nearest.town}" == "The Christie, Manchester"
    assert results[0].distance_miles == pytest.approx(0.3, abs=0.3)
    assert results[1].distance_miles == pytest.approx(156, abs=2)
    assert results[2].distance_miles is None
    within = trial_search(filters=TrialFilters(near=manchester, within_miles=50))
    assert [t.slug for t in within] == ["both"]


def test_the_python_distances_equal_the_sql_ones() -> None:
    """Trials' distances use miles_between (per hospital, in Python); a site's use distance_miles (SQL)."""
    points = [(51.5074, -0.1278), (57.1497, -2.0943), (50.3755, -4.1427), (54.5973, -5.9301), (53.4441, -2.2302)]
    hospitals = [HospitalFactory(latitude=lat, longitude=lon) for lat, lon in points]
    place = place_for_postcode("M20 4BX")
    in_sql = dict(
        Hospital.objects.annotate(miles=distance_miles("latitude", "longitude", place)).values_list("pk", "miles")
    )
    for hospital in hospitals:
        assert miles_between(place, cast(float, hospital.latitude), cast(float, hospital.longitude)) == pytest.approx(
            in_sql[hospital.pk], abs=1e-9
        )
    assert in_sql[hospitals[0].pk] == pytest.approx(159, abs=1)  # south Manchester to London
