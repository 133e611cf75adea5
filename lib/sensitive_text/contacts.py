"""Phone numbers (through the phonenumbers library, minus times, dates and case numbers) and e-mail
addresses, also written out to get past filters."""

from __future__ import annotations

import re

import phonenumbers

_ODD_PHONE_SEPARATORS = re.compile(r"(?<=\d)[ ]?[_~*\\·][ ]?(?=\d)")


_LEADING_TIME = re.compile(r"(?:[01]?\d|2[0-3])[.:][0-5]\d(?!\d)\D")
_CONTINUED = re.compile(r"\d[.:/,] ?$")
_LIST_SEPARATORS = re.compile(r"\s[-/]\s|[,;|]")
_TIMES = re.compile(r"(?:[01]?\d|2[0-3])[.:][0-5]\d(?: ?- ?(?:[01]?\d|2[0-3])[.:][0-5]\d)?")


def _phone_spans(text: str) -> list[tuple[int, int]]:
    # Separators the phone matcher does not know become '-' (same length, so offsets stay).
    prepared = _ODD_PHONE_SEPARATORS.sub(lambda m: "-" * len(m.group()), text)
    spans = []
    for match in phonenumbers.PhoneNumberMatcher(prepared, "SE", leniency=phonenumbers.Leniency.VALID):
        raw = text[match.start : match.end]
        if (
            # Written as phone numbers are: national from 0, international from + or 00.
            raw[0] in "0+("
            # 08.15-10.30 and 08.30 589 980 kr are a Stockholm number to the matcher, times to everyone else.
            and not _TIMES.fullmatch(raw)
            and not _LEADING_TIME.match(raw)
            # The rest of a case number, a date or a time: Dnr 2018/044 595 718, 2023.084 121 781.
            and not _CONTINUED.search(text, 0, match.start)
            and len(_LIST_SEPARATORS.findall(raw)) <= 1
        ):
            spans.append((match.start, match.end))
    return spans


_TLD = r"(?:se|nu|com|net|org|eu|info|io|fi|no|dk|is|de|uk|biz|me|app|online)"
_LOCAL = r"[\w+-]+(?:\.[\w+-]+)*"
_DOT = r"(?:\s*\.\s*|\s*[\(\[]\s*(?:dot|punkt)\s*[\)\]]\s*|\s+(?:dot|punkt)\s+)"
_EMAIL = re.compile(rf"(?<![\w.+-]){_LOCAL}\s*@\s*[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[^\W\d_]{{2,}}(?![\w])")
# Written out to get past filters: anna(at)kommun.se, anna [at] kommun punkt se, anna snabel-a kommun.se.
_EMAIL_OBFUSCATED = re.compile(
    rf"(?<![\w.+-]){_LOCAL}\s*(?:[\(\[]\s*(?:at|a|snabel-?a)\s*[\)\]]|\s(?:at|snabel-?a)\s)\s*"
    rf"[\w-]+(?:{_DOT}[\w-]+)*{_DOT}{_TLD}(?![\w])",
    re.IGNORECASE,
)
