"""Condition mapping: registry terms -> tumour types, on the real records in shared/data/ctgov."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SEED_FILE
from tests.factories import TumourTypeFactory
from trials.importers.conditions import (
    AMBIGUOUS_ABBREVIATIONS,
    NO_NEUROENDOCRINE_CONDITION,
    TypeTerms,
    ctgov_condition_terms,
    map_conditions,
    normalise_term,
    tumour_type_synonyms,
)
from trials.registry.models import TumourType

# The shared folder sits beside the main checkout and above the worktrees: look upwards for it.
SHARED = next(p / "shared" for p in Path(__file__).resolve().parents if (p / "shared" / "data" / "ctgov").is_dir())
V2 = SHARED / "data" / "ctgov" / "v2"
FLATTENED = SHARED / "data" / "ctgov" / "net-flattened"
UK_FACTS = SHARED / "reference" / "uk" / "net-trials-facts.json"


@pytest.fixture(scope="module")
def synonyms() -> dict[str, str]:
    """The seed's tumour types and their synonyms: the vocabulary the site ships."""
    seed = json.loads(SEED_FILE.read_text(encoding="utf-8"))["tumour_types"]
    return tumour_type_synonyms(TypeTerms.from_dict(t) for t in seed).terms


def _studies(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [s for item in data for s in _studies(item)]
    if isinstance(data, dict) and "studies" in data:
        return _studies(data["studies"])
    return [data] if isinstance(data, dict) and "protocolSection" in data else []


# Every file in shared/data/ctgov/v2: {NCT id: tumour types}. None of them is a NET/NEC study, and
# several are traps: melanoma (a MeSH child of "Neuroendocrine Tumors"), pancreatic cancer and
# pancreatic insufficiency, non-small cell lung cancer.
V2_EXPECTED: dict[str, dict[str, tuple[str, ...]]] = {
    "NCT00465816.json": {"NCT00465816": ()},
    "NCT00763412.json": {"NCT00763412": ()},
    "NCT00973089.json": {"NCT00973089": ()},
    "NCT02210780.json": {"NCT02210780": ()},
    "NCT02513394.json": {"NCT02513394": ()},
    "NCT02552212.json": {"NCT02552212": ()},
    "NCT03064438.json": {"NCT03064438": ()},
    "NCT03418623.json": {"NCT03418623": ()},
    "NCT03453554.json": {"NCT03453554": ()},
    "NCT03475563.json": {"NCT03475563": ()},
    "NCT03630471.json": {"NCT03630471": ()},
    "NCT04207047.json": {"NCT04207047": ()},
    "NCT04431453.json": {"NCT04431453": ()},
    "NCT05594173.json": {"NCT05594173": ()},
    "NCT06171568.json": {"NCT06171568": ()},
    "get_nct02576665_20260811.json": {"NCT02576665": ()},
    "get_nct06382129_20260811.json": {"NCT06382129": ()},
    "get_nct06604689_20260811.json": {"NCT06604689": ()},
    "page_NCT03281889.json": {"NCT03281889": ()},
    "search_age_count_20260811.json": {"NCT01595035": ()},
    "search_keytruda_limit3_20260811.json": {"NCT05431270": (), "NCT03590054": (), "NCT04795661": ()},
    "search_melanoma_recruiting_limit3_20260811.json": {"NCT06970236": (), "NCT04114136": (), "NCT04318717": ()},
    "search_nsclc_egfr_l858r_20260811.json": {"NCT06382129": (), "NCT06604689": ()},
    "search_phelan_limit50_20260811.json": {"NCT02710084": (), "NCT05105685": (), "NCT01525901": ()},
    "search_phelan_limit5_20260811.json": {
        "NCT02710084": (),
        "NCT05105685": (),
        "NCT01525901": (),
        "NCT03493607": (),
        "NCT07119606": (),
    },
    "search_phelan_next_20260811.json": {
        "NCT05187377": (),
        "NCT03836300": (),
        "NCT07014020": (),
        "NCT05025241": (),
        "NCT07281079": (),
    },
}


def test_the_expected_mappings_list_every_v2_file() -> None:
    assert sorted(V2_EXPECTED) == sorted(p.name for p in V2.glob("*.json"))


@pytest.mark.parametrize("filename", sorted(V2_EXPECTED))
def test_it_maps_each_real_v2_study_as_listed(filename: str, synonyms: dict[str, str]) -> None:
    studies = _studies(json.loads((V2 / filename).read_text(encoding="utf-8")))
    found = {}
    for study in studies:
        terms = ctgov_condition_terms(study)
        mapping = map_conditions(terms, synonyms)
        found[study["protocolSection"]["identificationModule"]["nctId"]] = mapping.slugs
        if not mapping.slugs:
            assert mapping.draft_reason == NO_NEUROENDOCRINE_CONDITION
            assert len(mapping.unmatched) == len({normalise_term(t) for t in terms})
    assert found == V2_EXPECTED[filename]


def test_it_reads_conditions_keywords_and_mesh_terms_but_not_mesh_ancestors() -> None:
    study = json.loads((V2 / "NCT00763412.json").read_text(encoding="utf-8"))
    terms = ctgov_condition_terms(study)
    assert terms[:2] == ["Cystic Fibrosis Related Diabetes", "Pancreatic Insufficiency"]
    assert terms[-6:] == [
        "Cystic Fibrosis",
        "Exocrine Pancreatic Insufficiency",
        "Diabetes Mellitus",
        "Prediabetic State",
        "Glucose Intolerance",
        "Fibrosis",
    ]
    assert "Endocrine System Diseases" not in terms  # an ancestor


def test_a_melanoma_study_under_the_neuroendocrine_tumors_mesh_branch_maps_to_nothing(
    synonyms: dict[str, str],
) -> None:
    # The shape of a full record: MeSH files Melanoma under Neuroendocrine Tumors (mesh-notes.md).
    study = {
        "protocolSection": {"conditionsModule": {"conditions": ["Melanoma", "Uveal Melanoma"]}},
        "derivedSection": {
            "conditionBrowseModule": {
                "meshes": [{"id": "D008545", "term": "Melanoma"}],
                "ancestors": [
                    {"id": "D018358", "term": "Neuroendocrine Tumors"},
                    {"id": "D017599", "term": "Neuroectodermal Tumors"},
                ],
            }
        },
    }
    mapping = map_conditions(ctgov_condition_terms(study), synonyms)
    assert mapping.slugs == ()
    assert mapping.unmatched == ("Melanoma", "Uveal Melanoma")


def test_it_copes_with_partial_records_without_the_modules() -> None:
    assert ctgov_condition_terms({}) == []
    assert ctgov_condition_terms({"protocolSection": {"conditionsModule": {"keywords": ["NET", 3, " "]}}}) == ["NET"]


# The real NET records (TrialGPT's flattened copies of ClinicalTrials.gov records).
@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("NCT01466036.json", ("neuroendocrine-tumour", "pancreatic-net")),
        ("NCT01824875.json", ("pancreatic-net",)),
        ("NCT02678780.json", ("neuroendocrine-tumour",)),
    ],
)
def test_it_maps_the_real_net_records(filename: str, expected: tuple[str, ...], synonyms: dict[str, str]) -> None:
    record = json.loads((FLATTENED / filename).read_text(encoding="utf-8"))
    mapping = map_conditions(record["condition"], synonyms)
    assert mapping.slugs == expected
    assert mapping.unmatched == ()


