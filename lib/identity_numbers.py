"""Parsing of Swedish personal identity numbers (personnummer) and coordination numbers.

Validation itself is done by the `personnummer` package; this module adds the input rules
Insyn imposes (12 digits, or 10 digits with a separator) and one Swedish message per kind
of error so the user knows what to correct.
"""

from __future__ import annotations

import datetime
import enum
import re
from dataclasses import dataclass

from personnummer import personnummer as personnummer_lib

from lib.translation import gettext, gettext_noop

_TWELVE = re.compile(r"^(\d{8})-?(\d{4})$")
_TEN_WITH_SEPARATOR = re.compile(r"^(\d{6})([-+])(\d{4})$")


class ErrorKind(enum.StrEnum):
    EMPTY = "empty"
    FORMAT = "format"
    LENGTH = "length"
    TEN_WITHOUT_SEPARATOR = "ten_without_separator"
    DATE = "date"
    CHECK_DIGIT = "check_digit"


MESSAGES: dict[ErrorKind, str] = {
    ErrorKind.EMPTY: gettext_noop("Ange personnummer eller samordningsnummer."),
    ErrorKind.FORMAT: gettext_noop("Numret får bara innehålla siffror och ett bindestreck eller plustecken."),
    ErrorKind.LENGTH: gettext_noop(
        "Numret har fel längd: ange tolv siffror (ÅÅÅÅMMDDNNNN) eller tio siffror med bindestreck (ÅÅMMDD-NNNN)."
    ),
    ErrorKind.TEN_WITHOUT_SEPARATOR: gettext_noop(
        "Tio siffror utan bindestreck är tvetydigt: ange tolv siffror (ÅÅÅÅMMDDNNNN) eller ÅÅMMDD-NNNN."
    ),
    ErrorKind.DATE: gettext_noop("Datumet i numret finns inte (kontrollera år, månad och dag)."),
    ErrorKind.CHECK_DIGIT: gettext_noop("Kontrollsiffran stämmer inte: numret är felskrivet."),
}


class InvalidIdentityNumber(ValueError):
    def __init__(self, kind: ErrorKind) -> None:
        self.kind = kind
        self.message = gettext(MESSAGES[kind])
        super().__init__(self.message)


class LegalSex(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"


@dataclass(frozen=True)
class IdentityNumber:
    """A validated number in its canonical 12-digit form."""

    digits: str
    birth_date: datetime.date
    legal_sex: LegalSex
    is_coordination_number: bool

    @property
    def birth_year(self) -> int:
        return self.birth_date.year


def _luhn_ok(nine_plus_check: str) -> bool:
    return luhn_check_digit(nine_plus_check[:-1]) == int(nine_plus_check[-1])


def _date_ok(full: str) -> bool:
    year, month, day = int(full[0:4]), int(full[4:6]), int(full[6:8])
    if day > 60:
        day -= 60
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def parse_identity_number(raw: str, *, today: datetime.date | None = None) -> IdentityNumber:
    """Validate `raw` and return the canonical number, or raise InvalidIdentityNumber."""
    text = (raw or "").strip().replace(" ", "")
    if not text:
        raise InvalidIdentityNumber(ErrorKind.EMPTY)
    if not re.fullmatch(r"[\d+-]+", text) or text.count("-") + text.count("+") > 1:
        raise InvalidIdentityNumber(ErrorKind.FORMAT)
    digits_only = re.sub(r"\D", "", text)
    if len(digits_only) == 10 and not _TEN_WITH_SEPARATOR.match(text):
        if "-" not in text and "+" not in text:
            raise InvalidIdentityNumber(ErrorKind.TEN_WITHOUT_SEPARATOR)
        raise InvalidIdentityNumber(ErrorKind.FORMAT)
    if len(digits_only) not in (10, 12):
        raise InvalidIdentityNumber(ErrorKind.LENGTH)
    if len(digits_only) == 12 and (not _TWELVE.match(text) or "+" in text):
        raise InvalidIdentityNumber(ErrorKind.FORMAT)

    if len(digits_only) == 12:
        full = digits_only
    else:
        parsed_short = _parse_short(text, today=today)
        full = parsed_short
    if not _date_ok(full):
        raise InvalidIdentityNumber(ErrorKind.DATE)
    if not _luhn_ok(full[2:]):
        raise InvalidIdentityNumber(ErrorKind.CHECK_DIGIT)
    # The package is the authority: anything it rejects that we did not classify is a format error.
    try:
        number = personnummer_lib.parse(full)
    except personnummer_lib.PersonnummerException as exc:
        raise InvalidIdentityNumber(ErrorKind.FORMAT) from exc
    return IdentityNumber(
        digits=number.format(long_format=True),
        birth_date=number.get_date(),
        legal_sex=LegalSex.MALE if number.is_male() else LegalSex.FEMALE,
        is_coordination_number=number.is_coordination_number(),
    )


def _parse_short(text: str, *, today: datetime.date | None) -> str:
    """Expand YYMMDD-NNNN / YYMMDD+NNNN to 12 digits; '+' means the person is 100 or older."""
    match = _TEN_WITH_SEPARATOR.match(text)
    assert match is not None
    yymmdd, separator, tail = match.groups()
    current = (today or datetime.date.today()).year
    base = current - 100 if separator == "+" else current
    year = base - ((base - int(yymmdd[:2])) % 100)
    return f"{year:04d}{yymmdd[2:]}{tail}"


def luhn_check_digit(nine_digits: str) -> int:
    total = 0
    for index, char in enumerate(nine_digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def fictional_number(birth_date: datetime.date, *, serial: int, legal_sex: LegalSex, coordination: bool = False) -> str:
    """A valid 12-digit number for generated test and demo data (never a real person's record)."""
    if not 0 <= serial <= 99:
        raise ValueError("serial must be 0–99")
    sex_digit = serial % 5 * 2 + (1 if legal_sex == LegalSex.MALE else 0)
    # The three-digit birth number may not be 000; a serial of 0 with a female digit would give it.
    birth_number = f"{serial // 5 + 1:02d}{sex_digit}"
    day = birth_date.day + (60 if coordination else 0)
    nine = f"{birth_date:%y%m}{day:02d}{birth_number}"
    return f"{birth_date:%Y}{nine[2:]}{luhn_check_digit(nine)}"
