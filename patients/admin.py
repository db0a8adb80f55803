"""Admin for patient profiles (staff see every owner's) and an action that makes users specialists."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from patients.models import PatientProfile
from patients.services import specialists_add


@admin.register(PatientProfile)
class PatientProfileAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "owner", "diagnosis", "primary_site", "grade", "updated_at"]
    list_select_related = ["owner"]
    list_filter = ["diagnosis", "primary_site", "grade"]
    search_fields = ["reference", "owner__username"]
    autocomplete_fields = ["owner"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "updated_at"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class SpecialistUserAdmin(UserAdmin):  # type: ignore[type-arg]
    """Django's user admin, plus an action adding the selected users to the Specialists group."""

    actions = ["make_specialists"]

    @admin.action(description="Add the selected users to the Specialists group")
    def make_specialists(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = specialists_add(users=queryset)
        self.message_user(request, f"{count} user(s) added to the Specialists group.", messages.SUCCESS)
