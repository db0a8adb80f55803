"""The "Could I join?" pages: the questionnaire and its answer, from GET parameters only.

Nothing is stored: no database writes and no session. The answers live in the address, so the
page can be bookmarked, printed or taken to the doctor.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from trials.eligibility.ranking import eligibility_for_published_trials
from trials.questionnaire.forms import CheckForm
from trials.registry.choices import Status
from trials.registry.models import Trial

SUBMIT = "check"
PAGE_SIZE = 20  # trials a page, each explained point by point


def _trial_title(slug: str) -> str | None:
    return Trial.objects.published().filter(slug=slug).values_list("title", flat=True).first()


def check(request: HttpRequest) -> HttpResponse:
    """Show the questionnaire; with `check` in the query, evaluate the answers and show the results."""
    trial_slug = request.GET.get("trial", "").strip()
    trial_title = _trial_title(trial_slug) if trial_slug else None
    context: dict[str, object] = {"trial_slug": trial_slug if trial_title else "", "trial_title": trial_title}
    if SUBMIT not in request.GET:
        # Answers in the address without `check` (from "Change your answers") fill the form in.
        initial = {
            name: request.GET.getlist(name) if name in ("prior_treatments", "progressed_on") else value
            for name, value in request.GET.items()
        }
        return render(request, "trials/check/form.html", {**context, "form": CheckForm(initial=initial)})
    form = CheckForm(request.GET)
    if not form.is_valid() or form.facts is None:
        return render(request, "trials/check/form.html", {**context, "form": form}, status=200)
    evaluations = eligibility_for_published_trials(
        form.facts,
        statuses=[Status.OPEN] if form.cleaned_data["open_only"] else None,
        slugs=[trial_slug] if trial_title else None,
    )
    answers = request.GET.copy()
    answers.pop("page", None)
    results_query = answers.urlencode()
    answers.pop(SUBMIT, None)
    return render(
        request,
        "trials/check/results.html",
        {
            **context,
            "page": Paginator(evaluations, PAGE_SIZE).get_page(request.GET.get("page")),
            "counts": evaluations.counts,
            "questions": evaluations.questions(),
            "change_answers": answers.urlencode(),
            "results_query": results_query,
            "has_postcode": form.facts.postcode is not None,
        },
    )
