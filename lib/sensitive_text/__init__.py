"""Finding personal data in free text that leaves the municipality (Lex Heller reports, the executors'
narratives to the förbund): personnummer and samordningsnummer, phone numbers and e-mail addresses
(errors), and what looks like a person's name (warnings). Pure Python, no Django: see
docs/text-guard.md for what is caught and what is not.

The text is first normalised (`normalise`): Unicode NFKC, every dash and minus to '-', every space to
' ', zero-width and other invisible format characters removed, every decimal digit to 0–9. The search
runs on the normalised text; each finding carries the offsets and the excerpt of the ORIGINAL text, so
that a form can point at the place.

Deliberately cautious about numbers: a plausible date followed by four digits is refused even if its
check digit is wrong, since a mistyped number still points at a person. Organisation numbers (third and
fourth digits 20 or more), dates, years, amounts, times and case numbers are allowed."""

from lib.sensitive_text.findings import Finding, Kind
from lib.sensitive_text.names import AMBIGUOUS_GIVEN_NAMES, AMBIGUOUS_SURNAMES, NameLists, name_lists
from lib.sensitive_text.normalisation import NormalisedText, normalise
from lib.sensitive_text.search import find_personal_data, find_possible_names, fingerprint

__all__ = [
    "AMBIGUOUS_GIVEN_NAMES",
    "AMBIGUOUS_SURNAMES",
    "Finding",
    "Kind",
    "NameLists",
    "NormalisedText",
    "find_personal_data",
    "find_possible_names",
    "fingerprint",
    "name_lists",
    "normalise",
]
