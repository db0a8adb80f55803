"""Where to ask about a trial: its hospitals, nearest first, for the one "nearest site and contact" include.

`trial_sites()` is the presenter behind `templates/includes/site_contact.html`, used by the answer
page of "Could I join?" and by the specialist's matches: one query for a page of trials, each
trial's hospitals recruiting first, then nearest to the patient's area (when known), then by town.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from trials.geography.postcodes import Place, miles_between
from trials.registry.models import TrialSite


@dataclass(frozen=True)
class Site:
    """A hospital taking part in a trial, and how far it is from the patient's area (if known)."""

    hospital: str
    town: str
    postcode: str
    recruiting: bool
    latitude: float | None
    longitude: float | None
    miles: float | None


@dataclass(frozen=True)
class TrialSites:
    """A trial's hospitals in the order to ask them, for the site and contact include."""

    trial_url: str
    sites: list[Site] = field(default_factory=list)

    @property
    def nearest(self) -> Site | None:
        return self.sites[0] if self.sites else None

    @property
    def others(self) -> int:
        return max(len(self.sites) - 1, 0)


def trial_sites(slugs: Sequence[str], place: Place | None) -> dict[str, list[Site]]:
    """Each trial's hospitals (one query): recruiting first, then nearest with a place, then by town and name."""
    rows = TrialSite.objects.filter(trial__slug__in=list(slugs)).values_list(
        "trial__slug",
        "hospital__name",
        "hospital__town",
        "hospital__postcode",
        "recruiting",
        "hospital__latitude",
        "hospital__longitude",
    )
    found: dict[str, list[Site]] = {slug: [] for slug in slugs}
    for slug, name, town, postcode, recruiting, latitude, longitude in rows:
        miles = (
            miles_between(place, latitude, longitude)
            if place is not None and latitude is not None and longitude is not None
            else None
        )
        found[slug].append(Site(name, town, postcode, recruiting, latitude, longitude, miles))
    for sites in found.values():
        sites.sort(key=lambda s: (not s.recruiting, s.miles is None, s.miles or 0.0, s.town, s.hospital))
    return found
