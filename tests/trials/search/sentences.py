"""Patient sentences and exactly what each means: the sentences of issue 18 and ones never seen before.

Each case is the sentence, the text left to search, and every item understood (role, label, filter
parameters, the words it used). The vocabulary is built from the seed file, as the site starts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from trials.search.phrases import InterventionEntry, TumourTypeEntry, Vocabulary
from trials.search.understanding import Role, Understanding

SEED_FILE = Path(__file__).resolve().parents[3] / "trials" / "data" / "net_trials.json"
F, NOT, AFTER = Role.FILTER, Role.NOT, Role.AFTER


def seed_vocabulary() -> Vocabulary:
    bundle = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    return Vocabulary.build(
        tumour_types=[
            TumourTypeEntry(t["slug"], t["name"], t["primary_site"], t["diagnosis"], tuple(t["synonyms"]))
            for t in bundle["tumour_types"]
        ],
        interventions=[
            InterventionEntry(i["slug"], i["name"], i["kind"], tuple(i["synonyms"])) for i in bundle["interventions"]
        ],
        acronyms=[t["acronym"] for t in bundle["trials"] if t["acronym"] and t["published"]],
    )


VOCABULARY = seed_vocabulary()


def tt(*slugs: str) -> tuple[tuple[str, str], ...]:
    return tuple(("tumour_type", slug) for slug in slugs)


def p(name: str, *values: str) -> tuple[tuple[str, str], ...]:
    return tuple((name, value) for value in values)


def site(slug: str) -> tuple[tuple[str, str], ...]:
    """A site named without a diagnosis: its NET type, and the NEC and MiNEN types of any site."""
    return tt("minen", "neuroendocrine-carcinoma", slug)


# "NET" alone: every NET type with a site. A trial for "NET, any site" or for carcinoid syndrome
# covers each of them, so it is found too; a NEC trial is not.
NET = tt(
    "appendix-net",
    "colon-net",
    "duodenal-net",
    "lung-net",
    "pancreatic-net",
    "rectal-net",
    "small-bowel-net",
    "stomach-net",
    "thymus-net",
    "unknown-primary-net",
)
TABLETS = p(
    "intervention",
    "axitinib",
    "cabozantinib",
    "capecitabine",
    "everolimus",
    "lenvatinib",
    "pazopanib",
    "sorafenib",
    "sunitinib",
    "surufatinib",
    "telotristat-etiprate",
    "temozolomide",
)


class Case(NamedTuple):
    q: str
    items: list[tuple[Role, str, tuple[tuple[str, str], ...], tuple[str, ...]]]
    text: str


def case(q: str, text: str, *items: Any) -> Any:
    return pytest.param(Case(q, list(items), text), id=q)


def seen(understanding: Understanding) -> list[tuple[Role, str, tuple[tuple[str, str], ...], tuple[str, ...]]]:
    everything = sorted(understanding.items + understanding.negations, key=lambda item: item.spans[0])
    return [(item.role, item.label, item.params, item.words) for item in everything]


# fmt: off
SENTENCES = [
    case("trials for stomach carcinoid near Birmingham", "",
         (F, "Stomach (gastric) NET", tt("stomach-net"), ("stomach carcinoid",)),
         (F, "Near Birmingham", p("near", "B1"), ("near Birmingham",))),
    case("pancreatic NET grade 2 that has spread", "",
         (F, "Pancreatic NET", tt("pancreatic-net"), ("pancreatic NET",)),
         (F, "Grade 2", p("grade", "G2"), ("grade 2",)),
         (F, "Has spread", p("extent", "metastatic"), ("has spread",))),
    case("NET that has spread to the liver", "",
         (F, "Neuroendocrine tumour (NET)", NET, ("NET",)),
         (F, "Has spread to the liver", p("extent", "metastatic"), ("has spread to the liver",))),
    case("chemo for NEC", "",
         (F, "Chemotherapy", p("intervention_kind", "chemotherapy"), ("chemo",)),
         (F, "Neuroendocrine carcinoma (NEC)", tt("neuroendocrine-carcinoma"), ("NEC",))),
    case("Lu-177", "",
         (F, "Lutetium-177", p("intervention", "lutetium-dotatate", "lutetium-edotreotide", "lutetium-satoreotide"), ("Lu-177",))),
    case("neuroendocrine cancer of the pancreas", "",
         (F, "Started in the pancreas", site("pancreatic-net"), ("pancreas",))),
    case("my mum has a carcinoid in her appendix", "",
         (F, "Appendix NET", tt("appendix-net"), ("carcinoid", "appendix"))),
    case("lutathera trials in Manchester", "",
         (F, "177Lu-dotatate", p("intervention", "lutetium-dotatate"), ("lutathera",)),
         (F, "Near Manchester", p("near", "M1"), ("in Manchester",))),
    case("is there anything for lung NET grade 1 near Leeds", "",
         (F, "Lung NET (lung carcinoid)", tt("lung-net"), ("lung NET",)),
         (F, "Grade 1", p("grade", "G1"), ("grade 1",)),
         (F, "Near Leeds", p("near", "LS1"), ("near Leeds",))),
    case("SSA injections", "",
         (F, "Somatostatin analogue", p("intervention_kind", "somatostatin_analogue"), ("SSA", "injections"))),
    case("trials for NEC after cisplatin", "",
         (F, "Neuroendocrine carcinoma (NEC)", tt("neuroendocrine-carcinoma"), ("NEC",)),
         (AFTER, "After cisplatin", p("intervention", "cisplatin"), ("after cisplatin",))),
    case("M20 4BX", "",
         (F, "Near M20", p("near", "M20"), ("M20 4BX",))),
    case("LS1", "",
         (F, "Near LS1", p("near", "LS1"), ("LS1",))),
    case("started in the small bowel", "",
         (F, "Started in the small bowel", site("small-bowel-net"), ("small bowel",))),
    case("pNET", "",
         (F, "Pancreatic NET", tt("pancreatic-net"), ("pNET",))),
    case("high grade", "",
         (F, "High grade (G3)", p("grade", "G3"), ("high grade",))),
    case("well differentiated NET of the rectum", "",
         (F, "Rectal NET", tt("rectal-net"), ("well differentiated NET", "rectum"))),
    case("can't be operated on", "",
         (F, "Can't be removed by surgery", p("extent", "locally_advanced", "metastatic"), ("can't be operated on",))),
    case("tablets for pancreatic NET", "",
         (F, "Tablets or capsules", TABLETS, ("tablets",)),
         (F, "Pancreatic NET", tt("pancreatic-net"), ("pancreatic NET",))),
    case("radiotherapy injection for small bowel NET", "",
         (F, "PRRT (radionuclide therapy)", p("intervention_kind", "prrt"), ("radiotherapy injection",)),
         (F, "Small bowel NET", tt("small-bowel-net"), ("small bowel NET",))),
    case("open trials for carcinoid syndrome", "",
         (F, "Open", p("status", "open"), ("open",)),
         (F, "Carcinoid syndrome", tt("carcinoid-syndrome"), ("carcinoid syndrome",))),
    case("lutatera trials", "lutatera trials"),
    case("my husband has a small bowel NET with liver mets", "",
         (F, "Small bowel NET", tt("small-bowel-net"), ("small bowel NET",)),
         (F, "Has spread to the liver", p("extent", "metastatic"), ("liver mets",))),
    case("lanreotide or octreotide trials", "",
         (F, "lanreotide", p("intervention", "lanreotide"), ("lanreotide",)),
         (F, "octreotide", p("intervention", "octreotide"), ("octreotide",))),
    case("trials without placebo", "",
         (NOT, "Not placebo", p("intervention", "placebo"), ("without placebo",))),
    case("immunotherapy for high grade NEC", "",
         (F, "Immunotherapy", p("intervention_kind", "immunotherapy"), ("immunotherapy",)),
         (F, "High grade (G3)", p("grade", "G3"), ("high grade",)),
         (F, "Neuroendocrine carcinoma (NEC)", tt("neuroendocrine-carcinoma"), ("NEC",))),
    case("pancreatic NET that can't be removed with surgery", "",
         (F, "Pancreatic NET", tt("pancreatic-net"), ("pancreatic NET",)),
         (F, "Can't be removed by surgery", p("extent", "locally_advanced", "metastatic"), ("can't be removed with surgery",))),
    case("is there a trial for NETs in the lungs near Glasgow", "",
         (F, "Lung NET (lung carcinoid)", tt("lung-net"), ("NETs", "lungs")),
         (F, "Near Glasgow", p("near", "G1"), ("near Glasgow",))),
    case("Sandostatin injections near Newcastle", "",
         (F, "octreotide", p("intervention", "octreotide"), ("Sandostatin",)),
         (F, "Somatostatin analogue", p("intervention_kind", "somatostatin_analogue"), ("injections",)),
         (F, "Near Newcastle upon Tyne", p("near", "NE1"), ("near Newcastle",))),
    case("clinical trials for appendix carcinoid in Oxford", "",
         (F, "Appendix NET", tt("appendix-net"), ("appendix carcinoid",)),
         (F, "Near Oxford", p("near", "OX1"), ("in Oxford",))),
    case("my dad's NET has spread to his bones", "",
         (F, "Neuroendocrine tumour (NET)", NET, ("NET",)),
         (F, "Has spread to the bones", p("extent", "metastatic"), ("has spread to his bones",))),
    case("grade 3 NET not NEC", "",
         (F, "Grade 3", p("grade", "G3"), ("grade 3",)),
         (F, "Neuroendocrine tumour (NET)", NET, ("NET",)),
         (NOT, "Not neuroendocrine carcinoma (NEC)", tt("neuroendocrine-carcinoma"), ("not NEC",))),
    case("stage 4 neuroendocrine cancer", "",
         (F, "Has spread", p("extent", "metastatic"), ("stage 4",))),
    case("PRRT trials near SW1A 1AA", "",
         (F, "PRRT (radionuclide therapy)", p("intervention_kind", "prrt"), ("PRRT",)),
         (F, "Near SW1A", p("near", "SW1A"), ("near SW1A 1AA",))),
    case("closed trials for lung carcinoid", "",
         (F, "Closed", p("status", "closed"), ("closed",)),
         (F, "Lung NET (lung carcinoid)", tt("lung-net"), ("lung carcinoid",))),
    case("insulinoma near Oxford", "",
         (F, "Pancreatic NET", tt("pancreatic-net"), ("insulinoma",)),
         (F, "Near Oxford", p("near", "OX1"), ("near Oxford",))),
    case("metastatic pNET after sunitinib", "",
         (F, "Has spread", p("extent", "metastatic"), ("metastatic",)),
         (F, "Pancreatic NET", tt("pancreatic-net"), ("pNET",)),
         (AFTER, "After sunitinib", p("intervention", "sunitinib"), ("after sunitinib",))),
    case("had PRRT and chemo, what next", "",
         (AFTER, "After PRRT (radionuclide therapy)", p("intervention_kind", "prrt"), ("PRRT",)),
         (AFTER, "After chemotherapy", p("intervention_kind", "chemotherapy"), ("chemo",))),
    case("my wife's NET started in her duodenum", "",
         (F, "Duodenal NET", tt("duodenal-net"), ("NET", "duodenum"))),
    case("NET that did not start in the pancreas", "",
         (F, "Neuroendocrine tumour (NET)", NET, ("NET",)),
         (NOT, "Not started in the pancreas", site("pancreatic-net"), ("not start in the pancreas",))),
    case("trials within 30 miles of Leeds for bowel NET", "",
         (F, "Within 30 miles of Leeds", (("near", "LS1"), ("within_miles", "30")), ("within 30 miles of Leeds",)),
         (F, "Small bowel NET, Large bowel (colon) NET or Rectal NET", tt("small-bowel-net", "colon-net", "rectal-net"), ("bowel", "NET"))),
    case("Xermelo for carcinoid syndrome diarrhoea", "",
         (F, "telotristat etiprate", p("intervention", "telotristat-etiprate"), ("Xermelo",)),
         (F, "Carcinoid syndrome", tt("carcinoid-syndrome"), ("carcinoid syndrome diarrhoea",))),
    case("vitamin B12 NET", "vitamin B12",
         (F, "Neuroendocrine tumour (NET)", NET, ("NET",))),
    case("NET-02", "NET-02"),
    case('"open" trials', '"open" trials'),
    case("NET trials in Reading", "",
         (F, "Neuroendocrine tumour (NET)", NET, ("NET",)),
         (F, "Near Reading", p("near", "RG1"), ("in Reading",))),
    # "in March" is a month more often than the town: a town that is an everyday word needs "near".
    case("NET trials in March", "March",
         (F, "Neuroendocrine tumour (NET)", NET, ("NET",))),
    case("trials in Bath", "",
         (F, "Near Bath", p("near", "BA1"), ("in Bath",))),
    # A symptom is not where a tumour started.
    case("trials for tummy pain", "trials for tummy pain"),
    case("low grade NET", "",
         (F, "Low grade (G1 or G2)", p("grade", "G1", "G2"), ("low grade",)),
         (F, "Neuroendocrine tumour (NET)", NET, ("NET",))),
    case("bath salts", "bath salts"),
    case("trials near Reading", "",
         (F, "Near Reading", p("near", "RG1"), ("near Reading",))),
    case("Milton Keynes pancreatic NET", "",
         (F, "Near Milton Keynes", p("near", "MK1"), ("Milton Keynes",)),
         (F, "Pancreatic NET", tt("pancreatic-net"), ("pancreatic NET",))),
    case("G1/G2 NET", "",
         (F, "Grade 1 or 2", p("grade", "G1", "G2"), ("G1/G2",)),
         (F, "Neuroendocrine tumour (NET)", NET, ("NET",))),
    case("TUMOR of the Pancreas!!", "",
         (F, "Started in the pancreas", site("pancreatic-net"), ("Pancreas",))),
    case("trials near me for tummy NET", "",
         (F, "Stomach (gastric) NET", tt("stomach-net"), ("tummy NET",))),
    case("everolimus (Afinitor) for lung carcinoid", "",
         (F, "everolimus", p("intervention", "everolimus"), ("everolimus", "Afinitor")),
         (F, "Lung NET (lung carcinoid)", tt("lung-net"), ("lung carcinoid",))),
    case("5-FU and cisplatin", "",
         (F, "5-fluorouracil", p("intervention", "fluorouracil"), ("5-FU",)),
         (F, "cisplatin", p("intervention", "cisplatin"), ("cisplatin",))),
    # A treatment already had is never a filter: the person wants what comes after it.
    case("octreotide not working anymore", "",
         (AFTER, "After octreotide", p("intervention", "octreotide"), ("octreotide",))),
    case("i'm on lanreotide and it's stopped working", "",
         (AFTER, "After lanreotide", p("intervention", "lanreotide"), ("i'm on lanreotide",))),
    case("octreotide and lanreotide have both failed", "",
         (AFTER, "After octreotide", p("intervention", "octreotide"), ("octreotide",)),
         (AFTER, "After lanreotide", p("intervention", "lanreotide"), ("lanreotide",))),
    case("failed chemo, is PRRT an option", "",
         (AFTER, "After chemotherapy", p("intervention_kind", "chemotherapy"), ("failed chemo",)),
         (F, "PRRT (radionuclide therapy)", p("intervention_kind", "prrt"), ("PRRT",))),
    case("trials on lanreotide", "",
         (F, "lanreotide", p("intervention", "lanreotide"), ("lanreotide",))),
    case("My mother was diagnosed with a neuroendocrine tumour in her small intestine last year, are there any trials?", "",
         (F, "Small bowel NET", tt("small-bowel-net"), ("neuroendocrine tumour", "small intestine"))),
    case("Is there a clinical trial for grade 3 neuroendocrine carcinoma of the lung near Sheffield?", "",
         (F, "Grade 3", p("grade", "G3"), ("grade 3",)),
         (F, "Neuroendocrine carcinoma (NEC)", tt("neuroendocrine-carcinoma"), ("neuroendocrine carcinoma", "lung")),
         (F, "Near Sheffield", p("near", "S1"), ("near Sheffield",))),
    case("trials for people who have had lutathera before", "",
         (AFTER, "After 177Lu-dotatate", p("intervention", "lutetium-dotatate"), ("have had lutathera",))),
    case("everything except chemo", "",
         (NOT, "Not chemotherapy", p("intervention_kind", "chemotherapy"), ("except chemo",))),
    case("what's the newest treatment for small cell lung cancer", "",
         (F, "Neuroendocrine carcinoma (NEC)", tt("neuroendocrine-carcinoma"), ("small cell", "lung"))),
    case("G3 NET Ki67 30%", "Ki67 30",
         (F, "Grade 3", p("grade", "G3"), ("G3",)),
         (F, "Neuroendocrine tumour (NET)", NET, ("NET",))),
    case("my gran has carcinoid syndrome with flushing and diarrhoea", "",
         (F, "Carcinoid syndrome", tt("carcinoid-syndrome"), ("carcinoid syndrome", "flushing and diarrhoea"))),
]
# fmt: on
