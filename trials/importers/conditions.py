"""Map a registry's condition terms (conditions, keywords, MeSH terms) onto our tumour types.

The vocabulary is data: each tumour type's name and synonyms (shipped in trials/data/net_trials.json,
which holds the registries' own phrasings, MeSH descriptors as NLM writes them and site-specific
names), which an admin extends in the admin.
`tumour_type_synonyms()` turns the rows into {normalised term: slug}; `map_conditions()` matches a
study's terms against it. The rules are explicit, so that they can be tested and explained:

1. A term matches when its normalised form equals a synonym (case, US/UK spelling, plurals,
   punctuation and hyphens do not matter: "Neuroendocrine Tumors" = "neuroendocrine tumour").
2. Otherwise a synonym matches when it occurs inside the term as whole words ("Metastatic Pancreatic
   Neuroendocrine Tumor" contains "pancreatic neuroendocrine tumour"), longest synonyms first, each
   word used once, and not right after "non" ("non-functioning NET" is not "functioning NET"). Only
   synonyms holding a word that names a neuroendocrine neoplasm (NEN_WORDS) are looked for inside
   longer terms: vaguer seed synonyms such as "mixed tumour" or "poorly differentiated" (kept for
   search) would otherwise claim "Mixed Tumor of the Salivary Gland" or "Poorly Differentiated
   Thyroid Carcinoma".
3. The short abbreviations in AMBIGUOUS_ABBREVIATIONS ("NET", "NEC", "NEN", "pNET") also mean other
   things (neutrophil extracellular traps, necrotising enterocolitis, primitive neuroectodermal
   tumour), so they match only as whole terms, and count only when another term of the same study
   matched without them; alone they are reported as `unconfirmed`.

Never a whole MeSH branch: MeSH files Melanoma under "Neuroendocrine Tumors", so only a study's own
`meshes` terms are read, never their `ancestors` (shared/reference/ctgov/mesh-notes.md).

Scope decisions (each a term left out of the synonyms on purpose, so such studies stay drafts for an
admin to look at): small cell lung cancer ("Small Cell Lung Carcinoma", "SCLC", "Carcinoma, Small
Cell") is not mapped: its trials are for lung SCLC only and are run apart from NET/NEC care; a
"small cell neuroendocrine carcinoma" named as such is a NEC. Merkel cell carcinoma is a
neuroendocrine carcinoma of the skin, but it is treated by skin cancer teams and its trials recruit
only Merkel cell patients, who have no tumour type here (our sites and facts are those of
gastroenteropancreatic, lung and thymic NENs); mapping it to NEC would offer every Merkel trial to
people with a NEC it cannot take. Phaeochromocytoma, paraganglioma and medullary thyroid cancer are
likewise not mapped. An admin who decides otherwise adds the synonym; no code changes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

NO_NEUROENDOCRINE_CONDITION = "no neuroendocrine condition"

# Words that name a neuroendocrine neoplasm (after normalise_term): a synonym holding one of them
# may be found inside a longer term (rule 2).
NEN_WORDS = frozenset(
    {
        "neuroendocrine",
        "carcinoid",
        "net",
        "nec",
        "nen",
        "pnet",
        "pannet",
        "gepnet",
        "sinet",
        "lcnec",
        "minen",
        "manec",
        "adenoneuroendocrine",
        "islet",
        "apudoma",
        "insulinoma",
        "gastrinoma",
        "glucagonoma",
        "vipoma",
        "somatostatinoma",
        "ppoma",
    }
)

# Abbreviations with other common meanings in registries (rule 3).
AMBIGUOUS_ABBREVIATIONS = frozenset({"net", "nec", "nen", "pnet"})

# US -> UK spellings at the start of a word ("tumor" -> "tumour", "hemorrhage" -> "haemorrhage"),
# never inside one, so "chemotherapy" keeps its "hem" (and "gastroesophageal" stays as written).
_WORD_START_SPELLINGS = (
    ("tumor", "tumour"),
    ("esophag", "oesophag"),
    ("hemat", "haemat"),
    ("hemo", "haemo"),
    ("hemangi", "haemangi"),
    ("anemi", "anaemi"),
    ("leukemi", "leukaemi"),
    ("diarrhe", "diarrhoe"),
    ("pediatr", "paediatr"),
    ("estrogen", "oestrogen"),
    ("edema", "oedema"),
)
# Spellings that also occur inside words ("hypoglycemia", "hyperglycemia").
_INFIX_SPELLINGS = (("glycemi", "glycaemi"),)
_PUNCTUATION = re.compile(r"[^a-z0-9]+")
# A plural "s" on a word of 4 letters or more ("NETs", "tumours", "carcinomas"), but not where the
# singular itself ends in s: pancreas, metastasis, virus, class.
_PLURAL = re.compile(r"^(?P<stem>\w{3,})s$")
_SINGULAR_ENDINGS = ("ss", "us", "is", "as")


def normalise_term(text: str) -> str:
    """Return the matching key of a condition term: lower case, UK spelling, singular, plain words."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    # "Tumor(s)" and "neoplasm(s)": the optional plural is the singular.
    text = text.replace("(s)", "").replace("'s", "").replace("\u2019s", "")
    text = text.replace("&", " and ")
    text = re.sub(r"neuro[\s-]+endocrine", "neuroendocrine", text)
    words = []
    for word in _PUNCTUATION.sub(" ", text).split():
        for us, uk in _WORD_START_SPELLINGS:
            if word.startswith(us):
                word = uk + word[len(us) :]
                break
        for us, uk in _INFIX_SPELLINGS:
            word = word.replace(us, uk)
        if (match := _PLURAL.match(word)) and (word.endswith("omas") or not word.endswith(_SINGULAR_ENDINGS)):
            word = match["stem"]
        words.append(word)
    return " ".join(words)