# The condition strings of the UK NET studies (shared/reference/uk/net-trials-facts.json).
UK_EXPECTED = {
    "NCT04919226": (("neuroendocrine-tumour",), ()),
    "NCT03972488": (("neuroendocrine-tumour",), ()),
    "NCT04711135": (("neuroendocrine-tumour",), ("Pheochromocytoma", "Paraganglioma")),
    "NCT06121271": (
        ("lung-net", "neuroendocrine-tumour", "thymus-net"),
        ("Paraganglioma/phaeochromocytoma", "Medullary thyroid carcinoma"),
    ),
    "NCT04362436": (("neuroendocrine-tumour",), ()),
    "NCT04324502": (("neuroendocrine-tumour",), ()),
    "NCT03837977": (("neuroendocrine-carcinoma",), ()),
    "NCT06456723": (("neuroendocrine-tumour",), ()),
    "NCT03049189": (("neuroendocrine-tumour",), ()),
    "IRAS 331942": (("neuroendocrine-tumour", "pancreatic-net"), ("Paraganglioma", "Phaeochromocytoma")),
}


def test_it_maps_the_conditions_of_the_uk_studies(synonyms: dict[str, str]) -> None:
    facts = json.loads(UK_FACTS.read_text(encoding="utf-8"))["trials"]
    found = {}
    for trial in facts:
        key = trial["ids"]["nct"] or f"IRAS {trial['ids']['iras']}"
        mapping = map_conditions(trial["conditions"], synonyms)
        found[key] = (mapping.slugs, mapping.unmatched)
    assert found == UK_EXPECTED


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("Neuroendocrine Tumors", "neuroendocrine-tumour"),
        ("neuroendocrine tumour", "neuroendocrine-tumour"),
        ("Neuro-endocrine tumours", "neuroendocrine-tumour"),
        ("NEUROENDOCRINE TUMOR(S)", "neuroendocrine-tumour"),
        ("Carcinoid Tumor", "neuroendocrine-tumour"),
        ("Carcinoid", "neuroendocrine-tumour"),
        ("GEP-NET", "neuroendocrine-tumour"),
        ("GEP-NETs", "neuroendocrine-tumour"),
        ("Gastroenteropancreatic Neuroendocrine Tumors", "neuroendocrine-tumour"),
        ("Well-Differentiated Neuroendocrine Carcinoma", "neuroendocrine-tumour"),
        ("Non-functioning NET", "neuroendocrine-tumour"),
        ("Pancreatic Neuroendocrine Tumor", "pancreatic-net"),
        ("Metastatic Pancreatic Neuroendocrine Tumours", "pancreatic-net"),
        ("Non-functioning pancreatic NET", "pancreatic-net"),
        ("PanNET", "pancreatic-net"),
        ("Islet Cell Carcinoma", "pancreatic-net"),
        ("Adenoma, Islet Cell", "pancreatic-net"),
        ("Insulinomas", "pancreatic-net"),
        ("Small Intestinal Neuroendocrine Tumor", "small-bowel-net"),
        ("SI-NET", "small-bowel-net"),
        ("Type 1 gastric NET", "stomach-net"),
        ("Bronchial Carcinoid Tumor", "lung-net"),
        ("Atypical Carcinoid", "lung-net"),
        ("Thymic neuroendocrine tumour", "thymus-net"),
        ("Neuroendocrine Carcinoma", "neuroendocrine-carcinoma"),
        ("Carcinoma, Neuroendocrine", "neuroendocrine-carcinoma"),
        ("Large Cell Neuroendocrine Carcinoma of the Lung", "neuroendocrine-carcinoma"),
        ("Small cell neuroendocrine carcinoma of the lung", "neuroendocrine-carcinoma"),
        ("Small cell/large cell neuroendocrine carcinoma", "neuroendocrine-carcinoma"),
        ("Extrapulmonary Neuroendocrine Carcinomas", "neuroendocrine-carcinoma"),
        ("LCNEC", "neuroendocrine-carcinoma"),
        ("Carcinoid Syndrome", "carcinoid-syndrome"),
        ("Malignant Carcinoid Syndrome", "carcinoid-syndrome"),
        ("Carcinoid Heart Disease", "carcinoid-syndrome"),
        ("Carcinoid syndrome diarrhea", "carcinoid-syndrome"),
        ("MiNEN", "minen"),
        ("Mixed Neuroendocrine Non-Neuroendocrine Neoplasm", "minen"),
        ("Mixed adenoneuroendocrine carcinoma (MANEC)", "minen"),
        ("Neuroendocrine Neoplasms", "neuroendocrine-neoplasm"),
        ("Neuroendocrine cancer", "neuroendocrine-neoplasm"),
        ("GEP-NENs", "neuroendocrine-neoplasm"),
        ("Apudoma", "neuroendocrine-neoplasm"),
    ],
)
def test_it_maps_registry_spellings_onto_one_tumour_type(term: str, expected: str, synonyms: dict[str, str]) -> None:
    assert map_conditions([term], synonyms).slugs == (expected,)


