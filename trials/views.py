"""The public HTML pages: home, the list of trials and the trial page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from trials import selectors
from trials.choices import Status
from trials.records import PartialDate

PAGE_SIZE = 20


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "trials/home.html",
        {
            "tumour_types": selectors.tumour_types_in_use(),
            "interventions": selectors.interventions_in_use(),
        },
    )


def trial_list(request: HttpRequest) -> HttpResponse:
    statuses = [s for s in request.GET.getlist("status") if s in Status.values]
    page = Paginator(selectors.trial_list_published(statuses=statuses), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "trials/trial_list.html", {"page": page, "statuses": statuses})


def trial_detail(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.trial_get_published(slug=slug)
    if found.redirect_slug:
        return redirect("trials:detail", slug=found.redirect_slug, permanent=True)
    if found.trial is None:
        raise Http404("No published trial has this address.")
    trial = found.trial
    criteria = list(trial.criteria.all())
    return render(
        request,
        "trials/trial_detail.html",
        {
            "trial": trial,
            "inclusions": [c for c in criteria if c.kind == "inclusion"],
            "exclusions": [c for c in criteria if c.kind == "exclusion"],
            "recruitment_start": (
                PartialDate(trial.recruitment_start, trial.recruitment_start_precision).display()
                if trial.recruitment_start
                else ""
            ),
            "recruitment_end": (
                PartialDate(trial.recruitment_end, trial.recruitment_end_precision).display()
                if trial.recruitment_end
                else ""
            ),
        },
    )