class TumourTypeTerms(Protocol):
    """What the synonym index reads from a tumour type: a TumourType row or a seed entry."""

    @property
    def slug(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def primary_site(self) -> str: ...
    @property
    def diagnosis(self) -> str: ...
    @property
    def synonyms(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class TypeTerms:
    """A tumour type's matching terms, from any source (a row, a seed entry, a proposal)."""

    slug: str
    name: str
    primary_site: str = ""
    diagnosis: str = ""
    synonyms: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TypeTerms:
        """Read a tumour type in the seed/bundle shape (docs/trial-record.md)."""
        return cls(
            slug=str(data["slug"]),
            name=str(data["name"]),
            primary_site=str(data.get("primary_site") or ""),
            diagnosis=str(data.get("diagnosis") or ""),
            synonyms=tuple(str(s) for s in data.get("synonyms") or ()),
        )


@dataclass(frozen=True)
class SynonymIndex:
    """{normalised term: tumour type slug}, and the terms left out because types disagree."""

    terms: dict[str, str]
    conflicts: dict[str, tuple[str, ...]]


def _covers(general: TumourTypeTerms, specific: TumourTypeTerms) -> bool:
    """Whether a trial for `general` is also for `specific`: TumourType.covers, on plain values."""
    if general.slug == specific.slug:
        return True
    specified = [v for v in (general.primary_site, general.diagnosis) if v]
    other_specified = [v for v in (specific.primary_site, specific.diagnosis) if v]
    return (
        len(specified) < len(other_specified)
        and general.primary_site in ("", specific.primary_site)
        and general.diagnosis in ("", specific.diagnosis)
    )


def tumour_type_synonyms(types: Iterable[TumourTypeTerms]) -> SynonymIndex:
    """Index every type's name and synonyms by normalised term.

    When several types claim one term, the type that covers all the others takes it (a term shared by
    "NET, any site" and "Lung NET" means "NET, any site"), so a mapping is never narrower than the
    term; when no one type covers the others ("Stomach NET" and "NEC", or "NET, any site" and
    "Carcinoid syndrome", which are equally wide) the term maps to nothing and is listed in
    `conflicts` for an admin to settle.
    """
    claims: dict[str, list[TumourTypeTerms]] = {}
    for tumour_type in types:
        for text in (tumour_type.name, *tumour_type.synonyms):
            key = normalise_term(text)
            if key and tumour_type.slug not in [t.slug for t in claims.setdefault(key, [])]:
                claims[key].append(tumour_type)
    terms: dict[str, str] = {}
    conflicts: dict[str, tuple[str, ...]] = {}
    for key, claimants in claims.items():
        widest = [t for t in claimants if all(_covers(t, other) for other in claimants)]
        if len(widest) == 1:
            terms[key] = widest[0].slug
        else:
            conflicts[key] = tuple(sorted(t.slug for t in claimants))
    return SynonymIndex(terms=terms, conflicts=conflicts)


@dataclass(frozen=True)
class ConditionMatch:
    term: str  # the registry's term, as written
    slug: str  # the tumour type it maps to
    synonym: str  # the normalised synonym that matched


@dataclass(frozen=True)
class ConditionMapping:
    matches: tuple[ConditionMatch, ...]
    unmatched: tuple[str, ...]  # terms that map to no tumour type (the unconfirmed ones included)
    unconfirmed: tuple[str, ...] = ()  # ambiguous abbreviations with no other match to back them

    @property
    def slugs(self) -> tuple[str, ...]:
        """The tumour types matched, sorted."""
        return tuple(sorted({m.slug for m in self.matches}))

    @property
    def draft_reason(self) -> str:
        """Why a study must stay a draft: it names no neuroendocrine condition ("" when it does)."""
        return "" if self.matches else NO_NEUROENDOCRINE_CONDITION


def _phrase_synonyms(synonyms: Mapping[str, str]) -> list[tuple[tuple[str, ...], str, str]]:
    """The synonyms rule 2 looks for inside terms, longest first: (words, synonym, slug)."""
    phrases = [
        (tuple(key.split()), key, slug)
        for key, slug in synonyms.items()
        if key not in AMBIGUOUS_ABBREVIATIONS and NEN_WORDS.intersection(key.split())
    ]
    return sorted(phrases, key=lambda p: (-len(p[0]), -len(p[1]), p[1]))


def _contained(words: list[str], phrases: list[tuple[tuple[str, ...], str, str]]) -> list[tuple[str, str]]:
    """Synonyms found in `words` as whole words (rule 2): [(synonym, slug)]."""
    used = [False] * len(words)
    found: list[tuple[str, str]] = []
    for phrase, key, slug in phrases:
        size = len(phrase)
        for start in range(len(words) - size + 1):
            span = range(start, start + size)
            if tuple(words[start : start + size]) != phrase or any(used[i] for i in span):
                continue
            for i in span:
                used[i] = True
            if start > 0 and words[start - 1] == "non":
                continue
            found.append((key, slug))
    return found


def map_conditions(terms: Iterable[str], synonyms: Mapping[str, str]) -> ConditionMapping:
    """Map registry terms onto tumour type slugs with `synonyms` ({normalised term: slug})."""
    phrases = _phrase_synonyms(synonyms)
    found: list[tuple[str, list[ConditionMatch]]] = []
    seen: set[str] = set()
    for term in terms:
        key = normalise_term(term)
        if not key or key in seen:
            continue
        seen.add(key)
        if key in synonyms:
            found.append((term, [ConditionMatch(term=term, slug=synonyms[key], synonym=key)]))
        else:
            contained = _contained(key.split(), phrases)
            found.append((term, [ConditionMatch(term=term, slug=slug, synonym=s) for s, slug in contained]))
    confirmed = any(m.synonym not in AMBIGUOUS_ABBREVIATIONS for _, ms in found for m in ms)
    unconfirmed = tuple(t for t, ms in found if ms and not confirmed)
    return ConditionMapping(
        matches=tuple(m for _, ms in found for m in ms) if confirmed else (),
        unmatched=tuple(t for t, ms in found if not ms or not confirmed),
        unconfirmed=unconfirmed,
    )


def ctgov_condition_terms(study: Mapping[str, Any]) -> list[str]:
    """The terms of a ClinicalTrials.gov v2 study that name its conditions, in order.

    Conditions, then keywords, then the MeSH terms of derivedSection.conditionBrowseModule.meshes.
    Never `ancestors` or browse branches: that would be matching a whole MeSH branch.
    """
    protocol = study.get("protocolSection")
    module = protocol.get("conditionsModule") if isinstance(protocol, Mapping) else None
    derived = study.get("derivedSection")
    browse = derived.get("conditionBrowseModule") if isinstance(derived, Mapping) else None
    texts: list[Any] = []
    if isinstance(module, Mapping):
        for field in ("conditions", "keywords"):
            if isinstance(values := module.get(field), list):
                texts.extend(values)
    if isinstance(browse, Mapping) and isinstance(meshes := browse.get("meshes"), list):
        texts.extend(mesh.get("term") for mesh in meshes if isinstance(mesh, Mapping))
    return [text for text in texts if isinstance(text, str) and text.strip()]
