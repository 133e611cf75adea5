"""Normalising text before the search, with a map back to the original offsets."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Invisible characters outside Unicode category Cf that are just as invisible: the combining grapheme
# joiner, Hangul fillers, Khmer inherent vowels, Mongolian variation selectors, variation selectors.
_INVISIBLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u3164\uffa0"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
    + "".join(chr(c) for c in range(0xE0100, 0xE01F0))
)
# Minus signs and hyphen look-alikes outside category Pd (which is mapped as a whole): minus, heavy
# minus, modifier minus, hyphen bullet, super/subscript minus, the katakana and box-drawing lines.
_DASHES = frozenset("\u2212\u2796\u02d7\u2043\u207b\u208b\ufe63\uff0d\u30fc\uff70\u2500\u2501\u23af")
_SLASHES = frozenset("\u2215\u2044\u29f8\uff0f")


@dataclass(frozen=True)
class NormalisedText:
    """`text` normalised; `starts[i]`/`ends[i]` are the offsets in `original` of what produced text[i]."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span_in_original(self, start: int, end: int) -> tuple[int, int]:
        """The original offsets of the normalised span [start, end) (end > start)."""
        return self.starts[start], self.ends[end - 1]


def _map_char(char: str) -> str | None:
    if char in _INVISIBLE:
        return None
    category = unicodedata.category(char)
    if category == "Cf":  # zero-width space and joiners, word joiner, BOM, soft hyphen, bidi marks …
        return None
    if category == "Pd" or char in _DASHES:
        return "-"
    if category == "Zs" or char == "\t":
        return " "
    if category in ("Zl", "Zp"):
        return "\n"
    if char in _SLASHES:
        return "/"
    if category == "Nd" and not "0" <= char <= "9":
        return str(unicodedata.decimal(char))
    return char


def normalise(text: str) -> NormalisedText:
    """Normalise `text` for the search, keeping a map back to the original positions.

    NFKC is applied to each base character with its combining marks, so that every normalised character
    can be traced to the characters it came from."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, length = 0, len(text)
    while i < length:
        j = i + 1
        while j < length and unicodedata.combining(text[j]):
            j += 1
        for char in unicodedata.normalize("NFKC", text[i:j]):
            mapped = _map_char(char)
            if mapped is not None:
                out.append(mapped)
                starts.append(i)
                ends.append(j)
        i = j
    return NormalisedText(text, "".join(out), tuple(starts), tuple(ends))
