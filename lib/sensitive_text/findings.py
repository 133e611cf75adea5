"""What the search reports: the kind of personal data found, where, and the message for the user."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from lib.sensitive_text.normalisation import NormalisedText


class Kind(enum.StrEnum):
    IDENTITY_NUMBER = "identity_number"
    PHONE = "phone"
    EMAIL = "email"
    NAME = "name"  # a warning: the user may confirm that it points at no one


_TAIL = (
    "Det som lämnar kommunen beskriver situationer och strukturer, aldrig en enskild person: ta bort "
    "uppgiften och beskriv situationen utan den."
)


@dataclass(frozen=True)
class Finding:
    kind: Kind
    start: int  # offset in the original text
    end: int  # offset in the original text, exclusive
    text: str  # the original excerpt, text[start:end]
    coordination_number: bool = False
    check_digit_ok: bool = True

    @property
    def is_warning(self) -> bool:
        return self.kind == Kind.NAME

    @property
    def where(self) -> str:
        """The place as the user counts it: characters from 1, both ends included."""
        first, last = self.start + 1, self.end
        return f"Tecken {first}" if first == last else f"Tecken {first}–{last}"

    @property
    def message(self) -> str:
        excerpt = " ".join(self.text.split())
        head = f"{self.where}: ”{excerpt}”"
        if self.kind == Kind.IDENTITY_NUMBER:
            what = "ett samordningsnummer" if self.coordination_number else "ett personnummer"
            note = (
                ""
                if self.check_digit_ok
                else " (kontrollsiffran stämmer inte, men även ett felskrivet nummer kan peka ut en person)"
            )
            return f"{head} ser ut som {what}{note}. {_TAIL}"
        if self.kind == Kind.PHONE:
            return f"{head} ser ut som ett telefonnummer. {_TAIL}"
        if self.kind == Kind.EMAIL:
            return f"{head} ser ut som en e-postadress. {_TAIL}"
        return (
            f"{head} kan vara namnet på en person. Ta bort namnet om det pekar ut en enskild person "
            "(en deltagare, en anhörig, en enskild medborgare)."
        )


def _finding(normalised: NormalisedText, kind: Kind, start: int, end: int, **extra: bool) -> Finding:
    original_start, original_end = normalised.span_in_original(start, end)
    return Finding(kind, original_start, original_end, normalised.original[original_start:original_end], **extra)
