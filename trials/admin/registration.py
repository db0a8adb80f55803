"""Django admin for curating trials: inlines, autocomplete, filters, actions and change history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from simple_history.admin import SimpleHistoryAdmin

from trials.admin.forms import CriterionAdminForm, LineEndingsTextField, TrialAdminForm
from trials.admin.imports import trial_import_progress_view, trial_import_view
from trials.admin.sync_runs import admin_changed_fields, registry_records_html
from trials.registry.choices import Status
from trials.registry.contacts import TrialContact
from trials.registry.drug_classes import DrugClass
from trials.registry.freshness import status_needs_checking_q
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
    trials_confirm_status,
    trials_set_published,
    trials_set_status,
)
from trials.review.models import RuleSuggestion, SuggestionState

# Browsers send a textarea's lines ending \r\n: read as \n, an unchanged text is unchanged.
TEXT_AS_TYPED: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.TextField: {"form_class": LineEndingsTextField}
}


class CuratedAdmin(SimpleHistoryAdmin):
    """The curated models' admin: saving a form nobody changed writes nothing, not even a history row."""

    formfield_overrides = TEXT_AS_TYPED

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool) -> None:
        if change and not form.has_changed():
            return
        super().save_model(request, obj, form, change)


@admin.register(TumourType)
class TumourTypeAdmin(CuratedAdmin):
    list_display = ["name", "slug", "primary_site", "diagnosis"]
    list_filter = ["diagnosis", "primary_site"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request: HttpRequest, obj: TumourType, form: ModelForm[TumourType], change: bool) -> None:
        super().save_model(request, obj, form, change)
        trial_refresh_derived(trials=trials_affected_by_tumour_type(tumour_type=obj))


