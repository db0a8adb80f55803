"""Django admin for curating trials: inlines, autocomplete, filters, actions and change history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.utils.safestring import SafeString
from simple_history.admin import SimpleHistoryAdmin

from trials.admin.forms import CriterionAdminForm
from trials.admin.imports import trial_import_view
from trials.admin.sync_runs import admin_changed_fields, registry_records_html
from trials.registry.choices import Status
from trials.registry.drug_classes import DrugClass
from trials.registry.locks import trial_lock_fields
from trials.registry.models import (
    Criterion,
    GlossaryTerm,
    Hospital,
    Intervention,
    Trial,
    TrialIntervention,
    TrialSite,
    TrialSlug,
    TumourType,
)
from trials.registry.publications import Publication
from trials.registry.services import (
    trial_record_slug_change,
    trial_refresh_derived,
    trials_affected_by_tumour_type,
    trials_set_published,
    trials_set_status,
)


@admin.register(TumourType)
class TumourTypeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "primary_site", "diagnosis"]
    list_filter = ["diagnosis", "primary_site"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request: HttpRequest, obj: TumourType, form: ModelForm[TumourType], change: bool) -> None:
        super().save_model(request, obj, form, change)
        trial_refresh_derived(trials=trials_affected_by_tumour_type(tumour_type=obj))


@admin.register(Intervention)
class InterventionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "synonym_list", "needs_review"]
    list_filter = ["kind", "needs_review"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(description="Synonyms")
    def synonym_list(self, obj: Intervention) -> str:
        return ", ".join(obj.synonyms)

    def save_model(self, request: HttpRequest, obj: Intervention, form: ModelForm[Intervention], change: bool) -> None:
        super().save_model(request, obj, form, change)
        # New synonyms must be findable at once: refresh the search text of its trials.
        trial_refresh_derived(trials=obj.trials.all())


@admin.register(DrugClass)
class DrugClassAdmin(admin.ModelAdmin[DrugClass]):
    list_display = ["name", "slug", "member_list"]
    search_fields = ["name", "slug", "description", "members__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["members"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[DrugClass]:
        return super().get_queryset(request).prefetch_related("members")

    @admin.display(description="Members (a rule names the class as class:<slug>)")
    def member_list(self, obj: DrugClass) -> str:
        return ", ".join(member.name for member in obj.members.all())


@admin.register(Hospital)
class HospitalAdmin(SimpleHistoryAdmin):
    list_display = ["name", "town", "region", "postcode"]
    list_filter = ["region"]
    search_fields = ["name", "town", "postcode"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(SimpleHistoryAdmin):
    list_display = ["term", "definition"]
    search_fields = ["term", "definition"]


class CriterionInline(admin.StackedInline[Criterion, Trial]):
    model = Criterion
    form = CriterionAdminForm
    extra = 0
    fields = [("kind", "cohort", "position"), "text", ("fact", "operator", "value")]


class TrialInterventionInline(admin.TabularInline[TrialIntervention, Trial]):
    model = TrialIntervention
    extra = 0
    autocomplete_fields = ["intervention"]
    fields = ["intervention", "position"]


class TrialSiteInline(admin.TabularInline[TrialSite, Trial]):
    model = TrialSite
    extra = 0
    autocomplete_fields = ["hospital"]
    fields = ["hospital", "recruiting"]


class PublicationInline(admin.TabularInline[Publication, Trial]):
    model = Publication
    extra = 0
    fields = ["title", "url", "position"]


class TrialSlugInline(admin.TabularInline[TrialSlug, Trial]):
    model = TrialSlug
    extra = 0
    verbose_name_plural = "old slugs (their addresses redirect here)"


@admin.register(Trial)
class TrialAdmin(SimpleHistoryAdmin):
    list_display = ["title", "acronym", "status", "phase", "trial_type", "published", "updated_at"]
    list_filter = ["published", "status", "phase", "trial_type", "tumour_types"]
    list_select_related = True
    search_fields = ["title", "acronym", "slug", "nct_id", "eudract", "isrctn", "iras"]
    autocomplete_fields = ["tumour_types"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at", "status_confirmed", "status_source", "registry_statuses"]
    inlines = [
        TrialInterventionInline,
        CriterionInline,
        TrialSiteInline,
        PublicationInline,
        TrialSlugInline,
    ]
    actions = ["publish", "unpublish", "mark_closed", "mark_results"]
    fieldsets = [
        (None, {"fields": ["title", "acronym", "slug", "published", "status", "phase", "trial_type"]}),
        ("Who it is for", {"fields": ["tumour_types", "grades", ("min_age", "max_age"), "sexes"]}),
        (
            "The trial page",
            {"fields": ["summary", "more_about", "trial_design", "hospital_visits", "side_effects"]},
        ),
        (
            "Recruitment and people",
            {
                "fields": [
                    ("recruitment_start", "recruitment_start_precision"),
                    ("recruitment_end", "recruitment_end_precision"),
                    "chief_investigator",
                    "supported_by",
                    "other_information",
                    "registry_conditions",
                ]
            },
        ),
        ("Results", {"fields": ["results_summary"]}),
        (
            "Identifiers and source",
            {
                "fields": [
                    "official_title",
                    ("nct_id", "isrctn"),
                    ("eudract", "iras"),
                    "cruk_id",
                    "source",
                    "source_url",
                    "registry_last_updated",
                    ("status_confirmed", "status_source"),
                    "registry_statuses",
                    "locked_fields",
                    "last_reviewed",
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]

    @admin.display(description="Registry records (the most recently updated decides the status)")
    def registry_statuses(self, obj: Trial) -> SafeString:
        return registry_records_html(obj)

    def get_urls(self) -> list[URLPattern | URLResolver]:
        urls: list[URLPattern | URLResolver] = [
            path("import/", self.admin_site.admin_view(self.import_view), name="trials_trial_import"),
        ]
        default: list[URLPattern | URLResolver] = super().get_urls()
        return urls + default

    def import_view(self, request: HttpRequest) -> HttpResponse:
        return trial_import_view(request, self)

    def save_model(self, request: HttpRequest, obj: Trial, form: ModelForm[Trial], change: bool) -> None:
        old_slug = form.initial.get("slug", "") if change else ""
        super().save_model(request, obj, form, change)
        if change and old_slug != obj.slug:
            trial_record_slug_change(trial=obj, old_slug=old_slug)

    def save_related(self, request: HttpRequest, form: ModelForm[Trial], formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        trial_refresh_derived(trials=[form.instance])
        # What an admin typed is kept from the registry syncs from now on.
        trial_lock_fields(trial=form.instance, fields=admin_changed_fields(form, formsets), today=timezone.localdate())

    def _lock(self, queryset: QuerySet[Trial], field: str) -> None:
        for trial in queryset:
            trial_lock_fields(trial=trial, fields=[field], today=timezone.localdate())

    def _report(self, request: HttpRequest, count: int, what: str) -> None:
        self.message_user(request, f"{count} trial(s) {what}.", messages.SUCCESS)

    @admin.action(description="Publish the selected trials", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Trial]) -> None:
        self._report(request, trials_set_published(trials=queryset, published=True), "published")
        self._lock(queryset, "published")

    @admin.action(description="Unpublish (make draft) the selected trials", permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Trial]) -> None:
        self._report(request, trials_set_published(trials=queryset, published=False), "unpublished")
        self._lock(queryset, "published")

    @admin.action(description="Mark the selected trials closed to recruitment", permissions=["change"])
    def mark_closed(self, request: HttpRequest, queryset: QuerySet[Trial]) -> None:
        self._report(request, trials_set_status(trials=queryset, status=Status.CLOSED), "marked closed")
        self._lock(queryset, "status")

    @admin.action(description="Mark the selected trials as having results", permissions=["change"])
    def mark_results(self, request: HttpRequest, queryset: QuerySet[Trial]) -> None:
        self._report(request, trials_set_status(trials=queryset, status=Status.RESULTS), "marked as having results")
        self._lock(queryset, "status")
