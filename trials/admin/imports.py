"""The admin's upload page: import a ClinicalTrials.gov file or a TrialSearch export, then show the report."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from trials.importers.bundle import bundle_import_json
from trials.importers.ctgov.reading import StudyBatch, studies_from_json
from trials.importers.ctgov.running import ctgov_import
from trials.importers.report import ImportReport
from trials.registry.models import Trial

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

CTGOV = "ctgov"
BUNDLE = "bundle"
# Large enough for a /studies page of 1,000 full records; settable for tests and big imports.
DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "TRIAL_IMPORT_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


class TrialImportForm(forms.Form):
    file = forms.FileField(help_text="A .json file.")
    kind = forms.ChoiceField(
        choices=[
            (CTGOV, "ClinicalTrials.gov JSON (one study, an API /studies page or the website's download)"),
            (BUNDLE, "TrialSearch export (export_trials)"),
        ],
        initial=CTGOV,
    )
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


def import_upload(*, kind: str, name: str, content: bytes, publish: bool, dry_run: bool) -> ImportReport:
    """Run the importer for the kind of file, exactly as the management commands do."""
    if kind == BUNDLE:
        return bundle_import_json(source=name, content=content, dry_run=dry_run, published=True if publish else None)
    batch = StudyBatch()
    studies_from_json(name, content, batch)
    return ctgov_import(batch=batch, publish=publish, dry_run=dry_run)


def trial_import_view(request: HttpRequest, model_admin: ModelAdmin[Trial]) -> HttpResponse:
    """Upload a file, import it, and show the summary and every failure."""
    if not (model_admin.has_add_permission(request) and model_admin.has_change_permission(request)):
        raise PermissionDenied
    report: ImportReport | None = None
    form = TrialImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        report = import_upload(
            kind=form.cleaned_data["kind"],
            name=form.file_name,
            content=form.cleaned_data["file"],
            publish=form.cleaned_data["publish"],
            dry_run=form.cleaned_data["dry_run"],
        )
    context: dict[str, Any] = {
        **model_admin.admin_site.each_context(request),
        "opts": Trial._meta,
        "title": "Import trials",
        "form": form,
        "report": report,
        "dry_run": bool(form.is_bound and form.is_valid() and form.cleaned_data["dry_run"]),
        "max_upload_mb": f"{max_upload_bytes() / 1_048_576:.0f}",
    }
    return TemplateResponse(request, "admin/trials/trial/import.html", context)
