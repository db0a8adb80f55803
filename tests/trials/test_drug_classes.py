"""Drug classes: the seeded vocabulary, rules naming a class, the admin, the export, and criteria with
a cohort through the record and the admin."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from tests.factories import InterventionFactory, TrialFactory
from tests.trials.test_admin import trial_form
from trials.eligibility.engine import Verdict
from trials.eligibility.patient import PatientFacts
from trials.eligibility.ranking import RankedTrials
from trials.record.parsing import RecordInvalid, parse_drug_class
from trials.registry.drug_classes import DrugClass
from trials.registry.models import Criterion, Intervention

pytestmark = pytest.mark.django_db
NET_02 = "a-trial-chemotherapy-neuroendrocrine-carcinoma-started-any-part-body-except-lungs-net-02"


def members(slug: str) -> list[str]:
    return sorted(DrugClass.objects.get(slug=slug).members.values_list("slug", flat=True))


def test_the_seed_has_the_classes_and_the_net_and_nec_drugs_with_their_brand_names(seeded: None) -> None:
    assert members("platinum-agents") == ["carboplatin", "cisplatin", "oxaliplatin"]
    assert members("mtor-inhibitors") == ["everolimus"]
    assert "bevacizumab" in members("vegf-inhibitors")
    assert "bevacizumab" not in members("tyrosine-kinase-inhibitors")
    assert Intervention.objects.get(slug="etoposide").synonyms == ["VP-16", "Etopophos", "Vepesid"]
    assert Intervention.objects.get(slug="nivolumab").kind == "immunotherapy"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (["class:platinum-agents"], None),
        (["class:platinum-agents", "lenvatinib", "chemotherapy"], None),
        (["class:no-such-class"], "Unknown intervention class:no-such-class; use an intervention's slug, a drug class"),
    ],
)
def test_a_rule_may_name_a_known_class(seeded: None, value: list[str], error: str | None) -> None:
    criterion = Criterion(
        trial=TrialFactory(),
        kind="inclusion",
        text="Had platinum.",
        rule={"fact": "prior_treatments", "operator": "includes_any", "value": value},
    )
    if error is None:
        criterion.full_clean()
    else:
        with pytest.raises(ValidationError, match=error):
            criterion.full_clean()


def test_a_drug_added_to_a_class_counts_at_once(seeded: None) -> None:
    facts = PatientFacts(
        age=58, diagnosis="nec", primary_site="colon", extent="metastatic", ecog=1, prior_treatments=("docetaxel",)
    )
    assert RankedTrials(facts, slugs=[NET_02])[0].verdict is Verdict.NOT_ELIGIBLE

    DrugClass.objects.get(slug="platinum-agents").members.add(Intervention.objects.get(slug="docetaxel"))

    assert RankedTrials(facts, slugs=[NET_02])[0].verdict is Verdict.LIKELY_ELIGIBLE


def test_the_admin_lists_and_edits_classes(seeded: None, staff_client: Any) -> None:
    page = staff_client.get(reverse("admin:trials_drugclass_changelist"))
    assert page.status_code == 200
    assert "carboplatin, cisplatin, oxaliplatin" in page.content.decode()
    platinum = DrugClass.objects.get(slug="platinum-agents")
    response = staff_client.post(
        reverse("admin:trials_drugclass_change", args=[platinum.pk]),
        {
            "slug": "platinum-agents",
            "name": "Platinum agents",
            "description": platinum.description,
            "members": [Intervention.objects.get(slug=s).pk for s in ("cisplatin", "carboplatin")],
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    assert members("platinum-agents") == ["carboplatin", "cisplatin"]


def test_the_admin_saves_a_criterion_with_its_cohort(staff_client: Any) -> None:
    InterventionFactory(slug="everolimus", name="everolimus", kind="targeted_drug")
    data = trial_form(
        **{
            "criteria-TOTAL_FORMS": "1",
            "criteria-0-kind": "inclusion",
            "criteria-0-cohort": "Pancreatic NET",
            "criteria-0-position": "0",
            "criteria-0-text": "You have had everolimus.",
            "criteria-0-fact": "prior_treatments",
            "criteria-0-operator": "includes_any",
            "criteria-0-value": "everolimus",
        }
    )
    assert staff_client.post(reverse("admin:trials_trial_add"), data).status_code == 302
    criterion = Criterion.objects.get()
    assert (criterion.cohort, criterion.trial.rule_keys) == (
        "Pancreatic NET",
        [
            'cohort:Pancreatic NET\tinclusion {"fact":"prior_treatments","operator":"includes_any","value":["everolimus"]}'
        ],
    )


def test_the_export_carries_the_classes_its_rules_name_and_their_members(seeded: None) -> None:
    out = io.StringIO()
    call_command("export_trials", stdout=out)
    bundle = json.loads(out.getvalue())

    assert [c["slug"] for c in bundle["drug_classes"]] == ["platinum-agents", "vegf-inhibitors"]
    assert bundle["drug_classes"][0]["members"] == ["carboplatin", "cisplatin", "oxaliplatin"]
    assert {"carboplatin", "oxaliplatin", "sorafenib"} <= {i["slug"] for i in bundle["interventions"]}
    talent = next(t for t in bundle["trials"] if t["slug"] == "talent-lenvatinib-neuroendocrine-tumours")
    assert sorted({c["cohort"] for c in talent["eligibility"]["criteria"]}) == [
        "",
        "Gastrointestinal NET",
        "Pancreatic NET",
    ]


def test_a_class_entry_names_its_bad_members() -> None:
    with pytest.raises(RecordInvalid, match=r"members\[1\]: 'not a slug' is not an intervention slug."):
        parse_drug_class({"slug": "x", "name": "X", "members": ["cisplatin", "not a slug"]})


def test_the_api_lists_the_classes_with_the_rule_value_and_members(seeded: None, client: Any) -> None:
    response = client.get("/api/v1/drug-classes/")
    assert response.status_code == 200
    platinum = next(c for c in response.json() if c["slug"] == "platinum-agents")
    assert platinum == {
        "slug": "platinum-agents",
        "name": "Platinum agents",
        "rule_value": "class:platinum-agents",
        "description": "Chemotherapy drugs made with platinum.",
        "members": ["carboplatin", "cisplatin", "oxaliplatin"],
    }
