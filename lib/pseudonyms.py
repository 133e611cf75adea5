"""Pseudonymous codes: ``ALI-7KQ3M9`` for a person in the register, ``ALID-7KQ3M9`` for a
participant in a programme (the D is for deltagare).

A code is a municipality prefix and six characters drawn at random (``secrets``) from an
alphabet without look-alike characters, so it can be read aloud on the phone. It is never
derived from the identity number: the only link is the municipality's own registry. A
participant's code is drawn separately from the person's, so the code the förbund sees opens
nothing in the register even where it leaks.
"""

from __future__ import annotations

import re
import secrets

# No 0/O/D-like pairs (0, O), 1/I/L, 2/Z, 5/S, 6/G, 8/B, U/V: what remains is unambiguous
# when read aloud or copied by hand.
ALPHABET = "ACDEFHJKMNPQRTVWXY3479"
LENGTH = 6
_PREFIX = re.compile(r"^[A-Z]{3}$")
_CODE = re.compile(rf"^[A-Z]{{3}}-[{ALPHABET}]{{{LENGTH}}}$")
PARTICIPANT_MARK = "D"
_PARTICIPANT_CODE = re.compile(rf"^[A-Z]{{3}}{PARTICIPANT_MARK}-[{ALPHABET}]{{{LENGTH}}}$")


def generate_code(prefix: str) -> str:
    if not _PREFIX.match(prefix):
        raise ValueError(f"Prefix must be three capital letters A–Z, got {prefix!r}.")
    body = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{prefix}-{body}"


def generate_participant_code(prefix: str) -> str:
    return generate_code(prefix).replace("-", f"{PARTICIPANT_MARK}-", 1)


def is_valid_code(code: str) -> bool:
    return bool(_CODE.match(code))


def is_valid_participant_code(code: str) -> bool:
    return bool(_PARTICIPANT_CODE.match(code))


def normalise_code(raw: str) -> str:
    """Accept lower case and missing dash from a user typing a code."""
    text = raw.strip().upper().replace(" ", "")
    if "-" not in text and len(text) in (3 + LENGTH, 4 + LENGTH):
        text = f"{text[:-LENGTH]}-{text[-LENGTH:]}"
    return text