@pytest.mark.parametrize(
    "term",
    [
        "Melanoma",
        "Small Cell Lung Carcinoma",
        "Carcinoma, Small Cell",
        "Extensive-stage SCLC",
        "Non-Small Cell Lung Cancer",
        "Merkel Cell Carcinoma",
        "Pheochromocytoma",
        "Paraganglioma",
        "Medullary Thyroid Carcinoma",
        "Neuroendocrine Prostate Cancer",
        "Pancreatic Cancer",
        "Pancreatic Ductal Adenocarcinoma",
        "Mixed Tumor of the Salivary Gland",
        "Poorly Differentiated Thyroid Carcinoma",
        "Islet Cell Transplantation",
        "Primitive Neuroectodermal Tumor",
        "Mosquito bed nets",
    ],
)
def test_it_leaves_out_of_scope_and_look_alike_terms_unmapped(term: str, synonyms: dict[str, str]) -> None:
    mapping = map_conditions([term], synonyms)
    assert (mapping.slugs, mapping.unmatched) == ((), (term,))


def test_a_longer_synonym_wins_over_the_shorter_one_inside_it(synonyms: dict[str, str]) -> None:
    mapping = map_conditions(["Advanced Pancreatic Neuroendocrine Tumour"], synonyms)
    assert [(m.slug, m.synonym) for m in mapping.matches] == [("pancreatic-net", "pancreatic neuroendocrine tumour")]


