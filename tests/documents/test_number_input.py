"""Numbers are typed the way the measurement table prints them (documents.formatting)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from documents.formatting import id_number, parse_id_number


def test_decimal_comma_with_thousands_dots_is_read_as_printed():
    assert parse_id_number("1.187,5") == Decimal("1187.5")


def test_dot_before_a_group_of_three_digits_is_a_thousands_dot():
    assert parse_id_number("1.250") == Decimal("1250")


def test_several_thousands_groups_are_read():
    assert parse_id_number("1.250.000,75") == Decimal("1250000.75")


def test_decimal_comma_alone_is_read():
    assert parse_id_number("68,5") == Decimal("68.5")


def test_decimal_point_that_cannot_be_a_thousands_dot_is_read():
    assert parse_id_number("68.5") == Decimal("68.5")


def test_leading_zero_before_a_dot_makes_it_a_decimal_point():
    assert parse_id_number("0.125") == Decimal("0.125")


def test_whole_number_is_read():
    assert parse_id_number(" 85 ") == Decimal("85")


def test_every_printed_number_reads_back_to_itself():
    for value in ("1187.5", "1250", "0.0001", "9999999999.9999", "3.12", "1000000"):
        assert parse_id_number(id_number(Decimal(value))) == Decimal(value)


@pytest.mark.parametrize(
    "text", ["1,250.5", "1.2.3,4", "abc", "1.25,5", "12,5,0", ",5", "5,", "1e3", "NaN", "", "1 250"]
)
def test_ambiguous_or_foreign_number_is_refused_with_the_expected_form(text):
    with pytest.raises(ValidationError, match=r"1\.187,5"):
        parse_id_number(text)


def test_non_ascii_digits_are_refused():
    with pytest.raises(ValidationError):
        parse_id_number("\u0661\u0662")
