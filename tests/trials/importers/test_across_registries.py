"""One trial across registries: matched by any shared number, with ownership and the newest status winning."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from tests.factories import TrialFactory
from tests.trials.importers.standin import FULL_TRIAL_RE, ISRCTN_DATA, RecordedTrial, StandIn, isrctn_search, json_reply
from tests.trials.importers.syncing import ISRCTN_SEARCH, STUDIES, export, history_counts, run, study
from trials.importers.identity import Identifiers, trial_for_identifiers
from trials.registry.choices import Registry
from trials.registry.models import Trial
from trials.registry.services import trials_set_published
from trials.registry.syncs import RegistryRecord

pytestmark = pytest.mark.django_db

# A ClinicalTrials.gov record last updated on 2023-12-14 (not yet recruiting: open), and an ISRCTN record
# last edited on 2026-09-30 (recruitment ended, results published), edited to name the same NCT number.
NCT = "NCT06171568"
ISRCTN = "ISRCTN62918594"
HMBD = ISRCTN_DATA / "record_ISRCTN62918594_HMBD-001_CRUK.xml"


def isrctn_copy(tmp_path: Path, nct: str = NCT) -> Path:
    path = tmp_path / "hmbd-with-nct.xml"
    path.write_text(HMBD.read_text(encoding="utf-8").replace("NCT05057013", nct), encoding="utf-8")
    return path


def import_isrctn(path: Path) -> str:
    out = io.StringIO()
    call_command("import_isrctn", str(path), stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def ctgov(standin: StandIn, sync_sleeps: list[float]) -> StandIn:
    standin.route(STUDIES, lambda request: json_reply({"studies": [study(f"{NCT}.json")]}))
    return standin


def test_a_ctgov_record_and_an_isrctn_record_of_one_trial_are_one_trial(ctgov: StandIn, tmp_path: Path) -> None:
    run("sync_ctgov", ctgov)
    ctgov_title = Trial.objects.get().title

    out = import_isrctn(isrctn_copy(tmp_path))

    trial = Trial.objects.get()
    assert (trial.nct_id, trial.isrctn, trial.iras, trial.eudract) == (NCT, ISRCTN, "298897", "2020-005891-36")
    # ClinicalTrials.gov owns the registry fields; ISRCTN added its numbers and, being newer, its status.
    assert trial.title == ctgov_title
    assert "From the ISRCTN record:" not in trial.other_information
    assert (trial.status, trial.status_source, trial.status_confirmed) == ("results", "ISRCTN", dt.date(2026, 9, 30))
    records = RegistryRecord.objects.filter(trial=trial).order_by("registry")
    assert [(r.registry, r.identifier, r.status, r.updated) for r in records] == [
        ("ctgov", NCT, "open", dt.date(2023, 12, 14)),
        ("isrctn", ISRCTN, "results", dt.date(2026, 9, 30)),
    ]
    assert out.splitlines()[-1] == "0 created, 1 updated, 0 unchanged, 0 failed, 1 held back"


def test_the_trial_page_says_which_registry_its_status_comes_from(ctgov: StandIn, tmp_path: Path, client: Any) -> None:
    run("sync_ctgov", ctgov)
    trial = Trial.objects.get()
    trials_set_published(trials=[trial], published=True)
    opened = (
        '<span class="status status-open">Open to new patients</span> <span class="status-date">according to '
        'ClinicalTrials.gov on <time datetime="2023-12-01">1 December 2023</time></span>'
    )
    assert opened in " ".join(client.get(trial.get_absolute_url()).text.split())

    import_isrctn(isrctn_copy(tmp_path))

    results = (
        '<span class="status status-results">Finished, with results</span> <span class="status-date">according to '
        'ISRCTN on <time datetime="2026-09-30">30 September 2026</time></span>'
    )
    assert results in " ".join(client.get(trial.get_absolute_url()).text.split())


def test_an_isrctn_trial_later_found_on_ctgov_stays_one_trial_that_ctgov_then_describes(
    ctgov: StandIn, tmp_path: Path
) -> None:
    import_isrctn(isrctn_copy(tmp_path))
    created = Trial.objects.get()
    assert created.title.startswith("A Phase I/IIa trial of HMBD-001")
    assert "From the ISRCTN record:" in created.other_information

    run("sync_ctgov", ctgov)

    trial = Trial.objects.get()
    assert (trial.pk, trial.slug, trial.nct_id, trial.isrctn) == (created.pk, created.slug, NCT, ISRCTN)
    assert trial.title == study(f"{NCT}.json")["protocolSection"]["identificationModule"]["briefTitle"]
    assert "From the ISRCTN record:" not in trial.other_information
    assert "From the ClinicalTrials.gov record:" in trial.other_information
    # The ISRCTN record is the more recently updated: its status stays.
    assert (trial.status, trial.status_source) == ("results", "ISRCTN")


def test_running_both_registries_again_changes_nothing(ctgov: StandIn, tmp_path: Path) -> None:
    path = isrctn_copy(tmp_path)
    run("sync_ctgov", ctgov)
    import_isrctn(path)
    before, history = export(), history_counts()

    run("sync_ctgov", ctgov, "--since", "2020-01-01")
    import_isrctn(path)

    assert export() == before
    assert history_counts() == history


def test_an_isrctn_sync_joins_its_trial_to_the_ctgov_one(ctgov: StandIn, tmp_path: Path) -> None:
    run("sync_ctgov", ctgov)
    (full_trial,) = FULL_TRIAL_RE.findall(isrctn_copy(tmp_path).read_text(encoding="utf-8"))
    ctgov.route(ISRCTN_SEARCH, isrctn_search([RecordedTrial(ISRCTN, "2026-09-30T14:08:37", full_trial)]))

    run("sync_isrctn", ctgov)

    assert list(Trial.objects.values_list("nct_id", "isrctn")) == [(NCT, ISRCTN)]


def test_a_record_whose_numbers_are_two_trials_fails_naming_both(tmp_path: Path) -> None:
    TrialFactory(slug="by-nct", nct_id=NCT)
    TrialFactory(slug="by-iras", iras="298897")

    with pytest.raises(CommandError, match=r"^1 record\(s\) failed\.$"):
        import_isrctn(isrctn_copy(tmp_path))

    assert Trial.objects.count() == 2
    assert not Trial.objects.filter(isrctn=ISRCTN).exists()


@pytest.mark.parametrize(
    ("numbers", "slug"),
    [
        ({"nct": NCT}, "by-nct"),
        ({"isrctn": ISRCTN}, "by-isrctn"),
        ({"eudract": "2020-005891-36"}, "by-eudract"),
        ({"iras": "298897"}, "by-iras"),
    ],
)
def test_a_record_is_matched_by_any_number_it_shares(numbers: dict[str, str], slug: str) -> None:
    TrialFactory(slug="by-nct", nct_id=NCT)
    TrialFactory(slug="by-isrctn", isrctn=ISRCTN)
    TrialFactory(slug="by-eudract", eudract="2020-005891-36")
    TrialFactory(slug="by-iras", iras="298897")

    found = trial_for_identifiers(Identifiers(registry=Registry.CTGOV, **numbers))

    assert found is not None
    assert found.slug == slug


def test_two_trials_sharing_a_records_numbers_are_refused_by_name() -> None:
    TrialFactory(slug="by-nct", nct_id=NCT)
    TrialFactory(slug="by-iras", iras="298897")

    with pytest.raises(ValidationError) as raised:
        trial_for_identifiers(Identifiers(registry=Registry.ISRCTN, isrctn=ISRCTN, nct=NCT, iras="298897"))

    assert raised.value.message_dict == {
        "identifiers": [
            "this record's numbers belong to different trials: by-nct (NCT NCT06171568); by-iras (IRAS 298897). "
            "An admin must merge them."
        ]
    }


def test_a_trial_with_another_number_in_the_records_own_registry_is_refused() -> None:
    TrialFactory(slug="other-isrctn", isrctn="ISRCTN11111111", nct_id=NCT)

    with pytest.raises(ValidationError) as raised:
        trial_for_identifiers(Identifiers(registry=Registry.ISRCTN, isrctn=ISRCTN, nct=NCT))

    assert raised.value.message_dict == {
        "identifiers": [
            "ISRCTN62918594 shares NCT NCT06171568 with other-isrctn, which is ISRCTN ISRCTN11111111. "
            "An admin must settle which record is this trial's."
        ]
    }