def test_a_term_naming_two_types_maps_to_both(synonyms: dict[str, str]) -> None:
    mapping = map_conditions(["Neuroendocrine tumours with carcinoid syndrome"], synonyms)
    assert mapping.slugs == ("carcinoid-syndrome", "neuroendocrine-tumour")


def test_a_synonym_right_after_non_does_not_match() -> None:
    synonyms = {"functioning net": "carcinoid-syndrome", "pancreatic net": "pancreatic-net"}
    assert map_conditions(["Non-functioning NET"], synonyms).slugs == ()
    assert map_conditions(["Functioning NET of the small bowel"], synonyms).slugs == ("carcinoid-syndrome",)
    assert map_conditions(["Non-functioning pancreatic NET"], synonyms).slugs == ("pancreatic-net",)


def test_vague_seed_synonyms_match_whole_terms_only(synonyms: dict[str, str]) -> None:
    assert map_conditions(["Mixed tumour"], synonyms).slugs == ("minen",)
    assert map_conditions(["Mixed Tumor, Malignant"], synonyms).slugs == ()


@pytest.mark.parametrize("abbreviation", ["NET", "NETs", "NEC", "NEN", "pNET"])
def test_an_ambiguous_abbreviation_alone_leaves_the_study_unconfirmed(
    abbreviation: str, synonyms: dict[str, str]
) -> None:
    mapping = map_conditions(["COVID-19", abbreviation], synonyms)
    assert mapping.slugs == ()
    assert mapping.unconfirmed == (abbreviation,)
    assert mapping.unmatched == ("COVID-19", abbreviation)
    assert mapping.draft_reason == NO_NEUROENDOCRINE_CONDITION


def test_necrotising_enterocolitis_abbreviated_nec_is_not_a_carcinoma(synonyms: dict[str, str]) -> None:
    mapping = map_conditions(["Necrotizing Enterocolitis", "NEC", "Preterm Infant"], synonyms)
    assert mapping.slugs == ()
    assert mapping.unconfirmed == ("NEC",)


def test_an_ambiguous_abbreviation_counts_beside_an_unambiguous_term(synonyms: dict[str, str]) -> None:
    mapping = map_conditions(["Neuroendocrine Tumors", "pNET", "NEC"], synonyms)
    assert mapping.slugs == ("neuroendocrine-carcinoma", "neuroendocrine-tumour", "pancreatic-net")
    assert mapping.unconfirmed == ()
    assert mapping.draft_reason == ""


