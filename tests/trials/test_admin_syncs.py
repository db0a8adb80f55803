"""The admin and the registry syncs: what an admin edits is kept from syncs; each run is listed with its drafts."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.conftest import SHARED
from tests.factories import TrialFactory
from trials.registry.models import Trial
from trials.registry.syncs import SyncRun

pytestmark = pytest.mark.django_db

NCT = "NCT06171568"
STUDY = SHARED / "data" / "ctgov" / "v2" / f"{NCT}.json"


def import_study(tmp_path: Path, **identification: str) -> Trial:
    """Import the recorded study through `import_ctgov`, with its identification module edited."""
    study = json.loads(STUDY.read_text(encoding="utf-8"))
    study["protocolSection"]["identificationModule"].update(identification)
    path = tmp_path / "study.json"
    path.write_text(json.dumps(study), encoding="utf-8")
    call_command("import_ctgov", str(path), stdout=io.StringIO())
    return Trial.objects.get(nct_id=NCT)


def change_form(staff_client: Any, trial: Trial, **changes: Any) -> dict[str, Any]:
    """The admin's change form of the trial as it stands (inlines included), with `changes` applied."""
    response = staff_client.get(reverse("admin:trials_trial_change", args=[trial.pk]))
    data: dict[str, Any] = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        forms += formset.forms
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            # Fields with a callable default (the arrays) also send their initial value, as a browser does.
            keys = [form.add_prefix(name)] + ([form.add_initial_prefix(name)] if field.show_hidden_initial else [])
            for key in keys:
                if value is True:
                    data[key] = "on"
                elif value is not None and value is not False:  # 0 is a value
                    data[key] = [str(v) for v in value] if isinstance(value, list) else str(value)
    data.update(changes)
    return data


def save(staff_client: Any, trial: Trial, **changes: Any) -> None:
    response = staff_client.post(
        reverse("admin:trials_trial_change", args=[trial.pk]), change_form(staff_client, trial, **changes)
    )
    assert response.status_code == 302, response.context["errors"] if response.context else response


def test_a_title_an_admin_edits_is_kept_by_the_next_import(staff_client: Any, tmp_path: Path) -> None:
    trial = import_study(tmp_path)

    save(staff_client, trial, title="Thinking and memory a year after a brain injury")
    trial.refresh_from_db()
    assert trial.locked_fields == ["title"]
    import_study(tmp_path, briefTitle="A new title from the registry", acronym="LACE-1")

    trial.refresh_from_db()
    assert (trial.title, trial.acronym) == ("Thinking and memory a year after a brain injury", "LACE-1")


def test_removing_a_lock_lets_the_registry_update_the_field_again(staff_client: Any, tmp_path: Path) -> None:
    trial = import_study(tmp_path)
    save(staff_client, trial, title="An admin's title")
    trial.refresh_from_db()

    save(staff_client, trial, locked_fields="")
    import_study(tmp_path, briefTitle="The registry's new title")

    trial.refresh_from_db()
    assert (trial.title, trial.locked_fields) == ("The registry's new title", [])


def test_editing_a_criterions_text_locks_the_criteria_but_adding_a_rule_does_not(
    staff_client: Any, tmp_path: Path
) -> None:
    trial = import_study(tmp_path)
    assert trial.criteria.exists()

    save(staff_client, trial, **{"criteria-0-fact": "age", "criteria-0-operator": "gte", "criteria-0-value": "18"})
    trial.refresh_from_db()
    assert trial.locked_fields == []

    save(staff_client, trial, **{"criteria-0-text": "You are 18 or older"})
    trial.refresh_from_db()
    assert trial.locked_fields == ["criteria"]
    import_study(tmp_path)
    assert trial.criteria.first().text == "You are 18 or older"  # type: ignore[union-attr]


def test_a_status_an_admin_sets_is_confirmed_by_the_admin_and_kept_by_imports(
    staff_client: Any, tmp_path: Path
) -> None:
    trial = import_study(tmp_path)
    assert (trial.status, trial.status_source) == ("open", "ClinicalTrials.gov")

    response = staff_client.post(
        reverse("admin:trials_trial_changelist"), {"action": "mark_closed", "_selected_action": [trial.pk]}
    )
    assert response.status_code == 302
    import_study(tmp_path)

    trial.refresh_from_db()
    assert (trial.status, trial.locked_fields) == ("closed", ["status"])
    assert (trial.status_source, trial.status_confirmed) == ("admin", timezone.localdate())


def test_an_admins_newer_confirmation_of_the_same_status_survives_a_reimport(staff_client: Any, tmp_path: Path) -> None:
    trial = import_study(tmp_path)
    registry_date = trial.status_confirmed
    assert registry_date is not None and registry_date < timezone.localdate()

    staff_client.post(
        reverse("admin:trials_trial_changelist"), {"action": "confirm_status", "_selected_action": [trial.pk]}
    )
    import_study(tmp_path)

    trial.refresh_from_db()
    assert (trial.status, trial.status_source, trial.status_confirmed) == ("open", "admin", timezone.localdate())
    assert trial.locked_fields == []


def test_the_sync_runs_are_listed_with_what_they_did(staff_client: Any) -> None:
    started = timezone.now() - dt.timedelta(minutes=5)
    SyncRun.objects.create(
        registry="ctgov", started_at=started, finished_at=timezone.now(), pages=3, created=2, complete=True
    )
    SyncRun.objects.create(
        registry="isrctn", started_at=started, finished_at=timezone.now(), error="The registry answered 503"
    )

    response = staff_client.get(reverse("admin:trials_syncrun_changelist"), {"registry__exact": "isrctn"})

    assert response.status_code == 200
    rows = response.context["cl"].result_list
    assert [(r.registry, r.outcome) for r in rows] == [("isrctn", "stopped by an error")]
    assert staff_client.get(reverse("admin:trials_syncrun_changelist"), {"q": "503"}).status_code == 200


def test_a_sync_runs_page_links_to_the_drafts_it_created(staff_client: Any) -> None:
    draft = TrialFactory(title="A draft to review", nct_id="NCT09000001", published=False)
    published = TrialFactory(title="Already published", published=True)
    started = timezone.now() - dt.timedelta(minutes=5)
    run = SyncRun.objects.create(
        registry="ctgov", started_at=started, finished_at=timezone.now(), created=2, complete=True
    )
    run.created_trials.add(draft, published)

    page = staff_client.get(reverse("admin:trials_syncrun_change", args=[run.pk])).content.decode()

    assert (
        f'<a href="{reverse("admin:trials_trial_change", args=[draft.pk])}">A draft to review</a> (NCT09000001)' in page
    )
    assert "Already published" not in page
    listing = staff_client.get(reverse("admin:trials_syncrun_changelist"))
    assert [r.draft_count for r in listing.context["cl"].result_list] == [1]


def test_a_trials_page_in_the_admin_shows_what_each_registry_says_of_its_status(
    staff_client: Any, tmp_path: Path
) -> None:
    trial = import_study(tmp_path)

    page = staff_client.get(reverse("admin:trials_trial_change", args=[trial.pk])).content.decode()

    assert "<li>ClinicalTrials.gov NCT06171568: Open (Not yet recruiting), record updated 2023-12-14</li>" in page
