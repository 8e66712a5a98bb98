"""One reader of a typed number for the gradebook and the grades file: "17", "17.5", "17,5";
nothing a program alone would read as a number, and nothing a reader could take for two."""

import pytest

from portal.core.numbers import AmbiguousNumber, TwoSeparators, UnreadableNumber, read_number


@pytest.mark.parametrize(("text", "number"), [
    ("17", 17), ("17.5", 17.5), ("17,5", 17.5), (" 0,125 ", 0.125), ("1.000", 1), ("-3", -3),
])
def test_a_number_with_a_decimal_point_or_comma_is_read(text, number):
    assert read_number(text) == number


@pytest.mark.parametrize(("text", "whole", "decimal"), [
    ("1,000", 1000, 1), ("12,500", 12500, 12.5), ("999,999", 999999, 999.999),
])
def test_a_thousands_looking_number_is_refused_with_both_readings(text, whole, decimal):
    with pytest.raises(AmbiguousNumber) as refused:
        read_number(text)
    assert (refused.value.whole, refused.value.decimal) == (whole, decimal)


@pytest.mark.parametrize("text", ["1.000,5", "1,000.5", "1,000,000"])
def test_a_number_with_a_thousands_separator_and_a_decimal_mark_is_refused(text):
    with pytest.raises(TwoSeparators):
        read_number(text)


@pytest.mark.parametrize("text", ["", "abc", "1_0", "1e3", "inf", "NaN", "0x10", ".5", "1" * 400])
def test_what_only_a_program_reads_as_a_number_is_refused(text):
    with pytest.raises(UnreadableNumber) as refused:
        read_number(text)
    assert type(refused.value) is UnreadableNumber
