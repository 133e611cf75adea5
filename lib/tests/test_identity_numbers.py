import datetime

import pytest

from lib.identity_numbers import (
    ErrorKind,
    InvalidIdentityNumber,
    LegalSex,
    fictional_number,
    luhn_check_digit,
    parse_identity_number,
)

TODAY = datetime.date(2026, 11, 22)
# Generated here, never a real person's record.
VALID_MALE = fictional_number(datetime.date(1981, 12, 18), serial=33, legal_sex=LegalSex.MALE)
VALID_FEMALE = fictional_number(datetime.date(1990, 2, 28), serial=7, legal_sex=LegalSex.FEMALE)


def _error(raw: str) -> ErrorKind:
    with pytest.raises(InvalidIdentityNumber) as info:
        parse_identity_number(raw, today=TODAY)
    return info.value.kind


def test_it_accepts_twelve_digits_and_derives_birth_year_and_sex():
    number = parse_identity_number(VALID_MALE, today=TODAY)
    assert number.digits == VALID_MALE
    assert number.birth_year == 1981
    assert number.birth_date == datetime.date(1981, 12, 18)
    assert number.legal_sex == LegalSex.MALE
    assert not number.is_coordination_number


def test_it_accepts_twelve_digits_with_a_dash():
    assert parse_identity_number(f"{VALID_FEMALE[:8]}-{VALID_FEMALE[8:]}", today=TODAY).digits == VALID_FEMALE
    assert parse_identity_number(VALID_FEMALE, today=TODAY).legal_sex == LegalSex.FEMALE


def test_it_accepts_ten_digits_with_a_dash_and_infers_the_century():
    short = f"{VALID_MALE[2:8]}-{VALID_MALE[8:]}"
    assert parse_identity_number(short, today=TODAY).digits == VALID_MALE


def test_a_plus_sign_means_a_hundred_years_or_older():
    old = fictional_number(datetime.date(1921, 5, 5), serial=12, legal_sex=LegalSex.FEMALE)
    assert parse_identity_number(f"{old[2:8]}+{old[8:]}", today=TODAY).birth_year == 1921
    assert parse_identity_number(f"{old[2:8]}-{old[8:]}", today=TODAY).birth_year == 2021


def test_it_accepts_a_coordination_number_with_day_plus_sixty():
    number = fictional_number(datetime.date(1995, 7, 9), serial=40, legal_sex=LegalSex.MALE, coordination=True)
    assert number[6:8] == "69"
    parsed = parse_identity_number(number, today=TODAY)
    assert parsed.is_coordination_number
    assert parsed.birth_date == datetime.date(1995, 7, 9)


def test_it_rejects_empty_input():
    assert _error("  ") == ErrorKind.EMPTY


def test_it_rejects_letters():
    assert _error("19811218-98A6") == ErrorKind.FORMAT


def test_it_rejects_wrong_length():
    assert _error("1981121898") == ErrorKind.TEN_WITHOUT_SEPARATOR
    assert _error("19811218987") == ErrorKind.LENGTH
    assert _error("1981121898761") == ErrorKind.LENGTH


def test_it_rejects_ten_digits_without_a_separator():
    assert _error(VALID_MALE[2:]) == ErrorKind.TEN_WITHOUT_SEPARATOR


def test_it_rejects_an_impossible_date():
    nine = "810230123"  # 30 February
    assert _error(f"19{nine}{luhn_check_digit(nine)}") == ErrorKind.DATE
    nine = "811318123"  # month 13
    assert _error(f"19{nine}{luhn_check_digit(nine)}") == ErrorKind.DATE


def test_it_rejects_a_bad_check_digit():
    wrong = VALID_MALE[:-1] + str((int(VALID_MALE[-1]) + 1) % 10)
    assert _error(wrong) == ErrorKind.CHECK_DIGIT


def test_every_error_kind_has_a_swedish_message():
    for kind in ErrorKind:
        message = InvalidIdentityNumber(kind).message
        assert message and message.endswith(".")


def test_fictional_numbers_are_valid_and_carry_the_requested_sex():
    for serial in range(100):
        for sex in LegalSex:
            number = fictional_number(datetime.date(2001, 1, 31), serial=serial, legal_sex=sex)
            assert parse_identity_number(number, today=TODAY).legal_sex == sex
