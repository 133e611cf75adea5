"""The search: personal data (errors) and possible names (warnings) in a text, and a fingerprint of
what was found."""

from __future__ import annotations

import datetime
import hashlib

from lib.sensitive_text.contacts import _EMAIL, _EMAIL_OBFUSCATED, _phone_spans
from lib.sensitive_text.findings import Finding, Kind, _finding
from lib.sensitive_text.identity import _check_digit_ok, _number_candidates
from lib.sensitive_text.names import _name_spans
from lib.sensitive_text.normalisation import normalise


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def find_personal_data(text: str, *, today: datetime.date | None = None) -> list[Finding]:
    """Personnummer and samordningsnummer, phone numbers and e-mail addresses in `text`, in order of
    their position. These are errors: text with any of them may not leave the municipality. A date
    after `today` (default: the system date) is no birth date."""
    today = today or datetime.date.today()
    normalised = normalise(text)
    ntext = normalised.text
    findings: list[tuple[int, int, Finding]] = []
    taken: list[tuple[int, int]] = []

    def add(kind: Kind, start: int, end: int, **extra: bool) -> None:
        findings.append((start, end, _finding(normalised, kind, start, end, **extra)))
        taken.append((start, end))

    for pattern in (_EMAIL, _EMAIL_OBFUSCATED):
        for match in pattern.finditer(ntext):
            if not _overlaps(match.span(), taken):
                add(Kind.EMAIL, match.start(), match.end())
    phones = _phone_spans(ntext)
    # Where candidates overlap, the likeliest wins: 12 digits over the 10 inside them, then a right
    # check digit, then the way personnummer are written, then the longer.
    candidates = sorted(
        _number_candidates(ntext, today),
        key=lambda c: (-len(c.digits), not _check_digit_ok(c.digits), not c.strict_layout, c.start - c.end, c.start),
    )
    for candidate in candidates:
        span = (candidate.start, candidate.end)
        if _overlaps(span, taken):
            continue
        if not candidate.strict_layout and _overlaps(span, phones):
            continue  # written like a phone number, and it is one: reported as a phone number below
        add(
            Kind.IDENTITY_NUMBER,
            *span,
            coordination_number=candidate.coordination,
            check_digit_ok=_check_digit_ok(candidate.digits),
        )
    for span in phones:
        if not _overlaps(span, taken):
            add(Kind.PHONE, *span)
    return [finding for _start, _end, finding in sorted(findings, key=lambda f: f[0])]


def find_possible_names(text: str) -> list[Finding]:
    """What looks like a person's name: a given name from the list followed by a surname from the list
    or one ending in -son/-sson/-dotter, or an initial and such a surname. A warning, not an error:
    officials may be named in their role, and the lists cover common names only."""
    normalised = normalise(text)
    return [_finding(normalised, Kind.NAME, start, end) for start, end in _name_spans(normalised.text)]


def fingerprint(findings: list[Finding]) -> str:
    """A short digest of the excerpts of `findings` (ignoring where they are), to tie a confirmation to
    exactly the names the user saw. "" for no findings."""
    if not findings:
        return ""
    excerpts = sorted(" ".join(normalise(f.text).text.split()) for f in findings)
    return hashlib.sha256("\x1f".join(excerpts).encode()).hexdigest()[:20]
