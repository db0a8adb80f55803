"""The de-identification validators find identifiers in free text and let clinical text through."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from patients.deidentify import identifiers_in, nhs_number_valid, validate_deidentified


@pytest.mark.parametrize(("digits", "valid"), [("9434765919", True), ("4010232137", True), ("9434765918", False)])
def test_nhs_numbers_are_checked_by_their_mod_11_digit(digits: str, valid: bool) -> None:
    assert nhs_number_valid(digits) is valid


def test_a_check_digit_of_ten_is_never_valid() -> None:
    # 1 to 9 weighted 10 down to 2 sum to 210, remainder 1: the check digit would be 10.
    assert not any(nhs_number_valid(f"123456789{last}") for last in "0123456789")


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("NHS no 943 476 5919", "NHS number", "943 476 5919"),
        ("nhs 943-476-5919.", "NHS number", "943-476-5919"),
        ("9434765919", "NHS number", "9434765919"),
        ("DOB 12/03/1961", "full date", "12/03/1961"),
        ("born 1961-03-12", "full date", "1961-03-12"),
        ("born 12 March 1961", "full date", "12 March 1961"),
        ("born 3rd Mar 1961", "full date", "3rd Mar 1961"),
        ("seen March 12, 2026", "full date", "March 12, 2026"),
        ("12.3.61", "full date", "12.3.61"),
        ("write to jo.bloggs+mdt@nhs.net", "e-mail address", "jo.bloggs+mdt@nhs.net"),
        ("call 0161 446 3000", "phone number", "0161 446 3000"),
        ("mobile 07700-900123", "phone number", "07700-900123"),
        ("tel +44 (0)161 446 3000", "phone number", "+44 (0)161 446 3000"),
        ("lives at M20 4BX", "full postcode", "M20 4BX"),
        ("sw1a1aa", "full postcode", "sw1a1aa"),
    ],
)
def test_identifiers_are_found(text: str, kind: str, found: str) -> None:
    assert [(f.kind, f.text) for f in identifiers_in(text)] == [(kind, found)]


@pytest.mark.parametrize(
    "text",
    [
        "MDT-2026-07",
        "Ki-67 12%, G2, SSTR positive; 4 cycles of CAPTEM",
        "Progressed March 2025 on lanreotide 120 mg",
        "Lives near M20",
        "Creatinine clearance 85 ml/min, ECOG 1",
        "Trial NCT02678780, EudraCT 2015-001467-39",
        "Reference 1234567890",  # ten digits without a valid NHS check digit
        "CgA 1200 pmol/L on 03/2025",
    ],
)
def test_clinical_text_passes(text: str) -> None:
    assert identifiers_in(text) == []
    validate_deidentified(text)


def test_the_validator_names_the_kinds_but_not_the_values() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_deidentified("943 476 5919, jo@example.org, M20 4BX")

    message = caught.value.messages[0]
    assert message.startswith("This looks like it identifies the patient (NHS number, e-mail address, full postcode).")
    assert "5919" not in message
    assert caught.value.code == "identifying"
