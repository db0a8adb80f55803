"""The patient-fact registry: every PatientFacts fact defined once; everything else derives from it.

Each `Fact` (trials.eligibility.definitions) holds all that is said about one fact: its name, type,
bounds and choices, its short label, how the specialist's form and the lay questionnaire ask for it,
what to ask the specialist to settle it, and the words of the engine's reasons. PatientFacts and its
validation (trials.eligibility.patient), the rule vocabulary (trials.eligibility.rules), both forms,
the stored profile and its page, the API schema and the outcomes' wording all read it. To add a fact,
add it here, then give it a profile column and a migration (docs/architecture.md, "Eligibility").
"""

from __future__ import annotations

from collections.abc import Iterable

from trials.eligibility.definitions import Fact, FactType, Prompt, choices_of
from trials.registry.choices import Diagnosis, Extent, Grade, PrimarySite, Sex

ULN_HELP = "The result divided by the laboratory's upper limit of normal: 1.5 means 1.5 times the limit."

_FACTS = (
    Fact(
        "age",
        FactType.INTEGER,
        "Age in years",
        Prompt("Age (years)"),
        Prompt("How old are you?", "In years. Leave empty to skip."),
        ask="Am I within the age limits of these trials?",
        noun="age",
        unknown="your age",
        minimum=0,
        maximum=120,
        patient_knows=True,
    ),
    Fact(
        "sex",
        FactType.CHOICE,
        "Sex",
        Prompt("Sex"),
        Prompt("What is your sex?"),
        ask="Is the trial open to people of my sex?",
        noun="sex",
        unknown="your sex",
        choices=choices_of(Sex),
        patient_knows=True,
    ),
    Fact(
        "diagnosis",
        FactType.CHOICE,
        "Diagnosis",
        Prompt("Histology"),
        Prompt("What kind of tumour is it?"),
        ask="Is my tumour a neuroendocrine tumour (NET), a neuroendocrine carcinoma (NEC) or a mixed tumour (MiNEN)?",
        noun="diagnosis",
        unknown="whether your tumour is a NET, a NEC or a mixed tumour (MiNEN)",
        choices=choices_of(
            Diagnosis,
            lay={
                "net": "A neuroendocrine tumour (NET), sometimes called a carcinoid",
                "nec": "A neuroendocrine carcinoma (NEC), a faster-growing cancer",
                "minen": "A mixed tumour (MiNEN)",
            },
            words={"net": "NET", "nec": "NEC", "minen": "MiNEN (a mixed tumour)"},
        ),
    ),
    Fact(
        "primary_site",
        FactType.CHOICE,
        "Where the tumour started",
        Prompt("Primary site"),
        Prompt("Where did the tumour start?", "Doctors call this the primary site."),
        ask="Where did my tumour start?",
        noun="primary site (where the tumour started)",
        unknown="where your tumour started",
        choices=choices_of(
            PrimarySite,
            lay={
                "duodenum": "Duodenum (the first part of the small bowel)",
                "small_bowel": "Small bowel (small intestine)",
                "colon": "Colon (large bowel)",
                "rectum": "Rectum (back passage)",
                "thymus": "Thymus (a gland in the chest)",
                "unknown_primary": "The doctors don't know where it started",
                "other": "Somewhere else",
            },
            words={
                site.value: "an unknown place (unknown primary)"
                if site == PrimarySite.UNKNOWN_PRIMARY
                else "another part of the body"
                if site == PrimarySite.OTHER
                else f"the {site.label.lower()}"
                for site in PrimarySite
            },
        ),
    ),
    Fact(
        "gastric_type",
        FactType.CHOICE,
        "Type of stomach NET",
        Prompt("Gastric NET type"),
        Prompt("If it started in the stomach: what type is it?"),
        ask="If my NET started in the stomach: is it type 1, 2 or 3?",
        noun="stomach NET type",
        unknown="the type of your stomach NET",
        choices=choices_of([(n, f"Type {n}") for n in (1, 2, 3)], words={n: f"type {n}" for n in (1, 2, 3)}),
    ),
    Fact(
        "grade",
        FactType.CHOICE,
        "Grade",
        Prompt("WHO grade", "A NEC is G3."),
        Prompt(
            "What grade is it?",
            "The grade is on your pathology report. A neuroendocrine carcinoma (NEC) is always grade 3.",
        ),
        ask="What is the grade of my tumour (G1, G2 or G3)?",
        noun="grade",
        unknown="your grade",
        choices=choices_of(
            Grade, lay={"G1": "Grade 1 (G1): slow growing", "G2": "Grade 2 (G2)", "G3": "Grade 3 (G3): faster growing"}
        ),
    ),
    Fact(
        "ki67",
        FactType.NUMBER,
        "Ki-67 (%)",
        Prompt("Ki-67 index (%)"),
        Prompt(
            "What is its Ki-67 score?",
            "A percentage from your pathology report, such as 5. Leave empty if you don't know.",
        ),
        ask="What is my Ki-67 score?",
        noun="Ki-67 score",
        unknown="your Ki-67 score",
        unit="%",
        minimum=0,
        maximum=100,
    ),
    Fact(
        "extent",
        FactType.CHOICE,
        "How far it has spread",
        Prompt("Extent of disease"),
        Prompt("Has it spread?"),
        ask="Has my tumour spread, and how far (its stage)?",
        noun="tumour's extent",
        unknown="how far your tumour has spread",
        choices=choices_of(
            Extent,
            lay={
                "localised": "No, it is only where it started",
                "locally_advanced": "It has grown into the tissue nearby",
                "metastatic": "Yes, it has spread to other parts of the body, such as the liver",
            },
            words={
                "localised": "localised",
                "locally_advanced": "locally advanced",
                "metastatic": "metastatic (spread)",
            },
        ),
    ),
    Fact(
        "resectable",
        FactType.BOOLEAN,
        "Can be removed by surgery",
        Prompt("Resectable"),
        Prompt("Could it be removed completely with an operation?"),
        ask="Could my tumour be removed completely with an operation?",
        unknown="whether your tumour can be removed by surgery",
        clauses=(
            "your tumour can be removed completely by surgery",
            "your tumour cannot be removed completely by surgery",
        ),
    ),
    Fact(
        "measurable_disease",
        FactType.BOOLEAN,
        "Measurable on a scan (RECIST)",
        Prompt("Measurable disease (RECIST 1.1)"),
        Prompt("Can it be measured on a scan?", "Doctors say the disease is measurable (RECIST)."),
        ask="Can my tumour be measured on a scan (RECIST)?",
        unknown="whether your tumour can be measured on a scan",
        clauses=("your tumour can be measured on a scan", "your tumour cannot be measured on a scan"),
    ),
    Fact(
        "progressed_last_12_months",
        FactType.BOOLEAN,
        "Grew in the last 12 months",
        Prompt("Radiological progression in the last 12 months"),
        Prompt("Has it grown in the last 12 months?"),
        ask="Has my tumour grown in the last 12 months?",
        unknown="whether your tumour has grown in the last 12 months",
        clauses=("your tumour has grown in the last 12 months", "your tumour has not grown in the last 12 months"),
    ),
    Fact(
        "carcinoid_syndrome",
        FactType.BOOLEAN,
        "Carcinoid syndrome",
        Prompt("Carcinoid syndrome"),
        Prompt("Do you have carcinoid syndrome?", "Hot flushes and diarrhoea caused by hormones the tumour makes."),
        ask="Do I have carcinoid syndrome?",
        unknown="whether you have carcinoid syndrome",
        clauses=("you have carcinoid syndrome", "you do not have carcinoid syndrome"),
    ),
    Fact(
        "bowel_movements_per_day",
        FactType.NUMBER,
        "Bowel movements a day",
        Prompt("Bowel movements per day (average)"),
        Prompt("About how many times a day do you open your bowels?", "Leave empty if you don't know."),
        ask="Some trials count bowel movements a day: how many do I have on average?",
        noun="number of bowel movements a day",
        unknown="how many bowel movements you have a day",
        minimum=0,
        maximum=50,
        patient_knows=True,
    ),
    Fact(
        "syndrome_controlled_on_ssa",
        FactType.BOOLEAN,
        "Syndrome controlled by somatostatin analogues",
        Prompt("Syndrome controlled on a somatostatin analogue"),
        Prompt("If you have octreotide or lanreotide injections: do they control your symptoms?"),
        ask="Are my symptoms controlled by my somatostatin analogue (octreotide or lanreotide)?",
        unknown="whether a somatostatin analogue controls your symptoms",
        clauses=(
            "your symptoms are controlled by a somatostatin analogue",
            "your symptoms are not controlled by a somatostatin analogue",
        ),
    ),
    Fact(
        "sstr_imaging_positive",
        FactType.BOOLEAN,
        "Somatostatin-receptor scan positive",
        Prompt("Somatostatin-receptor imaging positive", "Such as 68Ga-DOTATATE PET."),
        Prompt(
            "Has a special scan shown somatostatin receptors on the tumour?",
            "Such as a Gallium-68 DOTATATE PET scan or an Octreoscan.",
        ),
        ask="Has a somatostatin-receptor scan (such as a Gallium-68 DOTATATE PET) shown receptors on my tumour?",
        unknown="whether a scan shows somatostatin receptors",
        clauses=(
            "a scan shows somatostatin receptors on your tumour",
            "a scan shows no somatostatin receptors on your tumour",
        ),
    ),
    Fact(
        "ecog",
        FactType.INTEGER,
        "Performance status (ECOG)",
        Prompt("ECOG performance status"),
        Prompt(
            "How much does your illness affect your daily life?", "Doctors call this your performance status (ECOG)."
        ),
        ask="What is my performance status (ECOG score)?",
        noun="performance status (ECOG)",
        unknown="your performance status (ECOG)",
        minimum=0,
        maximum=4,
        choices=choices_of(
            [(n, str(n)) for n in range(5)],
            lay={
                0: "Not at all: I can do everything I could before",
                1: "I can't do heavy physical work, but I can do light work such as housework or office work",
                2: "I can look after myself but can't work; I'm up and about for more than half the day",
                3: "I can only partly look after myself; I spend more than half the day in bed or a chair",
                4: "I can't look after myself; I spend all day in bed or a chair",
            },
        ),
    ),
    Fact(
        "prior_treatments",
        FactType.TREATMENTS,
        "Treatments already had",
        Prompt("Prior treatments", boxes="Prior treatments given"),
        Prompt(
            "Have you had any drug treatment or PRRT for the tumour?",
            boxes="Which treatments have you had? Tick all you know of.",
        ),
        ask="Which treatments have I had for my tumour, and when?",
        noun="treatments",
        unknown="which treatments you have had",
    ),
    Fact(
        "progressed_on",
        FactType.TREATMENTS,
        "Treatments the tumour grew on",
        Prompt("Progressed on treatment", boxes="Treatments the disease progressed on"),
        Prompt(
            "Has the tumour grown while you were having a treatment?",
            boxes="Which treatments was it growing on? Tick all you know of.",
        ),
        ask="Did my tumour grow while I was having any of my treatments?",
        noun="treatments",
        unknown="which treatments your tumour grew on",
    ),
    Fact(
        "prior_systemic_lines",
        FactType.INTEGER,
        "Previous lines of drug treatment",
        Prompt("Prior lines of systemic therapy"),
        Prompt(
            "How many different drug treatments have you had, one after another?",
            "Doctors call these lines of treatment. Leave empty if you don't know.",
        ),
        ask="How many lines of drug treatment have I had?",
        noun="number of earlier lines of drug treatment",
        unknown="how many lines of drug treatment you have had",
        minimum=0,
        maximum=20,
    ),
    Fact(
        "brain_metastases",
        FactType.BOOLEAN,
        "Spread to the brain",
        Prompt("Brain metastases"),
        Prompt("Has it spread to the brain?"),
        ask="Has my tumour spread to the brain?",
        unknown="whether your tumour has spread to the brain",
        clauses=("your tumour has spread to the brain", "your tumour has not spread to the brain"),
    ),
    Fact(
        "pregnant_or_breastfeeding",
        FactType.BOOLEAN,
        "Pregnant or breastfeeding",
        Prompt("Pregnant or breastfeeding"),
        Prompt("Are you pregnant or breastfeeding?"),
        ask="Trials often exclude people who are pregnant or breastfeeding: does this apply to me?",
        unknown="whether you are pregnant or breastfeeding",
        clauses=("you are pregnant or breastfeeding", "you are not pregnant or breastfeeding"),
        patient_knows=True,
    ),
    Fact(
        "creatinine_clearance",
        FactType.NUMBER,
        "Creatinine clearance (ml/min)",
        Prompt("Creatinine clearance (ml/min)"),
        Prompt(
            "If you know it: your kidney function (creatinine clearance, in ml/min)",
            "From a blood test. Leave empty if you don't know.",
        ),
        ask="How well do my kidneys work (creatinine clearance)?",
        noun="kidney function (creatinine clearance)",
        unknown="your kidney function (creatinine clearance)",
        unit=" ml/min",
        minimum=0,
        maximum=300,
    ),
    # Blood counts and organ function: the specialist's facts, which the questionnaire does not ask.
    Fact(
        "anc",
        FactType.NUMBER,
        "Neutrophils (ANC, ×10⁹/L)",
        Prompt("Absolute neutrophil count (ANC, ×10⁹/L)", "Such as 1.5 (×10⁹/L, the same as 1500 per mm³)."),
        ask="What is my neutrophil count (ANC)?",
        noun="neutrophil count (ANC)",
        unknown="your neutrophil count (ANC)",
        unit=" ×10⁹/L",
        minimum=0,
        maximum=100,
    ),
    Fact(
        "platelets",
        FactType.NUMBER,
        "Platelets (×10⁹/L)",
        Prompt("Platelet count (×10⁹/L)", "Such as 100 (×10⁹/L, the same as 100,000 per mm³)."),
        ask="What is my platelet count?",
        noun="platelet count",
        unknown="your platelet count",
        unit=" ×10⁹/L",
        minimum=0,
        maximum=2000,
    ),
    Fact(
        "haemoglobin",
        FactType.NUMBER,
        "Haemoglobin (g/L)",
        Prompt("Haemoglobin (g/L)", "In grams per litre: 9 g/dL is 90 g/L."),
        ask="What is my haemoglobin level?",
        noun="haemoglobin",
        unknown="your haemoglobin level",
        unit=" g/L",
        minimum=0,
        maximum=250,
    ),
    Fact(
        "bilirubin_uln",
        FactType.NUMBER,
        "Bilirubin (× upper limit of normal)",
        Prompt("Total bilirubin (× ULN)", ULN_HELP),
        ask="What is my bilirubin level, compared with the upper limit of normal?",
        noun="bilirubin",
        unknown="your bilirubin level",
        unit=" × the upper limit of normal",
        minimum=0,
        maximum=100,
    ),
    Fact(
        "transaminases_uln",
        FactType.NUMBER,
        "AST or ALT, the higher (× upper limit of normal)",
        Prompt("AST or ALT, whichever is higher (× ULN)", ULN_HELP),
        ask="What are my liver enzymes (AST and ALT), compared with the upper limit of normal?",
        noun="liver enzyme level (the higher of AST and ALT)",
        unknown="your liver enzyme levels (AST and ALT)",
        unit=" × the upper limit of normal",
        minimum=0,
        maximum=100,
    ),
    Fact(
        "lvef",
        FactType.INTEGER,
        "LVEF (%)",
        Prompt("Left ventricular ejection fraction (LVEF, %)", "From an echocardiogram or a MUGA scan."),
        ask="How well does my heart pump (its left ventricular ejection fraction, LVEF)?",
        noun="heart's pumping strength (LVEF)",
        unknown="how well your heart pumps (LVEF)",
        unit="%",
        minimum=0,
        maximum=100,
    ),
    Fact(
        "qtc_ms",
        FactType.INTEGER,
        "QTc (ms)",
        Prompt("QTc interval (ms)", "From an ECG, corrected for heart rate."),
        ask="What is my QTc (a measurement on my heart tracing, the ECG)?",
        noun="QTc (from your heart tracing, the ECG)",
        unknown="your QTc (from a heart tracing, the ECG)",
        unit=" ms",
        minimum=200,
        maximum=800,
    ),
    Fact(
        "postcode",
        FactType.POSTCODE,
        "Postcode district",
        Prompt(
            "Postcode district",
            "The outward code only (the first part, such as M20): a full postcode is cut to it when saved.",
        ),
        Prompt(
            "Your postcode",
            "Optional: only the first part (such as M20) is used, to show how far away each trial is.",
        ),
    ),
)

FACTS: dict[str, Fact] = {fact.name: fact for fact in _FACTS}


def in_registry_order(names: Iterable[str]) -> list[Fact]:
    """The named facts, once each, in the registry's order: the order questions are asked in."""
    wanted = set(names)
    return [fact for name, fact in FACTS.items() if name in wanted]


def questions_for(names: Iterable[str]) -> list[str]:
    """What to ask the specialist to settle the named facts, in the registry's order."""
    return [fact.ask for fact in in_registry_order(names)]
