"""Postcodes to places."""

from __future__ import annotations

import pytest

from trials.geography.postcodes import PostcodeError, outward_code, place_for_postcode


@pytest.mark.parametrize(
    ("text", "outward"),
    [("M20 4BX", "M20"), ("m204bx", "M20"), ("SW1A 1AA", "SW1A"), ("sw1a", "SW1A"), (" EC1A 1BB ", "EC1A")],
)
def test_it_reads_a_postcode_or_outward_code(text: str, outward: str) -> None:
    assert outward_code(text) == outward


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a postcode"),
        ("12345", "“12345” is not a UK postcode."),
        ("ZZ9 9ZZ", "We could not find the postcode area ZZ9."),
    ],
)
def test_it_explains_a_postcode_it_cannot_place(text: str, message: str) -> None:
    with pytest.raises(PostcodeError, match=message):
        place_for_postcode(text)
