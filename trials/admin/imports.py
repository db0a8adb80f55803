"""The admin's upload page: queue the import of a ClinicalTrials.gov file or a TrialSearch export, then follow it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from trials.importers.background import trial_import_queue
from trials.registry.models import Trial
from trials.registry.uploads import ImportKind, TrialImport

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

# The progress page reloads itself this often while the import runs (no script: a meta refresh).
REFRESH_SECONDS = 2
RECENT = 10
# Large enough for a /studies page of 1,000 full records; settable for tests and big imports.
DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "TRIAL_IMPORT_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


class TrialImportForm(forms.Form):
    file = forms.FileField(help_text="A .json file.")
    kind = forms.ChoiceField(choices=ImportKind.choices, initial=ImportKind.CTGOV)
    publish = forms.BooleanField(
        required=False,
        help_text="Publish the imported trials. Otherwise new ones are drafts and others keep their state.",
    )
    dry_run = forms.BooleanField(required=False, label="Dry run", help_text="Check and report, but write nothing.")

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if upload.size > limit:
            size, most = upload.size / 1_048_576, limit / 1_048_576
            raise forms.ValidationError(f"The file is {size:.1f} MB; files of up to {most:.1f} MB can be imported.")
        content: bytes = upload.read()
        try:
            json.loads(content)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise forms.ValidationError(f"This is not a JSON file ({error}).") from error
        self.file_name = upload.name or "upload.json"
        return content


def trial_import_view(request: HttpRequest, model_admin: ModelAdmin[Trial]) -> HttpResponse:
    """Upload a file and queue its import; then show its progress page."""
    _check_permission(request, model_admin)
    form = TrialImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = trial_import_queue(
            kind=form.cleaned_data["kind"],
            file_name=form.file_name,
            content=form.cleaned_data["file"],
            publish=form.cleaned_data["publish"],
            dry_run=form.cleaned_data["dry_run"],
            user=request.user if isinstance(request.user, User) else None,
        )
        return HttpResponseRedirect(upload.get_absolute_url())
    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "opts": Trial._meta,
        "title": "Import trials",
        "form": form,
        "recent": TrialImport.objects.defer("content")[:RECENT],
        "max_upload_mb": f"{max_upload_bytes() / 1_048_576:.0f}",
    }
    return TemplateResponse(request, "admin/trials/trial/import.html", context)


def trial_import_progress_view(request: HttpRequest, model_admin: ModelAdmin[Trial], import_id: int) -> HttpResponse:
    """Show how far an import has got (the page reloads itself until it ends), then its report."""
    _check_permission(request, model_admin)
    upload = get_object_or_404(TrialImport.objects.defer("content"), pk=import_id)
    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "opts": Trial._meta,
        "title": f"Import of {upload.file_name}",
        "upload": upload,
        "refresh_seconds": REFRESH_SECONDS,
    }
    return TemplateResponse(request, "admin/trials/trial/import_progress.html", context)


def _check_permission(request: HttpRequest, model_admin: ModelAdmin[Trial]) -> None:
    if not (model_admin.has_add_permission(request) and model_admin.has_change_permission(request)):
        raise PermissionDenied
