"""Guards: the words that make a rule unsafe, because the facts cannot say them.

"Unless treated", "except Gilbert's syndrome", "or per national guidelines", "is allowed",
"for adolescent participants:", "active", "within 4 weeks", "allergy": each either widens what the
text accepts or narrows what it excludes, so a rule without it would be stricter than the text.
The tail reader looks at what follows a limit ("≤ 2.5 x ULN (≤ 5 x ULN if liver metastases)") and
says which further limits are alternatives, and whether an exception, a condition or another
alternative makes the limit unsafe. An exception with a limit of its own ("Total bilirubin =< 1.5 x
ULN (or =< 3 x ULN in patients with Gilbert's syndrome)") makes the rule take the loosest limit the
text allows (`bilirubin_uln lte 3`): never stricter, and still telling. One without ("unless known
Gilbert's syndrome") gives no rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from trials.structuring.numbers import Bound, limits_in

# A criterion, or the part after a label, that applies to some patients only.
SCOPED_LABEL_RE = re.compile(
    r"(?:^|[:;.]\s+|\s)(?:(?:only\s+)?for\s+[^:;.]{1,80}?:|if\s+[^:;.]{1,80}?:"
    r"|[^:;.\s]+\s+(?:origin|cohorts?|participants?|arms?|phase|portion)\s*(?:only\s*)?:"
    r"|(?:cohorts?|arms?|parts?|groups?|phase|stage)\s+[\w-]{1,6}\s*(?:only\s*)?:)",
    re.IGNORECASE,
)
SCOPED_START_RE = re.compile(
    r"^\W*(?:only\s+)?(?:for|in|if)\s+(?:patients?|subjects?|participants?|women|men|males?|females?|adolescents?"
    r"|children|those|individuals?|people|cases?|the\s+\w+\s+(?:cohort|arm|part))\b",
    re.IGNORECASE,
)
PERMISSIVE_RE = re.compile(
    r"\b(?<!not\s)(?:is|are|be|being|was|were|remain)\s+(?:also\s+)?(?:allowed|allowable|permitted|permissible|acceptable|eligible)\b"
    r"|\b(?<!not\s)(?:allowed|allowable|permitted|acceptable|eligible)\s*(?:\)|\bif\b|\bprovided\b|\bas\s+long|\bso\s+long|,|$)"
    r"|\bmay\s+(?:be\s+)?(?:enrol\w*|includ\w*|participat\w*|eligible)|\bnot\s+(?:be\s+)?(?:required|necessary|mandatory)\b"
    r"|\bregardless\b",
    re.IGNORECASE,
)
ONE_OF_RE = re.compile(r"\b(?:(?:at\s+least\s+)?one\s+of\s+the\s+following|any\s+of\s+the\s+following|either)\b", re.I)
EXCEPTION_RE = re.compile(
    r"\b(?:unless|except\w*|exclud\w*|other\s+than|apart\s+from|but\s+not|with\s+the\s+exception|not\s+apply)\b",
    re.IGNORECASE,
)
CONDITION_RE = re.compile(
    r"\b(?:if|when|where|whose|in\s+(?:the\s+)?(?:case|presence|setting)|(?:in|for)\s+(?:all\s+)?(?:patients?|subjects?"
    r"|participants?|those|people|individuals?|men|women|males?|females?|cases?|adults?|children|adolescents?)"
    r"|with\s+(?:documented\s+|known\s+|confirmed\s+)?(?:liver|hepatic|gilbert|bone|hepatocellular)|due\s+to)\b",
    re.IGNORECASE,
)
# Words before a condition that qualify it in ways the facts cannot say.
QUALIFIER_BEFORE_RE = re.compile(
    r"\b(?:untreated|symptomatic|asymptomatic|active|uncontrolled|unstable|progressive|progressing|new|newly"
    r"|clinically|significant|severe|large|multiple|growing|worsening|current|recent|treated|stable|requiring"
    r"|untreatable|suspected|possible|probable|isolated|solitary|limited|only|small|planned|intended)\b",
    re.IGNORECASE,
)
# Words after a condition that narrow it, make it conditional, or join it to something else.
QUALIFIER_AFTER_RE = re.compile(
    r"\b(?:unless|except\w*|who|that|which|whose|requir\w*|untreated|treated|stable|symptomatic|active|progressi\w*"
    r"|uncontrolled|within|judged|opinion|investigator|if|when|until|after|before|more\s+than|less\s+than|at\s+least"
    r"|eligible|allowed|permitted|with|and(?!\s*/)|plus|while|during|despite|due|caused|unable|not|candidates?"
    r"|should|must|discontinu\w*|stopped|willing|plan\w*|intend\w*)\b",
    re.IGNORECASE,
)
ALTERNATIVE_BEFORE_RE = re.compile(r"(?:\bor|\band\s*/\s*or)\s*(?:if\s+|the\s+|a\s+|an\s+|his\s+|her\s+)?$", re.I)
CONJUNCTION_BEFORE_RE = re.compile(r"(?:\band(?!\s*/)|\bwith|\bplus|\bbut)\s*(?:the\s+|a\s+|an\s+)?$", re.IGNORECASE)
NEGATION_BEFORE_RE = re.compile(
    r"(?:\bno|\bnot|\bwithout|\babsence\s+of|\bfree\s+of|\bnon-?|\bneither|\bnor|\bnegative\s+for|\bexclud\w*)"
    r"(?:\s+(?:known|evidence\s+of|history\s+of|prior|previous|current|any|the|a|an|have|has|had|be|been|having"
    r"|presence\s+of|sign\s+of|signs\s+of))*\s*$",
    re.IGNORECASE,
)
REQUIREMENT_RE = re.compile(r"\b(?:must|should|shall|needs?\s+to|has\s+to|have\s+to|required|requirement)\b", re.I)

# Places a tumour starts: "NET of the digestive system or lung" offers no other patients.
SITE_WORDS_RE = re.compile(
    r"(?:\s|,|or|and|the|of|lung|lungs|pancreas|pancreatic|bowel|small|large|intestine|intestinal|stomach|gastric"
    r"|duodenum|colon|rectum|appendix|thymus|digestive|system|tract|gastrointestinal|GI|GEP|bronchial|unknown"
    r"|primary|origin|site|NETs?|tumou?rs?)*",
    re.IGNORECASE,
)
# "or" continuations that offer no alternative patients: a scan type, a sex, "or more".
_HARMLESS_OR_RE = re.compile(
    r"(?:or|and\s*/\s*or)\s+(?:an?\s+|the\s+)?(?:CT|MRI|PET|scans?|imaging|echo\w*|MUGA|ultrasound|x-?rays?|radiograph\w*"
    r"|(?:fe)?males?|(?:wo)?men|more|less|greater|higher|lower|above|below|older|younger|over|under|equal|fewer|both)\b",
    re.IGNORECASE,
)
_ITEM_OR_RE = re.compile(r"\s*[,;]?\s*(?:and\s*/\s*or|or)\b", re.IGNORECASE)
_ITEM_EXCEPT_RE = re.compile(rf"\s*[,;]?\s*(?:{EXCEPTION_RE.pattern})", re.IGNORECASE)
_ITEM_CONDITION_RE = re.compile(rf"\s*,?\s*(?:{CONDITION_RE.pattern})", re.IGNORECASE)
_ITEM_AND_RE = re.compile(
    r"\s*,?\s*(?:and(?!\s*/)|with|plus|despite|secondary\s+to|attributable|caused|related|requiring)\b", re.I
)
_ITEM_END_RE = re.compile(r"[;]|\.(?=\s|$)|\s\(")


@dataclass
class Tail:
    """What follows a limit, read for one fact."""

    end: int
    alternatives: list[tuple[Bound, bool]] = field(default_factory=list)  # (bound, conditional)
    other_alternative: bool = False  # "or" something this fact cannot say
    unbounded_exception: bool = False  # "unless Gilbert's syndrome", with no limit of its own
    main_conditional: bool = False  # the limit itself applies to some patients only
    conjunction: bool = False  # "and ...": the limit is only half of the condition


def _paren_end(text: str, start: int, stop: int) -> int:
    depth = 0
    for index in range(start, stop):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return index + 1
    return stop


def _item_end(text: str, start: int, stop: int) -> int:
    match = _ITEM_END_RE.search(text, start, stop)
    return match.start() if match else stop


def read_tail(
    text: str,
    pos: int,
    stop: int,
    *,
    fits: Callable[[Bound], bool],
    same_measure: re.Pattern[str] | None = None,
    other_measure: re.Pattern[str] | None = None,
) -> Tail:
    """Read what follows a limit ending at `pos`, up to `stop`.

    `fits(bound) -> bool` says whether a bound is in a unit of the same fact; `same_measure`
    recognises a repeated name of the measure ("; or total bilirubin ≤ 3 x ULN ..."), and
    `other_measure` the name of another one: what follows that name is its own, not ours.
    """
    tail = Tail(end=pos)
    index = pos
    first = True
    while index < stop:
        space = re.compile(r"\s*").match(text, index)
        index = space.end() if space else index
        if index >= stop:
            break
        if text[index] == "(":
            end = _paren_end(text, index, stop)
            if other_measure is not None and other_measure.search(text, index, end):
                tail.end = end
                break  # "(WBC ≥ 3.0)": a limit on another measure
            _read_item(text, index + 1, end, tail, fits, kind="paren")
        elif match := _ITEM_OR_RE.match(text, index):
            body = match.end() + len(text[match.end() : stop]) - len(text[match.end() : stop].lstrip())
            if text[body : body + 1] == "(":
                end = _paren_end(text, body, stop)  # "or (<= 5 x ULN if liver metastases)"
                body += 1
            else:
                end, body = _item_end(text, match.end(), stop), match.end()
            after = text[body:end]
            if same_measure is not None:
                named = same_measure.match(after.lstrip())
                if named:
                    after = after.lstrip()[named.end() :]
            named_other = other_measure is not None and other_measure.match(after.lstrip())
            if named_other:
                tail.other_alternative = True  # ", or AST/ALT > 2.5 x ULN (> 5 x ULN ...)": not ours to read
                tail.end = end
                break
            starts_with_limit = bool(
                re.match(r"\s*(?:[<>≤≥=\\]|\d|(?:less|more|greater|lower|higher|up\s+to|at\s+)\b)", after)
            )
            if not starts_with_limit:
                tail.other_alternative = True
            _read_item(text, body, end, tail, fits, kind="or")
        elif match := _ITEM_EXCEPT_RE.match(text, index):
            end = _item_end(text, match.end(), stop)
            _read_item(text, match.start(), end, tail, fits, kind="except")
        elif first and (match := _ITEM_CONDITION_RE.match(text, index)):
            end = _item_end(text, match.end(), stop)
            tail.main_conditional = True
            _read_item(text, match.end(), end, tail, fits, kind="condition")
        elif _ITEM_AND_RE.match(text, index):
            tail.conjunction = True
            break
        else:
            break
        tail.end = end
        index = end
        first = False
    return tail


def _read_item(text: str, start: int, end: int, tail: Tail, fits: Callable[[Bound], bool], *, kind: str) -> None:
    words = text[start:end]
    bounds = [bound for limit in limits_in(text, start, end) for bound in limit.bounds if fits(bound)]
    conditional = kind in ("except", "condition") or bool(CONDITION_RE.search(words))
    for bound in bounds:
        tail.alternatives.append((bound, conditional))
    if not bounds and (kind == "except" or EXCEPTION_RE.search(words)):
        tail.unbounded_exception = True
    if not bounds and (kind == "or" or (kind == "paren" and re.match(r"\s*(?:or|and\s*/\s*or)\b", words, re.I))):
        tail.other_alternative = True  # "or Karnofsky ≥ 60%", "(or per national guidelines)"


def scoped_from(text: str) -> int | None:
    """Where the part of `text` that applies to some patients only begins, if anywhere."""
    if SCOPED_START_RE.match(text):
        return 0
    match = SCOPED_LABEL_RE.search(text)
    return match.start() if match else None


# The words that show a sentence is about the same thing as a suggestion, by pattern name: another
# sentence of the criterion that allows an exception on this topic ("Patients with treated brain
# metastases are eligible", "Gilbert's syndrome is allowed") makes the suggestion unsafe.
TOPICS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.IGNORECASE)
    for name, pattern in {
        "lab:anc": r"neutrophil|\bANC\b|granulocyte|G-CSF|growth\s+factor",
        "lab:platelets": r"platelet|thrombocyt|\bPLT|transfus",
        "lab:haemoglobin": r"ha?emoglobin|\bHg?b\b|transfus|ana?emi",
        "lab:bilirubin_uln": r"bilirubin|gilbert|(?:liver|hepatic)\s+(?:metasta|involvement|lesion)",
        "lab:transaminases_uln": r"\bAST\b|\bALT\b|transaminase|aminotransferase"
        r"|(?:liver|hepatic)\s+(?:metasta|involvement|lesion)",
        "lab:creatinine_clearance": r"creatinine|renal|kidney|GFR|dialysis",
        "lab:lvef": r"LVEF|ejection|cardiac|heart",
        "lab:qtc_ms": r"\bQT|ECG|electrocardiogra|cardiac|heart",
        "lab:ecog": r"ECOG|performance|Karnofsky|KPS|Lansky",
        "lab:ki67": r"Ki[\s-]?67|MIB|grade|mitotic|differentiat",
        "age": r"\bage|years|\bold\b|adolescent|child|adult|minor|p(?:a)?ediatric",
        "sex": r"\bmales?\b|females?|\bmen\b|women",
        "bowel_movements": r"bowel|stool|diarrh",
        "pregnancy": r"pregnan|breast|lactat|nursing|child[\s-]?bearing",
        "brain_metastases": r"brain|\bCNS\b|central\s+nervous|cerebr|intracranial|leptomening|metasta",
        "measurable_disease": r"measur|evaluable|RECIST|lesion",
        "progression": r"progress|grow|scan",
        "carcinoid_syndrome": r"carcinoid|syndrome|diarrh|flush|function",
        "resectable": r"resect|surg|operab|remov",
        "extent": r"metasta|advanced|spread|stage",
        "prior_treatment": r"prior|previous|treat|therap|received",
    }.items()
}


def alternative_after(text: str, start: int, end: int) -> bool:
    """Whether an "or" outside parentheses between `start` and `end` offers other patients a way in."""
    depth = 0
    for index in range(start, end):
        char = text[index]
        depth += char in "(["
        depth -= char in ")]"
        if depth > 0 or (not text.startswith(("or", "and/or"), index) and not text.startswith(("Or", "OR"), index)):
            continue
        if index > 0 and text[index - 1].isalnum():
            continue
        if re.match(r"(?:or|and/or)\b", text[index:], re.IGNORECASE) and not _HARMLESS_OR_RE.match(text, index):
            stop = re.compile(r"[,;()]|$").search(text, index, end)
            if not SITE_WORDS_RE.fullmatch(text[index : stop.start() if stop else end].rstrip(" .")):
                return True
    return False
