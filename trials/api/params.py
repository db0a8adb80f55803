"""Query parameters of the API, validated by forms: the search form the pages use, plus paging."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from rest_framework.exceptions import ValidationError

from trials.api.errors import form_errors
from trials.geography.postcodes import Place, PostcodeError, place_for_postcode
from trials.search.forms import TrialSearchForm

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
# `format` chooses the representation (DRF's content negotiation reads it; see ApiContentNegotiation).
FORMAT = "format"


def _page_size_field() -> forms.IntegerField:
    message = f"Enter a page size from 1 to {MAX_PAGE_SIZE}."
    return forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
    )


class TrialListParams(TrialSearchForm):
    """Every search filter and the ordering (TrialSearchForm), plus the page asked for."""

    cursor = forms.CharField(required=False, max_length=2000)
    page_size = _page_size_field()

    def page_size_or_default(self) -> int:
        value = self.cleaned_data.get("page_size")
        return int(value) if value is not None else DEFAULT_PAGE_SIZE


class TrialDetailParams(forms.Form):
    """`near`: show each site's distance from this postcode."""

    near = forms.CharField(max_length=10, required=False)

    def clean_near(self) -> Place | None:
        near: str = self.cleaned_data["near"]
        if not near:
            return None
        try:
            return place_for_postcode(near)
        except PostcodeError as error:
            raise forms.ValidationError(str(error)) from error


class NoParams(forms.Form):
    """Endpoints without parameters (other than `format`)."""


def validate_params(form_class: type[forms.Form], query: QueryDict) -> Any:
    """Return the bound, valid form; raise a 400 naming every unknown or bad parameter."""
    form = form_class(query)
    allowed = [*form.fields, FORMAT]
    errors: dict[str, list[str]] = {
        name: [f"Unknown parameter. Use: {', '.join(allowed)}."] for name in query if name not in allowed
    }
    if not form.is_valid():
        errors.update(form_errors(form))
    if errors:
        raise ValidationError(errors)
    return form
