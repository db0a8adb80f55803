"""The public HTML pages: home, search results, the trial page, the feed and the about page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from trials.geography.countries import UNITED_KINGDOM
from trials.geography.maps import MapPoint, SiteMap, site_map
from trials.geography.postcodes import Place, PostcodeError, place_for_postcode
from trials.pages.params import ANYWHERE, default_ordering, query_string, search_form, uk_only, understood_chips
from trials.pages.sections import open_first_results, open_trials_map
from trials.record.data import PartialDate
from trials.registry import glossary, selectors
from trials.registry.choices import Status
from trials.registry.freshness import status_check
from trials.registry.models import TrialSite
from trials.search.facets import facet_options, intervention_counts, trial_facets
from trials.search.filters import FACETS, Ordering, TrialFilters
from trials.search.selector import NumberedPage

PAGE_SIZE = 20
FACET_LEGENDS = {
    "status": "Trial status",
    "tumour_type": "Type of tumour",
    "grade": "Grade",
    "intervention_kind": "Kind of treatment",
    "phase": "Phase",
    "trial_type": "Trial type",
    "sex": "Sex",
    "country": "Country",
}
DISTANCES = [10, 25, 50, 100, 200]


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int | None
    checked: bool


@dataclass(frozen=True)
class FacetGroup:
    name: str
    legend: str
    options: list[FacetOption]


@dataclass(frozen=True)
class HomeLink:
    """A link on the home page: how many trials are open now, and how many in all."""

    value: str
    label: str
    open: int
    total: int


def _open_first(links: list[HomeLink]) -> list[HomeLink]:
    return sorted(links, key=lambda link: link.open == 0)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    # The counts of the pages the links open: UK trials (trials.pages.params.search_form).
    uk = (UNITED_KINGDOM,)
    everything, open_now = TrialFilters(country=uk), TrialFilters(status=(Status.OPEN,), country=uk)
    options = facet_options()
    tumour_counts = trial_facets(filters=everything, options=options)["tumour_type"]
    open_tumour_counts = trial_facets(filters=open_now, options=options)["tumour_type"]
    open_treatments = {
        option.slug: option.trials for option in intervention_counts(filters=open_now, treatments_only=True)
    }
    return render(
        request,
        "trials/home.html",
        {
            "tumour_types": _open_first(
                [
                    HomeLink(slug, name, open_tumour_counts[slug], tumour_counts[slug])
                    for slug, name in options["tumour_type"]
                    if tumour_counts[slug]
                ]
            ),
            "interventions": _open_first(
                [
                    HomeLink(option.slug, option.name, open_treatments.get(option.slug, 0), option.trials)
                    for option in intervention_counts(filters=everything, treatments_only=True)
                ]
            ),
        },
    )


@require_GET
def trial_list(request: HttpRequest) -> HttpResponse:
    form = search_form(request.GET)
    context: dict[str, Any] = {"form": form, "distances": DISTANCES}
    if not form.is_valid():
        # Keep every choice the person made, so correcting one field loses nothing.
        chosen = request.GET.getlist("intervention")
        context["facet_groups"] = _facet_groups_unchecked(request.GET, facet_options())
        context["interventions"] = [
            FacetOption(option.slug, option.name, None, option.slug in chosen)
            for option in intervention_counts(filters=TrialFilters(), also=frozenset(chosen))
        ]
        return render(request, "trials/trial_list.html", context)
    asked = form.to_filters(default_ordering=default_ordering(request.GET))
    results = open_first_results(filters=asked, page=NumberedPage(request.GET.get("page"), PAGE_SIZE))
    filters = results.filters
    context.update(
        {
            "filters": filters,
            "asked": asked,
            "chips": understood_chips(request.GET, results.interpreted),
            "fallback": results.fallback,
            "as_typed_query": query_string(request.GET, understand=["off"]) if results.interpreted else "",
            "understand_query": query_string(request.GET, understand=[]) if not asked.understand else "",
            "page": results.page,
            "open_trials": [trial for trial in results.rows if trial.status == Status.OPEN],
            "closed_trials": [trial for trial in results.rows if trial.status != Status.OPEN],
            "open_wanted": not filters.status or Status.OPEN in filters.status,
            "open_count": results.facets["status"][Status.OPEN],
            "headlines": results.headlines,
            "nearest": results.nearest,
            # The panel shows the choices made in it: the sentence's are its chips (a checked box
            # would be sent back as a choice, and removing the chip would no longer remove it).
            "facet_groups": _facet_groups(asked, results.facets, results.facet_options),
            "interventions": [
                FacetOption(option.slug, option.name, option.trials, option.slug in asked.intervention)
                for option in results.interventions
            ],
            "suggestion": results.suggestion,
            "other_statuses": _other_statuses(filters, results.facets, results.count),
            "page_query": query_string(request.GET),
            "feed_query": query_string(request.GET, ordering=[]),
            "orderings": _orderings(filters),
            "active_filters": _active_filters(asked),
            "uk_only": uk_only(request.GET),
            "anywhere": request.GET.getlist("country") == [ANYWHERE],
            "anywhere_query": query_string(request.GET, country=[ANYWHERE]),
        }
    )
    if filters.near is not None:
        context["results_map"], context["map_entries"] = open_trials_map(
            context["open_trials"], results.nearest, filters.near
        )
    if results.suggestion:
        context["suggestion_query"] = query_string(request.GET, q=[results.suggestion])
    if context["other_statuses"]:
        context["other_statuses_query"] = query_string(request.GET, status=[Status.OPEN, Status.CLOSED, Status.RESULTS])
    if filters.within_miles is not None:
        context["any_distance_query"] = query_string(request.GET, within_miles=[])
    if filters.tumour_type:
        context["any_site_query"] = query_string(request.GET, tumour_type=[])
    return render(request, "trials/trial_list.html", context)


def _facet_groups(
    filters: TrialFilters, facets: dict[str, dict[str, int]], options: dict[str, list[tuple[str, str]]]
) -> list[FacetGroup]:
    groups = []
    for name in FACETS:
        chosen = set(getattr(filters, name))
        groups.append(
            FacetGroup(
                name=name,
                legend=FACET_LEGENDS[name],
                options=[
                    FacetOption(value, label, facets[name].get(value, 0), value in chosen)
                    for value, label in options[name]
                ],
            )
        )
    return groups


def _facet_groups_unchecked(data: QueryDict, options: dict[str, list[tuple[str, str]]]) -> list[FacetGroup]:
    return [
        FacetGroup(
            name=name,
            legend=FACET_LEGENDS[name],
            options=[FacetOption(value, label, None, value in data.getlist(name)) for value, label in options[name]],
        )
        for name in FACETS
    ]


def _other_statuses(filters: TrialFilters, facets: dict[str, dict[str, int]], count: int) -> int:
    """How many closed or finished trials match when only open ones were asked for and none match."""
    if count or set(filters.status) != {Status.OPEN}:
        return 0
    return facets["status"][Status.CLOSED] + facets["status"][Status.RESULTS]


def _active_filters(filters: TrialFilters) -> int:
    """How many filters other than status are chosen (shown on the collapsed filter panel)."""
    chosen = [getattr(filters, name) for name in (*FACETS, "intervention") if name not in ("status", "country")]
    return sum(len(values) for values in chosen) + sum(
        value is not None for value in (filters.age, filters.near, filters.within_miles)
    )


def _orderings(filters: TrialFilters) -> list[tuple[str, str, bool]]:
    choices = [(Ordering.NEWEST.value, "Most recently updated")]
    if filters.q or filters.named:
        choices.insert(0, (Ordering.RELEVANCE.value, "Best match"))
    if filters.near:
        choices.append((Ordering.DISTANCE.value, "Nearest to me"))
    return [(value, label, value == filters.ordering.value) for value, label in choices]


@require_GET
def trial_detail(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.trial_get_published(slug=slug, for_page=True)
    if found.redirect_slug:
        target = reverse("trials:detail", kwargs={"slug": found.redirect_slug})
        if request.GET:
            target += "?" + request.GET.urlencode()
        return redirect(target, permanent=True)
    if found.trial is None:
        raise Http404("No published trial has this address.")
    trial = found.trial
    place, postcode_error = _place(request.GET.get("near", ""))
    # A criterion stating several facts is stored as one row per rule, each with its text: show the text once.
    criteria = list({(c.kind, c.text): c for c in trial.criteria.all()}.values())
    sections = {
        name: getattr(trial, name)
        for name in ("summary", "more_about", "trial_design", "hospital_visits", "side_effects", "results_summary")
    }
    texts = [*sections.values(), *(c.text for c in criteria)]
    terms = glossary.terms_in(texts)
    sites = selectors.trial_sites(trial=trial, place=place)
    today = timezone.localdate()
    return render(
        request,
        "trials/trial_detail.html",
        {
            "trial": trial,
            "inclusions": [c for c in criteria if c.kind == "inclusion"],
            "exclusions": [c for c in criteria if c.kind == "exclusion"],
            "cohorts": list(dict.fromkeys(c.cohort for c in criteria if c.cohort)),
            "sites": sites,
            "site_map": _site_map(sites, place),
            "contacts": selectors.trial_contacts(trial=trial, sites=sites, place=place),
            "site_contacts": any(c.site_id is not None for c in trial.contacts.all()),
            "status_check": status_check(trial, today),
            "place": place,
            "page_address": request.build_absolute_uri(trial.get_absolute_url()),
            "today": today,
            "near": request.GET.get("near", ""),
            "postcode_error": postcode_error,
            "glossary": terms,
            "recruitment_start": _partial_date(trial.recruitment_start, trial.recruitment_start_precision),
            "recruitment_end": _partial_date(trial.recruitment_end, trial.recruitment_end_precision),
        },
    )


def _site_map(sites: list[TrialSite], place: Place | None) -> SiteMap | None:
    """The trial's UK hospitals on a map, numbered as the page lists them, and the user's area."""
    points = [
        MapPoint(number, f"{site.hospital.name}, {site.hospital.town}", site.hospital.latitude, site.hospital.longitude)
        for number, site in enumerate(sites, start=1)
        if site.hospital.latitude is not None and site.hospital.longitude is not None
    ]
    return site_map(points, place) if points else None


def _place(postcode: str) -> tuple[Place | None, str]:
    if not postcode.strip():
        return None, ""
    try:
        return place_for_postcode(postcode), ""
    except PostcodeError as error:
        return None, str(error)


def _partial_date(value: Any, precision: str) -> str:
    return PartialDate(value, precision).display() if value else ""


@require_GET
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "trials/about.html")
