"""Validation of search input, shared by the results page, the feed and the API."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from trials.geography.postcodes import PostcodeError, place_for_postcode
from trials.registry.choices import Grade, InterventionKind, Phase, Sex, Status, TrialType
from trials.registry.models import TumourType
from trials.search.facets import trial_countries_known
from trials.search.filters import Ordering, TrialFilters
from trials.search.vocabulary import resolve_interventions


def _one_of(values: Sequence[str]) -> str:
    return "'%(value)s' is not one of: " + ", ".join(values) + "."


class MultipleValueField(forms.MultipleChoiceField):
    """A repeatable parameter whose error names the allowed values."""

    def __init__(self, choices: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(choices=choices, required=False, **kwargs)
        self.set_choices(choices)

    def set_choices(self, choices: Sequence[tuple[str, str]]) -> None:
        self.choices = list(choices)
        self.error_messages["invalid_choice"] = _one_of([str(value) for value, _ in choices])


class TextListField(forms.Field):
    """A repeatable free-text parameter (?intervention=a&intervention=b), as a list of strings."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(item).strip() for item in values if str(item).strip()]


class TrialSearchForm(forms.Form):
    """Every search parameter; `to_filters()` gives the selector's input."""

    q = forms.CharField(label="Cancer type, drug or trial name", max_length=200, required=False)
    status = MultipleValueField(Status.choices)
    tumour_type = MultipleValueField()
    grade = MultipleValueField(Grade.choices)
    intervention = TextListField(required=False, label="Treatment")
    intervention_kind = MultipleValueField(InterventionKind.choices)
    phase = MultipleValueField(Phase.choices)
    trial_type = MultipleValueField(TrialType.choices)
    sex = MultipleValueField(Sex.choices)
    country = MultipleValueField()
    age = forms.IntegerField(
        label="Age",
        required=False,
        min_value=0,
        max_value=120,
        error_messages={
            "invalid": "Enter the age as a whole number of years, such as 64.",
            "min_value": "Enter an age of 0 or more.",
            "max_value": "Enter an age of 120 or less.",
        },
    )
    near = forms.CharField(label="Your postcode", max_length=10, required=False)
    within_miles = forms.IntegerField(
        label="Distance",
        required=False,
        min_value=1,
        max_value=1000,
        error_messages={"invalid": "Enter the distance as a whole number of miles, such as 50."},
    )
    updated_since = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter a date as YYYY-MM-DD, such as 2026-01-31."},
    )
    # `off`: search the words of q as typed, without reading them as a sentence (trials.search.sentence).
    understand = forms.ChoiceField(
        choices=[("on", "on"), ("off", "off")],
        required=False,
        error_messages={"invalid_choice": _one_of(["on", "off"])},
    )
    ordering = forms.ChoiceField(
        choices=[(o.value, o.value) for o in Ordering],
        required=False,
        error_messages={"invalid_choice": _one_of([o.value for o in Ordering])},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tumour_type = self.fields["tumour_type"]
        assert isinstance(tumour_type, MultipleValueField)
        tumour_type.set_choices(list(TumourType.objects.order_by("name").values_list("slug", "name")))
        country = self.fields["country"]
        assert isinstance(country, MultipleValueField)
        country.set_choices([(name, name) for name in trial_countries_known()])
        self._intervention_slugs: list[str] = []

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        values = cleaned.get("intervention") or []
        slugs, unknown = resolve_interventions(values)
        if unknown:
            self.add_error(
                "intervention",
                "Unknown treatment: "
                + ", ".join(f"'{value}'" for value in unknown)
                + ". Use a name, brand or code name, or a slug from /api/v1/interventions/.",
            )
        self._intervention_slugs = slugs
        near = cleaned.get("near")
        if near:
            try:
                cleaned["place"] = place_for_postcode(near)
            except PostcodeError as error:
                self.add_error("near", str(error))
        if cleaned.get("within_miles") is not None and not near:
            self.add_error("near", "Enter a postcode to search by distance.")
        if cleaned.get("ordering") == Ordering.DISTANCE and not near:
            self.add_error("ordering", "Sorting by distance needs a postcode (near).")
        return cleaned

    def to_filters(self, *, default_ordering: Ordering = Ordering.RELEVANCE) -> TrialFilters:
        """Return the validated input as TrialFilters (call after is_valid())."""
        data = self.cleaned_data
        ordering = Ordering(data["ordering"]) if data.get("ordering") else default_ordering
        return TrialFilters(
            q=data.get("q", ""),
            status=tuple(data.get("status") or ()),
            tumour_type=tuple(data.get("tumour_type") or ()),
            grade=tuple(data.get("grade") or ()),
            intervention=tuple(self._intervention_slugs),
            intervention_kind=tuple(data.get("intervention_kind") or ()),
            phase=tuple(data.get("phase") or ()),
            trial_type=tuple(data.get("trial_type") or ()),
            sex=tuple(data.get("sex") or ()),
            country=tuple(data.get("country") or ()),
            age=data.get("age"),
            near=data.get("place"),
            within_miles=float(data["within_miles"]) if data.get("within_miles") is not None else None,
            updated_since=data.get("updated_since"),
            ordering=ordering,
            understand=data.get("understand") != "off",
        )