def test_each_match_names_the_term_and_the_synonym(synonyms: dict[str, str]) -> None:
    mapping = map_conditions(["Liver metastases", "Carcinoid Tumors", "carcinoid tumour"], synonyms)
    assert [(m.term, m.slug, m.synonym) for m in mapping.matches] == [
        ("Carcinoid Tumors", "neuroendocrine-tumour", "carcinoid tumour")
    ]
    assert mapping.unmatched == ("Liver metastases",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Neuroendocrine Tumors", "neuroendocrine tumour"),
        ("  GEP-NETs ", "gep net"),
        ("Tumor(s) of the Esophagus", "tumour of the oesophagus"),
        ("Esophageal hemorrhage", "oesophageal haemorrhage"),
        ("Chemotherapy", "chemotherapy"),
        ("Hypoglycemia", "hypoglycaemia"),
        ("Chemotherapy-induced anemia", "chemotherapy induced anaemia"),
        ("Carcinoid syndrome diarrhea", "carcinoid syndrome diarrhoea"),
        ("Neoplasms, Pancreatic", "neoplasm pancreatic"),
        ("Pancreas metastasis", "pancreas metastasis"),
        ("Carcinomas and VIPomas", "carcinoma and vipoma"),
        ("Crohn's disease", "crohn disease"),
        ("Sjögren syndrome", "sjogren syndrome"),
        ("Small cell/large cell", "small cell large cell"),
    ],
)
def test_normalise_term_folds_case_spelling_plurals_and_punctuation(text: str, expected: str) -> None:
    assert normalise_term(text) == expected


def test_an_admin_synonym_on_a_tumour_type_row_maps_at_once(db: None) -> None:
    TumourTypeFactory(slug="lung-net", name="Lung NET", primary_site="lung", diagnosis="net", synonyms=[])
    before = tumour_type_synonyms(TumourType.objects.all()).terms
    assert map_conditions(["Typical Carcinoid of the Lung"], before).slugs == ()

    TumourType.objects.filter(slug="lung-net").update(synonyms=["typical carcinoid"])
    after = tumour_type_synonyms(TumourType.objects.all()).terms
    assert after == {"lung net": "lung-net", "typical carcinoid": "lung-net"}
    assert map_conditions(["Typical Carcinoid of the Lung"], after).slugs == ("lung-net",)


def test_a_term_two_types_claim_goes_to_the_type_covering_the_other() -> None:
    index = tumour_type_synonyms(
        [
            TypeTerms("lung-net", "Lung NET", "lung", "net", ("carcinoid",)),
            TypeTerms("neuroendocrine-tumour", "NET", "", "net", ("carcinoid",)),
        ]
    )
    assert index.terms["carcinoid"] == "neuroendocrine-tumour"
    assert index.conflicts == {}


def test_a_term_two_unrelated_types_claim_maps_to_neither() -> None:
    index = tumour_type_synonyms(
        [
            TypeTerms("stomach-net", "Stomach NET", "stomach", "net", ("gastric tumour",)),
            TypeTerms("neuroendocrine-carcinoma", "NEC", "", "nec", ("gastric tumour",)),
        ]
    )
    assert "gastric tumour" not in index.terms
    assert index.conflicts == {"gastric tumour": ("neuroendocrine-carcinoma", "stomach-net")}


def test_a_term_two_equally_wide_types_claim_maps_to_neither() -> None:
    index = tumour_type_synonyms(
        [
            TypeTerms("neuroendocrine-tumour", "NET", "", "net", ("carcinoid",)),
            TypeTerms("carcinoid-syndrome", "Carcinoid syndrome", "", "net", ("carcinoid",)),
        ]
    )
    assert "carcinoid" not in index.terms
    assert index.conflicts == {"carcinoid": ("carcinoid-syndrome", "neuroendocrine-tumour")}


def test_the_seed_vocabulary_has_no_conflicts(seed_bundle: dict[str, Any]) -> None:
    index = tumour_type_synonyms(TypeTerms.from_dict(t) for t in seed_bundle["tumour_types"])
    assert index.conflicts == {}


def test_terms_meaning_any_neuroendocrine_neoplasm_leave_the_narrower_seed_types(
    seed_bundle: dict[str, Any],
) -> None:
    # The seed lists these under "NET, any site" and "NEC", which would shut out a NEC or a NET.
    index = tumour_type_synonyms(TypeTerms.from_dict(t) for t in seed_bundle["tumour_types"])
    for term in ("neuroendocrine neoplasm", "nen", "neuroendocrine cancer"):
        assert index.terms[term] == "neuroendocrine-neoplasm"


def test_the_ambiguous_abbreviations_are_seed_synonyms(seed_bundle: dict[str, Any]) -> None:
    # Rule 3 guards terms the seed really has, so it must follow their normalised spelling.
    seed_terms = {normalise_term(s) for t in seed_bundle["tumour_types"] for s in t["synonyms"]}
    assert seed_terms >= AMBIGUOUS_ABBREVIATIONS
