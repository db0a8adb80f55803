"""The specialists' pages under /specialist/: thin views over patients' selectors and services.

Every profile is read through `patient_profile_get(owner=request.user, ...)`, so another
specialist's profile is a 404 on every page, export and print view.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from patients import selectors, services
from patients.access import specialist_required
from patients.forms import MatchesFilterForm, PatientProfileForm, ProfileSearchForm
from patients.models import PatientProfile
from patients.presenters import fact_rows
from patients.selectors import Matches
from trials.exports import csv_lines, csv_response

PAGE_SIZE = 50
MATCHES_PAGE_SIZE = 20  # trials a page, each explained criterion by criterion


@specialist_required
def profile_list(request: HttpRequest) -> HttpResponse:
    """My profiles, most recently updated first, searchable by reference."""
    form = ProfileSearchForm(request.GET)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    profiles = selectors.patient_profile_list(owner=request.user, search=search)
    page = Paginator(profiles, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({"q": search}) if search else ""
    return render(request, "patients/profile_list.html", {"form": form, "page": page, "search": search, "query": query})


def _apply_errors(form: PatientProfileForm, error: ValidationError) -> None:
    for name, messages_ in error.message_dict.items():
        for message in messages_:
            form.add_error(name if name in form.fields else None, message)


@specialist_required
@require_http_methods(["GET", "POST"])
def profile_create(request: HttpRequest) -> HttpResponse:
    form = PatientProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and form.facts is not None:
        try:
            profile = services.patient_profile_create(
                owner=request.user,
                reference=form.cleaned_data["reference"],
                notes=form.cleaned_data["notes"],
                facts=form.facts,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Profile {profile.reference} saved.")
            return redirect(profile)
    return render(request, "patients/profile_form.html", {"form": form, "profile": None})


@specialist_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.patient_profile_get(owner=request.user, pk=pk)
    if request.method == "POST":
        form = PatientProfileForm(request.POST)
        if form.is_valid() and form.facts is not None:
            try:
                services.patient_profile_update(
                    profile=profile,
                    reference=form.cleaned_data["reference"],
                    notes=form.cleaned_data["notes"],
                    facts=form.facts,
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, f"Profile {profile.reference} saved.")
                return redirect(profile)
    else:
        form = PatientProfileForm(initial=PatientProfileForm.initial_for(profile))
    return render(request, "patients/profile_form.html", {"form": form, "profile": profile})


@specialist_required
@require_http_methods(["GET", "POST"])
def profile_delete(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.patient_profile_get(owner=request.user, pk=pk)
    if request.method == "POST":
        reference = profile.reference
        services.patient_profile_delete(profile=profile)
        messages.success(request, f"Profile {reference} deleted.")
        return redirect("patients:list")
    return render(request, "patients/profile_confirm_delete.html", {"profile": profile})


def _matches(request: HttpRequest, profile: PatientProfile) -> tuple[MatchesFilterForm, Matches]:
    form = MatchesFilterForm(request.GET)
    statuses: list[str] = []
    verdict = ""
    if form.is_valid():
        statuses, verdict = form.cleaned_data["status"], form.cleaned_data["verdict"]
    return form, selectors.patient_profile_matches(profile=profile, statuses=statuses, verdict=verdict or None)


def _matches_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    profile = selectors.patient_profile_get(owner=request.user, pk=pk)
    form, matches = _matches(request, profile)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "profile": profile,
        "fact_rows": fact_rows(profile),
        "form": form,
        "matches": matches,
        "page": Paginator(matches.evaluations, MATCHES_PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
    }


@specialist_required
def profile_matches(request: HttpRequest, pk: int) -> HttpResponse:
    """Every published trial ranked for the profile, criterion by criterion, and what to find out."""
    return render(request, "patients/profile_matches.html", _matches_context(request, pk))


@specialist_required
def profile_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The matches as a handout for the clinic or the MDT."""
    return render(request, "patients/profile_print.html", _matches_context(request, pk))


CSV_COLUMNS = [
    "trial",
    "slug",
    "status",
    "url",
    "verdict",
    "cohort",
    "unknown_count",
    "distance_miles",
    "not_met",
    "unknown",
]


@specialist_required
def profile_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The matches as an MDT worksheet: one row per trial, streamed as the trials are evaluated."""
    profile = selectors.patient_profile_get(owner=request.user, pk=pk)
    _, matches = _matches(request, profile)
    rows = (
        [
            evaluation.trial.title,
            evaluation.trial.slug,
            evaluation.trial.status,
            request.build_absolute_uri(evaluation.trial.url),
            evaluation.verdict.value,
            evaluation.cohort_reason,
            evaluation.unknown_count,
            "" if evaluation.distance_miles is None else f"{evaluation.distance_miles:.1f}",
            " | ".join(f"{o.text} ({o.reason})" for o in evaluation.not_met),
            " | ".join(o.text for o in evaluation.unknown),
        ]
        for evaluation in matches.evaluations
    )
    return csv_response(csv_lines(CSV_COLUMNS, rows), filename=f"profile-{profile.pk}-matches.csv")
