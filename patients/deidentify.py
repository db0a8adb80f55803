"""Validators that keep identifying details out of a profile's free text (its reference and notes).

A profile is de-identified by design: no name, date of birth, NHS number, contact details or full
postcode. The form can only ask; these look for what people paste anyway: an NHS number (ten digits
whose mod-11 check digit holds, so that other ten-digit numbers pass), a full date (day, month and
year: a date of birth, or a clinic date that narrows one down; a month and year is enough for a
trial), an e-mail address, a UK or international phone number, and a full UK postcode (the outward
code alone, M20, is allowed: it is what the profile keeps).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
NHS_NUMBER = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")
FULL_DATE = re.compile(
    r"\b(?:"
    r"(?:0?[1-9]|[12]\d|3[01])[/.-](?:0?[1-9]|1[0-2])[/.-](?:19|20)?\d\d"  # 12/03/1961, 12.3.61
    r"|(?:19|20)\d\d[/.-](?:0?[1-9]|1[0-2])[/.-](?:0?[1-9]|[12]\d|3[01])"  # 1961-03-12
    rf"|(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?\s+(?:{MONTHS})\.?,?\s+(?:19|20)\d\d"  # 12 March 1961
    rf"|(?:{MONTHS})\.?\s+(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d"  # March 12, 1961
    r")\b",
    re.IGNORECASE,
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s-]?(?:\(0\)[\s-]?)?|0)\d(?:[\s-]?\d){8,10}(?!\d)")
FULL_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][0-9A-Z]?\s*[0-9][A-Z]{2}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str


def nhs_number_valid(digits: str) -> bool:
    """Whether ten digits carry a valid NHS number check digit (modulus 11, weights 10 down to 2)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def identifiers_in(text: str) -> list[Finding]:
    """Every identifying detail found in `text`, in order of kind."""
    findings = [
        Finding("NHS number", match.group(0))
        for match in NHS_NUMBER.finditer(text)
        if nhs_number_valid("".join(match.groups()))
    ]
    findings += [Finding("full date", match.group(0)) for match in FULL_DATE.finditer(text)]
    findings += [Finding("e-mail address", match.group(0)) for match in EMAIL.finditer(text)]
    nhs = {finding.text for finding in findings if finding.kind == "NHS number"}
    findings += [Finding("phone number", m.group(0)) for m in PHONE.finditer(text) if m.group(0) not in nhs]
    findings += [Finding("full postcode", match.group(0)) for match in FULL_POSTCODE.finditer(text)]
    return findings


def validate_deidentified(value: str) -> None:
    """A Django validator: refuse text holding an identifier, naming the kinds (never the values)."""
    kinds = list(dict.fromkeys(finding.kind for finding in identifiers_in(value)))
    if kinds:
        raise ValidationError(
            f"This looks like it identifies the patient ({', '.join(kinds)}). Profiles must not: remove it "
            "(keep only the first part of a postcode, such as M20, and a month and year rather than a date).",
            code="identifying",
        )
