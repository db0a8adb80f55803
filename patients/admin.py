"""Admin for patient profiles (staff see every owner's), an action that makes users specialists, and
second-factor devices (listed and removable, their keys never shown)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice
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


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class SecondFactorDeviceAdmin(admin.ModelAdmin[TOTPDevice]):
    """Staff see who has a second factor and can remove a device (a lost phone); never read its key.

    django-otp's own admin shows the key and its QR code to any staff member, which would let them
    copy a specialist's second factor; this one shows neither.
    """

    list_display = ["user", "name", "confirmed", "last_used_at", "created_at"]
    list_select_related = ["user"]
    list_filter = ["confirmed"]
    search_fields = ["user__username"]
    fields = readonly_fields = ("user", "name", "confirmed", "last_used_at", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TOTPDevice | None = None) -> bool:
        return False
