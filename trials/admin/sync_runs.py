"""The admin's view of the registry syncs: each run and what it did, and what each registry says of a trial."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from trials.registry.locks import fields_to_lock
from trials.registry.models import Criterion, Trial
from trials.registry.syncs import SyncRun

# Changing only a criterion's rule is curating it (rules are the admin's already), not editing the registry's text.
CRITERION_TEXT_FIELDS = frozenset({"kind", "text", "position"})


def _lines(values: Iterable[str]) -> SafeString:
    items = list(values)
    if not items:
        return format_html("{}", "None")
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((item,) for item in items)))


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin[SyncRun]):
    list_display = [
        "__str__",
        "registry",
        "outcome",
        "pages",
        "created",
        "updated",
        "unchanged",
        "held_back",
        "failed",
        "drafts_to_review",
    ]
    list_filter = ["registry", "complete", "started_at"]
    search_fields = ["error"]
    date_hierarchy = "started_at"
    fields = [
        ("registry", "outcome"),
        ("started_at", "finished_at"),
        "since",
        "parameters",
        ("pages", "created", "updated", "unchanged", "held_back", "failed"),
        "error",
        "failure_list",
        "held_back_list",
        "note_list",
        "drafts",
    ]
    readonly_fields = [
        "registry",
        "outcome",
        "started_at",
        "finished_at",
        "since",
        "parameters",
        "pages",
        "created",
        "updated",
        "unchanged",
        "held_back",
        "failed",
        "error",
        "failure_list",
        "held_back_list",
        "note_list",
        "drafts",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SyncRun]:
        drafts = Count("created_trials", filter=Q(created_trials__published=False), distinct=True)
        return super().get_queryset(request).annotate(draft_count=drafts)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # Runs are recorded by the sync commands only.

    def has_change_permission(self, request: HttpRequest, obj: SyncRun | None = None) -> bool:
        return False

    @admin.display(description="Outcome")
    def outcome(self, obj: SyncRun) -> str:
        return obj.outcome

    @admin.display(description="Drafts to review", ordering="draft_count")
    def drafts_to_review(self, obj: SyncRun) -> int:
        return int(getattr(obj, "draft_count", 0))

    @admin.display(description="Failed records")
    def failure_list(self, obj: SyncRun) -> SafeString:
        return _lines(obj.failures)

    @admin.display(description="Held back as drafts")
    def held_back_list(self, obj: SyncRun) -> SafeString:
        return _lines(obj.held_back_reasons)

    @admin.display(description="Notes")
    def note_list(self, obj: SyncRun) -> SafeString:
        return _lines(obj.notes)

    @admin.display(description="Drafts it created that need review")
    def drafts(self, obj: SyncRun) -> SafeString:
        trials = obj.created_trials.filter(published=False).order_by("title")
        links = ((reverse("admin:trials_trial_change", args=[t.pk]), t.title, t.nct_id or t.isrctn) for t in trials)
        rows = format_html_join("", '<li><a href="{}">{}</a> ({})</li>', links)
        return format_html("<ul>{}</ul>", rows) if rows else format_html("{}", "None")


def registry_records_html(trial: Trial) -> SafeString:
    """What each registry says of the trial's status, newest update first: the newest decides the page's."""
    records = sorted(trial.registry_records.all(), key=lambda r: r.updated or dt.date.min, reverse=True)
    rows = (
        (
            r.get_registry_display(),
            r.identifier,
            r.get_status_display() or "no status",
            r.status_words,
            r.updated.isoformat() if r.updated else "unknown",
        )
        for r in records
    )
    lines = format_html_join("", "<li>{} {}: {} ({}), record updated {}</li>", rows)
    return format_html("<ul>{}</ul>", lines) if lines else format_html("{}", "None yet")


def admin_changed_fields(form: ModelForm[Trial], formsets: Iterable[Any]) -> set[str]:
    """The registry fields (record names) an admin's save changed, read after the inlines were saved."""
    changed = set(form.changed_data) - {"locked_fields"}
    for formset in formsets:
        edits = [fields for _obj, fields in formset.changed_objects]
        if formset.model is Criterion:
            edits = [fields for fields in edits if CRITERION_TEXT_FIELDS & set(fields)]
        if formset.new_objects or formset.deleted_objects or edits:
            changed.add(formset.fk.remote_field.get_accessor_name())
    return fields_to_lock(changed)
