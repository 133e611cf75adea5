from decimal import Decimal

import pytest

from lib.report_numbers import format_number, parse_number, round_half_away, share_percent, to_tkr


def test_thousands_are_rounded_half_away_from_zero():
    assert to_tkr(Decimal("6194100")) == 6194
    assert to_tkr(Decimal("500")) == 1
    assert to_tkr(Decimal("-500")) == -1
    assert to_tkr(Decimal("-499.99")) == 0
    assert to_tkr(Decimal("-8089500")) == -8090


def test_a_sum_is_rounded_by_itself_not_from_its_rounded_lines():
    lines = [Decimal("14770900"), Decimal("-213446200"), Decimal("204871700"), Decimal("-2300")]
    assert sum(to_tkr(line) for line in lines) == 6195
    assert to_tkr(sum(lines, Decimal(0))) == 6194


def test_swedish_notation_has_spaces_and_a_decimal_comma():
    assert format_number(-121932) == "-121 932"
    assert format_number(Decimal("157.84"), 1) == "157,8"
    assert format_number(Decimal("0.149"), 1) == "0,1"
    assert format_number(Decimal("1234567.25"), 1) == "1 234 567,3"
    assert format_number(0) == "0"


def test_a_value_that_rounds_to_zero_has_no_sign():
    assert format_number(Decimal("-0.04"), 1) == "0,0"
    assert format_number(Decimal("-0.4")) == "0"


def test_the_difference_of_unrounded_values_can_differ_from_that_of_the_rounded():
    women_2021 = share_percent(Decimal(8760), Decimal(100000))
    women_2022 = share_percent(Decimal(11640), Decimal(100000))
    assert format_number(women_2021, 1) == "8,8"
    assert format_number(women_2022, 1) == "11,6"
    assert format_number(women_2022 - women_2021, 1) == "2,9"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("-121 932 000", "-121932000"),
        ("157,8", "157.8"),
        ("8.76", "8.76"),
        ("1\u00a0234,50", "1234.50"),
        ("\u22122", "-2"),
    ],
)
def test_ledger_numbers_are_read_in_either_notation(text, value):
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "abc", "1,234.5", "NaN", "inf", "12 kr"])
def test_what_is_not_a_number_is_refused_in_swedish(text):
    with pytest.raises(ValueError) as caught:
        parse_number(text)
    assert "tal" in str(caught.value) or "saknas" in str(caught.value)


def test_a_share_of_nothing_is_refused():
    with pytest.raises(ZeroDivisionError):
        share_percent(Decimal(1), Decimal(0))


def test_round_half_away_keeps_the_requested_places():
    assert round_half_away(Decimal("2.25"), 1) == Decimal("2.3")
    assert round_half_away(Decimal("-2.25"), 1) == Decimal("-2.3")
