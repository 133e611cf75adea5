"""Finding what looks like personal data in free text that must describe structures only
(Lex Heller reports): personnummer or samordningsnummer, phone numbers, e-mail addresses.

Deliberately cautious: a string that merely looks like a personnummer (a plausible date followed by
four digits) is refused even if its check digit is wrong, since a mistyped number still points at a
person. Organisation numbers (third and fourth digits 20 or more) are allowed."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

_IDENTITY_NUMBER = re.compile(r"(?<![\d-])(?:\d{2})?(\d{2})(\d{2})(\d{2})\s?[-+]?\s?\d{4}(?![\d-])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class Finding:
    kind: str  # "identity_number", "phone", "email"
    text: str

    @property
    def message(self) -> str:
        what = {
            "identity_number": "ett personnummer eller samordningsnummer",
            "phone": "ett telefonnummer",
            "email": "en e-postadress",
        }[self.kind]
        return (
            f"Texten ser ut att innehålla {what} (”{self.text}”). En rapport beskriver en situation och den "
            "struktur som orsakade den, aldrig en enskild person: ta bort uppgiften och beskriv situationen "
            "utan den."
        )


def _plausible_date(month: str, day: str) -> bool:
    m, d = int(month), int(day)
    # Samordningsnummer add 60 to the day.
    return 1 <= m <= 12 and (1 <= d <= 31 or 61 <= d <= 91)


def find_personal_data(text: str) -> list[Finding]:
    findings: list[Finding] = []
    covered: list[tuple[int, int]] = []
    for match in _IDENTITY_NUMBER.finditer(text):
        if _plausible_date(match.group(2), match.group(3)):
            findings.append(Finding("identity_number", match.group(0).strip()))
            covered.append(match.span())
    for match in _EMAIL.finditer(text):
        findings.append(Finding("email", match.group(0)))
        covered.append(match.span())
    for phone in phonenumbers.PhoneNumberMatcher(text, "SE", leniency=phonenumbers.Leniency.VALID):
        if not any(start <= phone.start < end for start, end in covered):
            findings.append(Finding("phone", phone.raw_string))
    return findings
