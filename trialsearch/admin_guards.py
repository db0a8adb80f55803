"""Guards for addresses the admin turns into 500s: bad ids in history pages, dates out of range.

django-simple-history's history pages look an object up by whatever id is in the address (`abc` is a
ValueError), and Django's date hierarchy builds a datetime from the year, month and day given
(a 30-digit year is an OverflowError, year 9999 a ValueError), as does a date lookup typed into any
list's address (`?updated_at__year=99999`). `guard_admin_site()` gives every
registered ModelAdmin that needs it the mixins below, third-party ones (django-axes') included.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import BadRequest, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

DATE_OUT_OF_RANGE = "That date is out of range."


class GuardedChangeList(ChangeList):
    def get_filters(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().get_filters(request, *args, **kwargs)
        except (OverflowError, ValueError) as error:
            raise BadRequest(DATE_OUT_OF_RANGE) from error

    def get_results(self, request: HttpRequest) -> None:
        # A date lookup in the address on any list (`?updated_at__year=99999`, no date hierarchy
        # needed) builds its datetime only when the query is compiled, here.
        try:
            super().get_results(request)
        except (OverflowError, ValueError) as error:
            raise BadRequest(DATE_OUT_OF_RANGE) from error


class GuardedChangeListMixin:
    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return GuardedChangeList


def _require_key(field: models.Field[Any, Any], value: str) -> None:
    try:
        field.to_python(unquote(value))
    except ValidationError:
        raise Http404("No such object.") from None


class GuardedHistoryMixin:
    model: type[models.Model]

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        _require_key(self.model._meta.pk, object_id)
        return super().history_view(request, object_id, extra_context)  # type: ignore[misc, no-any-return]

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        _require_key(self.model._meta.pk, object_id)
        _require_key(self.model.history.model._meta.pk, version_id)  # type: ignore[attr-defined]
        return super().history_form_view(  # type: ignore[misc, no-any-return]
            request, object_id, version_id, extra_context
        )


def guard_admin_site(site: admin.AdminSite) -> None:
    """Re-register each ModelAdmin with the guards it lacks (its change list, a history page)."""
    for model, model_admin in list(site._registry.items()):
        mixins: list[type] = []
        if not isinstance(model_admin, GuardedChangeListMixin):
            mixins.append(GuardedChangeListMixin)
        if isinstance(model_admin, SimpleHistoryAdmin) and not isinstance(model_admin, GuardedHistoryMixin):
            mixins.append(GuardedHistoryMixin)
        if mixins:
            original = type(model_admin)
            guarded = type(original.__name__, (*mixins, original), {"__module__": original.__module__})
            site.unregister(model)
            site.register(model, guarded)
