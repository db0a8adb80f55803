"""The words people use that the registry's own names and synonyms do not hold.

Plain data for `trials.search.understanding`: lay and clinical words for tumour sites, diagnoses,
grades, extent, treatments and status; the words that only carry a sentence (filler); the words
that turn a mention into "not this" or "after this"; and place words. Phrases are written as people
type them; the interpreter normalises case, punctuation, plurals and US spellings on both sides.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# US spellings (after a plural "s" is dropped) read as the UK ones the registry uses.
SPELLINGS = {
    "tumor": "tumour",
    "analog": "analogue",
    "localized": "localised",
    "metastasized": "metastasised",
    "randomized": "randomised",
    "diarrhea": "diarrhoea",
    "esophagus": "oesophagus",
    "esophageal": "oesophageal",
    "center": "centre",
    "color": "colour",
}

# Words that never carry a meaning of their own inside a longer phrase ("spread to her liver" is
# "spread to liver"); they are skipped inside phrases, never at their start.
SOFT = frozenset({"the", "a", "an", "my", "his", "her", "their", "our", "your", "its"})

# Words that only carry the sentence: dropped from the text so they never sink a query.
FILLER = _words(
    """
    a about after all also am an and any anything anywhere are available be been being can could
    currently did do does diagnosed diagnosis find for from get got had has have having he help her him
    his how i im ive in info information into is it its just know latest let like living look looking
    me might mine more most my near new now of on one or our out please recently research search see
    she show some something study studies suitable suffering that the their them there these they this
    those to told trial trials treatment treatments therapy therapies options option uk us want was we
    were what whats when where which who whom with would you your yours mum mom mother dad father
    husband wife partner son daughter brother sister friend uncle aunt grandmother grandfather nan
    grandad gran patient patients person people someone start started starting starts began begun begin
    originated originating originally primary stopped working drug drugs medicine medicines type kind
    sort sorts england scotland wales britain hospital clinic centre nearest closest close mile within
    distance join eligible qualify clinical next else step steps before already anymore everything
    newest best last year years ago month months week weeks both
    """
)

# Words for the whole neuroendocrine family: on this site they narrow nothing, so they are taken as
# understood and dropped (never turned into a filter: "neuroendocrine cancer" is what many people
# call a NET, and the registry lists it under NEC).
FAMILY = (
    "cancer",
    "tumour",
    "neuroendocrine",
    "neoplasm",
    "growth",
    "neuroendocrine cancer",
    "neuroendocrine neoplasm",
    "NEN",
    "non functioning",
    "nonfunctioning",
)

# Words naming a diagnosis (Diagnosis values). A tumour type without a site whose own names include
# one of these is that diagnosis' general type, so all its names are diagnosis words too.
DIAGNOSES = {
    "net": (
        "NET",
        "carcinoid",
        "carcinoid tumour",
        "neuroendocrine tumour",
        "well differentiated",
        "well differentiated NET",
        "non functioning NET",
        "nonfunctioning NET",
    ),
    "nec": (
        "NEC",
        "neuroendocrine carcinoma",
        "small cell",
        "large cell",
        "poorly differentiated",
        "poorly differentiated NEC",
    ),
    "minen": ("MiNEN", "MANEC"),
}

# Where a tumour started (PrimarySite values). "Bowel" alone may be the small or the large bowel,
# so it names both: a wider net never hides a trial the person meant.
SITES = {
    "stomach": ("stomach",),
    "gastric": ("stomach",),
    "duodenum": ("duodenum",),
    "duodenal": ("duodenum",),
    "pancreas": ("pancreas",),
    "pancreatic": ("pancreas",),
    "small bowel": ("small_bowel",),
    "small intestine": ("small_bowel",),
    "small intestinal": ("small_bowel",),
    "ileum": ("small_bowel",),
    "ileal": ("small_bowel",),
    "jejunum": ("small_bowel",),
    "midgut": ("small_bowel",),
    "appendix": ("appendix",),
    "appendiceal": ("appendix",),
    "colon": ("colon",),
    "colonic": ("colon",),
    "large bowel": ("colon", "rectum"),
    "large intestine": ("colon", "rectum"),
    "rectum": ("rectum",),
    "rectal": ("rectum",),
    "back passage": ("rectum",),
    "bowel": ("small_bowel", "colon", "rectum"),
    "intestine": ("small_bowel", "colon", "rectum"),
    "intestinal": ("small_bowel", "colon", "rectum"),
    "lung": ("lung",),
    "bronchial": ("lung",),
    "bronchus": ("lung",),
    "bronchopulmonary": ("lung",),
    "pulmonary": ("lung",),
    "airway": ("lung",),
    "thymus": ("thymus",),
    "thymic": ("thymus",),
    "unknown primary": ("unknown_primary",),
    "primary unknown": ("unknown_primary",),
    "unknown origin": ("unknown_primary",),
    "cup": ("unknown_primary",),
}

# How far the disease has gone (Extent values), with the label shown for it.
_SPREAD = ("metastatic",)


def _organs(organs: tuple[str, ...], label: str, more: tuple[str, ...] = ()) -> dict[str, tuple[tuple[str, ...], str]]:
    """Spread named by the organ: "spread to the liver", "has spread into the liver", "liver mets"."""
    phrases = [
        *(f"{verb} {organ}" for organ in organs for verb in ("spread to", "has spread to", "spread into", "gone to")),
        *(f"{organ} {noun}" for organ in organs for noun in ("mets", "metastases", "secondaries")),
        *more,
    ]
    return dict.fromkeys(phrases, (_SPREAD, label))


_NOT_REMOVABLE = ("locally_advanced", "metastatic")
EXTENTS: dict[str, tuple[tuple[str, ...], str]] = {
    **dict.fromkeys(
        (
            "spread",
            "spreading",
            "has spread",
            "metastatic",
            "metastases",
            "metastasis",
            "metastasised",
            "mets",
            "secondaries",
            "secondary",
            "secondary cancer",
            "stage 4",
            "stage iv",
            "stage four",
            "widespread",
        ),
        (_SPREAD, "Has spread"),
    ),
    **_organs(("liver",), "Has spread to the liver", ("liver", "in liver", "liver secondaries")),
    **_organs(("bone",), "Has spread to the bones"),
    **_organs(("lung",), "Has spread to the lungs"),
    **_organs(("lymph node", "lymph gland", "gland"), "Has spread to the lymph nodes", ("lymph node", "lymph gland")),
    **_organs(("brain",), "Has spread to the brain"),
    **_organs(("peritoneum",), "Has spread to the peritoneum", ("peritoneal", "peritoneal metastases")),
    "advanced": (_NOT_REMOVABLE, "Advanced"),
    "locally advanced": (("locally_advanced",), "Locally advanced"),
    **dict.fromkeys(
        (
            "inoperable",
            "unresectable",
            "non resectable",
            "not resectable",
            "not operable",
            "cant be operated on",
            "cannot be operated on",
            "can not be operated on",
            "cant be operated",
            "cannot be operated",
            *(
                f"{cannot} be removed{how}"
                for cannot in ("cant", "cannot", "can not")
                for how in ("", " with surgery", " by surgery", " with an operation", " by an operation")
            ),
            "cant have surgery",
            "cannot have surgery",
            "not suitable for surgery",
            "too advanced for surgery",
        ),
        (_NOT_REMOVABLE, "Can't be removed by surgery"),
    ),
    **dict.fromkeys(
        ("localised", "early", "early stage", "hasnt spread", "has not spread", "not spread", "not spreading"),
        (("localised",), "Hasn't spread"),
    ),
}

# Grades by what people type after "grade" (or as "G1"), and the graded words.
GRADE_NUMBERS = {"1": "G1", "one": "G1", "i": "G1", "2": "G2", "two": "G2", "ii": "G2", "3": "G3", "three": "G3"}
GRADE_NUMBERS["iii"] = "G3"
GRADE_WORDS: dict[str, tuple[tuple[str, ...], str]] = {
    # Low-grade NETs are G1 and often G2: both, so no trial the person meant is hidden.
    "low grade": (("G1", "G2"), "Low grade (G1 or G2)"),
    "intermediate grade": (("G2",), "Grade 2"),
    # "High grade" is G3, NET or NEC: the grade filter keeps trials open to G3 or to any grade, which
    # includes the NEC trials; a NEC filter as well would drop the G3 NET trials.
    "high grade": (("G3",), "High grade (G3)"),
}

# Kinds of treatment by lay and clinical words (InterventionKind values).
KINDS = {
    "chemotherapy": ("chemo", "chemotherapy", "chemo tablet", "chemotherapy tablet"),
    "prrt": (
        "PRRT",
        "radiotherapy injection",
        "radioactive injection",
        "radioactive drip",
        "radiation injection",
        "radioactive treatment",
        "radionuclide",
        "radionuclide therapy",
        "radioligand",
        "radioligand therapy",
        "peptide receptor radionuclide therapy",
        "internal radiotherapy",
        "molecular radiotherapy",
    ),
    # NET patients' monthly "injections" are somatostatin analogues (octreotide, lanreotide).
    "somatostatin_analogue": (
        "SSA",
        "somatostatin analogue",
        "somatostatin",
        "injection",
        "monthly injection",
        "jab",
        "hormone injection",
    ),
    "targeted_drug": (
        "targeted",
        "targeted therapy",
        "targeted drug",
        "targeted treatment",
        "TKI",
        "tyrosine kinase inhibitor",
        "biological therapy",
    ),
    "immunotherapy": ("immunotherapy", "immune therapy", "checkpoint inhibitor"),
    "imaging_tracer": ("tracer", "scan", "PET scan", "PET CT", "PET CT scan", "new scan", "imaging"),
    "device_or_app": ("app", "smartphone app", "phone app"),
}

# Lutetium-177 in any spelling: the interventions whose names say lutetium (the PRRT kind when
# there are none).
LUTETIUM = ("Lu-177", "Lu 177", "177Lu", "177 Lu", "lutetium", "lutetium-177", "lutetium 177")
LUTETIUM_NAME_WORDS = frozenset({"177lu", "lutetium", "lu177"})

# Tablets and capsules: the interventions by these international names that are taken by mouth.
# There is no route on an intervention yet, so this list names them; a drug missing from it is
# still found by its own name.
TABLETS = ("tablet", "pill", "capsule", "by mouth", "oral", "oral drug", "oral treatment")
ORAL_DRUGS = frozenset(
    {
        "everolimus",
        "sunitinib",
        "lenvatinib",
        "axitinib",
        "surufatinib",
        "cabozantinib",
        "pazopanib",
        "sorafenib",
        "capecitabine",
        "temozolomide",
        "telotristat etiprate",
        "telotristat ethyl",
    }
)

# Trial status words (Status values).
STATUSES = {
    "open": ("open", "recruiting", "currently recruiting", "still recruiting", "recruiting now", "open now"),
    "closed": ("closed", "not recruiting", "no longer recruiting"),
    "results": ("results", "with results", "published results"),
}
STATUS_FINISHED = ("finished", "completed", "ended")

# Phrases matched only so that their words are not read apart ("open label" is not an open trial),
# and kept as text.
KEEP = (
    # Symptoms, not where a tumour started: a small bowel NET gives tummy pain too.
    "tummy pain",
    "tummy ache",
    "stomach pain",
    "stomach ache",
    "stomach cramp",
    "upset stomach",
    "bowel movement",
    "bowel habit",
    "open label",
    "non small cell",
    "early phase",
    "phase 1",
    "phase 2",
    "phase 3",
    "quality of life",
    "CT scan",
    "somatostatin receptor",
)

# Words that make the next mention "not this" or "after this" (a treatment already had).
NOT_CUES = (
    "not",
    "no",
    "non",
    "never",
    "except",
    "excluding",
    "exclude",
    "outside",
    "without",
    "other than",
    "apart from",
    "but not",
    "isnt",
    "wasnt",
    "didnt",
    "doesnt",
    "dont",
    "nor",
    "extra",
)
AFTER_CUES = (
    "after",
    "had",
    "have had",
    "already had",
    "previous",
    "previously",
    "prior",
    "post",
    "tried",
    "following",
    "progressed on",
    "progressed after",
    "progressing on",
    "failed on",
    "since",
    "im on",
    "i am on",
    "is on",
    "was on",
    "been on",
    "currently on",
)
# Words after a treatment that make it one already had: "octreotide stopped working".
AFTER_LATER_CUES = (
    "stopped working",
    "not working",
    "no longer working",
    "isnt working",
    "didnt work",
    "doesnt work",
    "did not work",
    "does not work",
    "stopped helping",
    "not helping",
    "failed",
    "progressed",
    "resistant",
    "refractory",
)
# Words that may stand between a treatment and the words that say it was had ("and it has").
AFTER_LATER_BRIDGE = _words("and or it its has have is was but now both all they")
# Words that may stand between a cue and what it applies to ("did not start in the pancreas").
BRIDGE = _words(
    """
    the a an my his her their our your any start started starting begin began come came from in of on
    with been have has had be being treated having take taking took given received receiving originate
    originated arise arising primary
    """
)
# Words that continue a list, so "not pancreas or lung" is not either.
LIST_WORDS = frozenset({"or", "nor", "and"})

# Place words: "near Leeds" and "near M20" always; after "in", "around", "at" or "from", a town that
# is also an everyday word needs "near".
NEAR = ("near", "nr", "near to", "close to", "closest to", "nearest to", "nearest", "within reach of")
WEAK_NEAR = ("in", "around", "at", "from")
NEAR_ME = (
    "near me",
    "near to me",
    "close to me",
    "near my home",
    "near home",
    "nearby",
    "local",
    "locally",
    "in my area",
    "where i live",
)
EVERYDAY_TOWNS = _words(
    """
    battle broadway bury crook deal dollar eye fleet hook march par rugby sandwich sandy
    stone street ware wells wick
    """
)
# Spoken names of post towns the data spells otherwise.
TOWN_ALIASES = {
    "newcastle": "Newcastle upon Tyne",
    "newcastle under lyme": "Newcastle",
    "stoke": "Stoke-on-Trent",
    "southend": "Southend-on-Sea",
    "kingston": "Kingston upon Thames",
    "saint albans": "St. Albans",
}
# Outward codes that are also medical shorthand (grades, vitamin B12, TNM stages, CA19-9): a place
# only after "near" or as part of a full postcode.
MEDICAL_CODES = frozenset({"G1", "G2", "G3", "B12", "M0", "M1", "N0", "N1", "N2", "N3", "CA19"})
