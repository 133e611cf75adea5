"""Swedish words and order that several outputs share: month names as a date is written
("den 10 september"), and sorting as a Swedish reader expects (å, ä, ö after z)."""

from __future__ import annotations

import datetime

from lib.translation import gettext

MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)

_SWEDISH_ORDER = str.maketrans("åäöéü", "{|}ey")


def swedish_key(text: str) -> str:
    """Sort key placing å, ä, ö after z, in that order (é as e, ü as y, as Swedish dictionaries do)."""
    return text.lower().translate(_SWEDISH_ORDER)


def date_in_words(day: datetime.date) -> str:
    """ "den 10 september 2026", as an agreement writes a date."""
    return f"den {day.day} {MONTHS[day.month - 1]} {day.year}"


def quoted(value: object) -> str:
    """A value typed by a user, quoted the Swedish way in a message (”abc”), not as Python's
    repr ('abc', with escapes); control characters are shown as their code so the message stays
    one readable line."""
    text = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in str(value))
    # The quotation marks follow the language: ”abc” in Swedish, “abc” in English.
    return gettext("”%(text)s”") % {"text": text}
