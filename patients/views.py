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
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from patients import selectors, services
from patients.access import specialist_required
from patients.exports import LETTER_TRIALS, csv_filename, letter_text, matches_csv_lines
from patients.forms import MatchesFilterForm, PatientProfileForm, ProfileSearchForm
from patients.models import PatientProfile
from patients.presenters import fact_rows, match_cards, profile_place
from patients.selectors import Matches
from trials.eligibility.engine import Sort
from trials.exports import csv_response

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
    form = MatchesFilterForm(request.GET, has_postcode=bool(profile.postcode))
    form.is_valid()  # a choice that is not offered is shown as an error and ignored; the others apply
    data = form.cleaned_data
    matches = selectors.patient_profile_matches(
        profile=profile,
        statuses=data.get("status") or [],
        verdict=data.get("verdict") or None,
        sort=data.get("sort") or Sort.VERDICT,
    )
    return form, matches


def _matches_context(request: HttpRequest, pk: int, *, every_trial: bool) -> dict[str, Any]:
    """The page's context; `every_trial` for the print view, which lists every trial of the filters."""
    profile = selectors.patient_profile_get(owner=request.user, pk=pk)
    form, matches = _matches(request, profile)
    place = profile_place(profile)
    query = request.GET.copy()
    query.pop("page", None)
    # A page of the ranking is read when it is made: the print view makes none, it reads every trial.
    page = None if every_trial else Paginator(matches.evaluations, MATCHES_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(matches.evaluations if page is None else page.object_list)
    start = 0 if page is None else max(page.start_index() - 1, 0)
    cards = match_cards(shown, place=place, start=start, open_count=matches.open_count)
    best = match_cards(matches.best_open[:LETTER_TRIALS], place=place, start=0, open_count=matches.open_count)
    letter = letter_text(profile=profile, cards=best, today=timezone.localdate(), place=place)
    return {
        "profile": profile,
        "fact_rows": fact_rows(profile),
        "form": form,
        "matches": matches,
        "page": page,
        "cards": cards,
        "place": place,
        "letter": letter,
        "letter_rows": letter.count("\n") + 2,
        "query": query.urlencode(),
    }


@specialist_required
def profile_matches(request: HttpRequest, pk: int) -> HttpResponse:
    """Every published trial ranked for the profile, criterion by criterion, and what to find out."""
    return render(request, "patients/profile_matches.html", _matches_context(request, pk, every_trial=False))


@specialist_required
def profile_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The matches as a handout for the clinic or the MDT: every trial the filters select."""
    return render(request, "patients/profile_print.html", _matches_context(request, pk, every_trial=True))


@specialist_required
def profile_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """The matches as an MDT worksheet: the profile's facts, then one row per trial, streamed."""
    profile = selectors.patient_profile_get(owner=request.user, pk=pk)
    _, matches = _matches(request, profile)
    today = timezone.localdate()
    lines = matches_csv_lines(
        profile=profile,
        facts=fact_rows(profile),
        evaluations=matches.evaluations,
        open_count=matches.open_count,
        place=profile_place(profile),
        today=today,
        build_url=request.build_absolute_uri,
    )
    return csv_response(lines, filename=csv_filename(profile, today))
