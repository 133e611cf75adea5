"""What the search reports: the kind of personal data found, where, and the message for the user."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from lib.sensitive_text.normalisation import NormalisedText
from lib.translation import gettext, gettext_noop


class Kind(enum.StrEnum):
    IDENTITY_NUMBER = "identity_number"
    PHONE = "phone"
    EMAIL = "email"
    NAME = "name"  # a warning: the user may confirm that it points at no one


_TAIL = gettext_noop(
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
        if first == last:
            return gettext("Tecken %(first)s") % {"first": first}
        return gettext("Tecken %(first)s–%(last)s") % {"first": first, "last": last}

    @property
    def message(self) -> str:
        excerpt = " ".join(self.text.split())
        values = {"where": self.where, "excerpt": excerpt, "tail": gettext(_TAIL)}
        if self.kind == Kind.IDENTITY_NUMBER:
            if self.coordination_number and self.check_digit_ok:
                text = gettext("%(where)s: ”%(excerpt)s” ser ut som ett samordningsnummer. %(tail)s")
            elif self.coordination_number:
                text = gettext(
                    "%(where)s: ”%(excerpt)s” ser ut som ett samordningsnummer (kontrollsiffran stämmer inte, "
                    "men även ett felskrivet nummer kan peka ut en person). %(tail)s"
                )
            elif self.check_digit_ok:
                text = gettext("%(where)s: ”%(excerpt)s” ser ut som ett personnummer. %(tail)s")
            else:
                text = gettext(
                    "%(where)s: ”%(excerpt)s” ser ut som ett personnummer (kontrollsiffran stämmer inte, "
                    "men även ett felskrivet nummer kan peka ut en person). %(tail)s"
                )
            return text % values
        if self.kind == Kind.PHONE:
            return gettext("%(where)s: ”%(excerpt)s” ser ut som ett telefonnummer. %(tail)s") % values
        if self.kind == Kind.EMAIL:
            return gettext("%(where)s: ”%(excerpt)s” ser ut som en e-postadress. %(tail)s") % values
        return (
            gettext(
                "%(where)s: ”%(excerpt)s” kan vara namnet på en person. Ta bort namnet om det pekar ut en enskild "
                "person (en deltagare, en anhörig, en enskild medborgare)."
            )
            % values
        )


def _finding(normalised: NormalisedText, kind: Kind, start: int, end: int, **extra: bool) -> Finding:
    original_start, original_end = normalised.span_in_original(start, end)
    return Finding(kind, original_start, original_end, normalised.original[original_start:original_end], **extra)
