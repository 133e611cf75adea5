"""Sorting texts the way a reader counts: the numbers inside by value, so that "9 § 2" comes before
"9 § 10" and "4 kap. 1 §" before "11 kap. 1 §"."""

from __future__ import annotations

import re

_NUMBERS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key: runs of digits compare as numbers, the rest case-insensitively."""
    return tuple((0, int(part)) if part.isdigit() else (1, part.lower()) for part in _NUMBERS.split(text) if part)