@admin.register(Intervention)
class InterventionAdmin(CuratedAdmin):
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
class HospitalAdmin(CuratedAdmin):
    list_display = ["name", "town", "region", "postcode"]
    list_filter = ["region"]
    search_fields = ["name", "town", "postcode"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(CuratedAdmin):
    list_display = ["term", "definition"]
    search_fields = ["term", "definition"]


class CriterionInline(admin.StackedInline[Criterion, Trial]):
    model = Criterion
    form = CriterionAdminForm
    formfield_overrides = TEXT_AS_TYPED
    extra = 0
    fields = [("kind", "cohort", "position"), "text", "registry_text", ("fact", "operator", "value"), "choices"]

    class Media:
        css = {"all": ["css/admin-rules.css"]}


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


class TrialContactInline(admin.TabularInline[TrialContact, Trial]):
    model = TrialContact
    extra = 0
    fields = ["site", "name", "role", "phone", "email", "position"]
    verbose_name_plural = "contacts (empty site: the whole trial team)"

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "site":
            # Only this trial's sites, with their hospitals in one query.
            trial_id = str(request.resolver_match.kwargs.get("object_id", "")) if request.resolver_match else ""
            sites = TrialSite.objects.filter(trial_id=trial_id) if trial_id.isdigit() else TrialSite.objects.none()
            kwargs["queryset"] = sites.select_related("hospital")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StatusNeedsCheckingFilter(admin.SimpleListFilter):
    """Open trials whose status is older than six months (or undated), or whose recruitment end has passed."""

    title = "status needs checking"
    parameter_name = "status_check"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Needs checking"), ("no", "Confirmed in the last six months")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        stale = status_needs_checking_q(timezone.localdate())
        if self.value() == "yes":
            return queryset.filter(stale)
        if self.value() == "no":
            return queryset.exclude(stale)
        return queryset


class PublicationInline(admin.TabularInline[Publication, Trial]):
    model = Publication
    extra = 0
    fields = ["title", "url", "position"]


class TrialSlugInline(admin.TabularInline[TrialSlug, Trial]):
    model = TrialSlug
    extra = 0
    verbose_name_plural = "old slugs (their addresses redirect here)"


@admin.register(Trial)
class TrialAdmin(CuratedAdmin):
    form = TrialAdminForm
    list_display = [
        "title",
        "acronym",
        "status",
        "status_confirmed",
        "phase",
        "trial_type",
        "published",
        "draft_reason",
        "updated_at",
    ]
    list_filter = [
        "published",
        "draft_reason",
        "any_net",
        "status",
        StatusNeedsCheckingFilter,
        "phase",
        "trial_type",
        "tumour_types",
    ]
    list_select_related = True
    search_fields = ["title", "acronym", "slug", "nct_id", "eudract", "isrctn", "iras"]
    autocomplete_fields = ["tumour_types"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = [
        "created_at",
        "updated_at",
        "status_confirmed",
        "status_source",
        "registry_statuses",
        "suggested_rules",
        "draft_reason",
        "countries",
    ]
    inlines = [
        TrialInterventionInline,
        CriterionInline,
        TrialSiteInline,
        TrialContactInline,
        PublicationInline,
        TrialSlugInline,
    ]
    actions = ["publish", "unpublish", "confirm_status", "mark_closed", "mark_results"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "acronym",
                    "slug",
                    ("published", "draft_reason"),
                    "status",
                    "phase",
                    "trial_type",
                    "suggested_rules",
                ]
            },
        ),
        ("Who it is for", {"fields": ["tumour_types", "any_net", "grades", ("min_age", "max_age"), "sexes"]}),
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
                    ("registry_countries", "countries"),
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
                    "admin_notes",
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]

    @admin.display(description="Registry records (the most recently updated decides the status)")
    def registry_statuses(self, obj: Trial) -> SafeString:
        return registry_records_html(obj)

    @admin.display(description="Suggested rules")
    def suggested_rules(self, obj: Trial) -> str:
        if obj.pk is None:
            return "None yet: rules are proposed from a registry's criteria when it is imported."
        waiting = RuleSuggestion.objects.filter(criterion__trial=obj, state=SuggestionState.PROPOSED).count()
        address = reverse("admin:trials_rulesuggestion_trial", args=[obj.pk])
        return format_html('{} waiting for review: <a href="{}">review them</a>', waiting, address)

    def get_urls(self) -> list[URLPattern | URLResolver]:
        urls: list[URLPattern | URLResolver] = [
            path("import/", self.admin_site.admin_view(self.import_view), name="trials_trial_import"),
            path(
                "import/<int:import_id>/",
                self.admin_site.admin_view(self.import_progress_view),
                name="trials_trial_import_progress",
            ),
        ]
        default: list[URLPattern | URLResolver] = super().get_urls()
        return urls + default

    def import_view(self, request: HttpRequest) -> HttpResponse:
        return trial_import_view(request, self)

    def import_progress_view(self, request: HttpRequest, import_id: int) -> HttpResponse:
        return trial_import_progress_view(request, self, import_id)

    def save_model(self, request: HttpRequest, obj: Trial, form: ModelForm[Trial], change: bool) -> None:
        if change and not form.has_changed():
            return  # saving an unchanged trial writes no history row
        old_slug = form.initial.get("slug", "") if change else ""
        super().save_model(request, obj, form, change)
        if change and old_slug != obj.slug:
            trial_record_slug_change(trial=obj, old_slug=old_slug)

    def save_related(self, request: HttpRequest, form: ModelForm[Trial], formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        trial = form.instance
        trial_refresh_derived(trials=[trial])
        # What an admin typed is kept from the registry syncs from now on.
        trial_lock_fields(trial=trial, fields=admin_changed_fields(form, formsets), today=timezone.localdate())
        if trial.published and trial.status == Status.OPEN and not trial.sites.exists():
            self._warn_no_sites(request, [str(trial)])

    def _warn_no_sites(self, request: HttpRequest, titles: list[str]) -> None:
        listed = "; ".join(f"“{title}”" for title in titles)
        verb = "is" if len(titles) == 1 else "are"
        self.message_user(
            request,
            f"{listed} {verb} published and open but {'lists' if len(titles) == 1 else 'list'} no hospital: "
            "patients see nobody to ask about joining. Add the sites (and contacts), or unpublish until "
            "they are known.",
            messages.WARNING,
        )

    def _lock(self, queryset: QuerySet[Trial], field: str) -> None:
        for trial in queryset:
            trial_lock_fields(trial=trial, fields=[field], today=timezone.localdate())

    def _report(self, request: HttpRequest, count: int, what: str) -> None:
        self.message_user(request, f"{count} trial(s) {what}.", messages.SUCCESS)

    @admin.action(description="Publish the selected trials", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Trial]) -> None:
        self._report(request, trials_set_published(trials=queryset, published=True), "published")
        self._lock(queryset, "published")
        no_sites = queryset.filter(status=Status.OPEN, sites__isnull=True).order_by("title")
        if titles := list(no_sites.values_list("title", flat=True)):
            self._warn_no_sites(request, titles)

    @admin.action(description="Unpublish (make draft) the selected trials", permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Trial]) -> None:
        self._report(request, trials_set_published(trials=queryset, published=False), "unpublished")
        self._lock(queryset, "published")

    @admin.action(description="Confirm the selected trials' status today", permissions=["change"])
    def confirm_status(self, request: HttpRequest, queryset: QuerySet[Trial]) -> None:
        today = timezone.localdate()
        self._report(request, trials_confirm_status(trials=queryset, today=today), f"confirmed on {today:%-d %B %Y}")

    @admin.action(description="Mark the selected trials closed to recruitment", permissions=["change"])
    def mark_closed(self, request: HttpRequest, queryset: QuerySet[Trial]) -> None:
        self._report(request, trials_set_status(trials=queryset, status=Status.CLOSED), "marked closed")
        self._lock(queryset, "status")

    @admin.action(description="Mark the selected trials as having results", permissions=["change"])
    def mark_results(self, request: HttpRequest, queryset: QuerySet[Trial]) -> None:
        self._report(request, trials_set_status(trials=queryset, status=Status.RESULTS), "marked as having results")
        self._lock(queryset, "status")
