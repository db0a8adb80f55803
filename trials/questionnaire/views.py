"""The "Could I join?" pages: a few short steps, then the answer page. Answers travel by POST only.

A person's diagnosis, treatments and postcode never reach an address, so they are not in the
browser's history, in a Referer or in the access log. Each step posts every earlier answer back
as hidden fields (no session, no database, no cookie but the CSRF token), and the answer page
pages and prints by POST too. Nothing is stored. A GET shows the first step and reads no answers
from its address (an old bookmark evaluates nothing); only `trial`, which trial to check, may be
there: it is not a fact about the person.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from trials.questionnaire.forms import TREATMENT_ANSWERS, CheckForm, treatment_labels
from trials.questionnaire.results import check_results
from trials.questionnaire.steps import (
    STEPS,
    STEPS_BY_KEY,
    Answers,
    Step,
    answers_from,
    asked_until,
    hidden_answers,
    position,
    relevant_names,
    step_after,
    step_before,
    ticked_treatments,
)
from trials.registry.models import Trial

MULTIPLE = set(TREATMENT_ANSWERS)  # the answers that are lists of ticked boxes


def private(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No cache keeps the page, no Referer leaves the site, and error reports leave the answers out.

    `same-origin`, not `no-referrer`: under `no-referrer` the browser sends `Origin: null` with the
    page's own POSTs, which Django's CSRF check rightly refuses. The address holds no answers, so
    the Referer this site receives from itself tells nothing.
    """

    @sensitive_post_parameters()
    @never_cache
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        return response

    return wrapped


def _trial(request: HttpRequest) -> tuple[str, str | None]:
    """The trial to check alone (from `?trial=`), if it is published: its slug and title."""
    slug = request.GET.get("trial", "").strip()
    title = Trial.objects.published().filter(slug=slug).values_list("title", flat=True).first() if slug else None
    return (slug, title) if title else ("", None)


def _initial(step: Step, answers: Answers) -> CheckForm:
    """The step's questions showing the answers already given, unvalidated (no error shown)."""
    initial = {name: values if name in MULTIPLE else values[0] for name, values in answers.items()}
    return CheckForm(initial=initial, asked=step.names(answers))


def _step_page(
    request: HttpRequest, step: Step, answers: Answers, form: CheckForm, context: dict[str, Any]
) -> HttpResponse:
    shown = step.names(answers)
    number, total, up_to = position(step, answers)
    labels = treatment_labels(form.groups)
    ticked = set(answers.get("prior_treatments", []))
    return render(
        request,
        "trials/check/step.html",
        {
            **context,
            "step": step,
            "number": number,
            "total": total,
            "up_to": up_to,
            "form": form,
            "fields": [form[name] for name in shown if name in form.fields],
            "hidden": hidden_answers(answers, shown),
            "groups": form.groups,
            "ticked": ticked,
            "open_groups": {g.label for g in form.groups if any(o.value in ticked for o in g.options)},
            "grew_on": set(answers.get("progressed_on", [])),
            "grew_options": [(value, labels.get(value, value)) for value in ticked_treatments(answers)],
            "first": step is STEPS[0],
            "last": number == total and not up_to,
        },
    )


@require_http_methods(["GET", "POST"])
@private
def check(request: HttpRequest) -> HttpResponse:
    """Show a step of the questionnaire, or the answers' results; only a POST carries answers."""
    trial_slug, trial_title = _trial(request)
    context: dict[str, Any] = {"trial_slug": trial_slug, "trial_title": trial_title}
    if request.method == "GET":
        return _step_page(request, STEPS[0], {}, _initial(STEPS[0], {}), context)
    answers = answers_from(request.POST)
    data = MultiValueDict(answers)
    step = STEPS_BY_KEY.get(request.POST.get("step", ""), STEPS[0])
    go = request.POST.get("go", "next")
    if go == "back":
        previous = step_before(step, answers)
        return _step_page(request, previous, answers, _initial(previous, answers), context)
    if go == "change":
        return _step_page(request, STEPS[0], answers, _initial(STEPS[0], answers), context)
    form = CheckForm(data, asked=asked_until(step, answers) if go == "next" else relevant_names(answers))
    if go == "next":
        if not form.is_valid():
            return _step_page(request, step, answers, form, context)
        following = step_after(step, answers)
        if following is not None:
            return _step_page(request, following, answers, _initial(following, answers), context)
        # After the last step, every relevant answer was just validated: the same form holds the facts.
    if not form.is_valid() or form.facts is None:
        # Only a changed earlier answer gets here (each step was valid when left): show its step.
        broken = next(s for s in STEPS if set(s.names(answers)) & set(form.errors)) if form.errors else STEPS[0]
        return _step_page(request, broken, answers, form, context)
    results = check_results(
        facts=form.facts,
        trial_slug=trial_slug or None,
        open_page=request.POST.get("open_page"),
        closed_page=request.POST.get("closed_page"),
    )
    address = request.build_absolute_uri(reverse("trials:check"))
    return render(
        request,
        "trials/check/results.html",
        {
            **context,
            "results": results,
            "answers": [(name, value) for name, values in answers.items() for value in values],
            "address": f"{address}?trial={trial_slug}" if trial_slug else address,
            "site_root": request.build_absolute_uri("/").rstrip("/"),
            "today": timezone.localdate(),
            "closed_open": "closed_page" in request.POST,
        },
    )
