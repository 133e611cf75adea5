"""WCAG 2 relative luminance and contrast ratio of sRGB colours written as #rrggbb.

A colour that carries meaning next to white (a signal step's dot) needs at least 3:1 against
white (WCAG 1.4.11, non-text contrast)."""

from __future__ import annotations

import math
import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
WHITE = "#ffffff"
NON_TEXT_MINIMUM = 3.0


def parse_hex(colour: str) -> tuple[int, int, int]:
    """(red, green, blue) 0–255 of '#rrggbb'; ValueError for anything else."""
    if not HEX_COLOUR.match(colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance: 0 for black, 1 for white."""
    red, green, blue = (_linear(c) for c in parse_hex(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str = WHITE) -> float:
    """(L1 + 0.05) / (L2 + 0.05) with L1 the lighter: from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def format_ratio(ratio: float) -> str:
    """'2,97:1' – rounded down, so a ratio just under a limit never reads as reaching it."""
    floored = math.floor(ratio * 100) / 100
    return f"{floored:.2f}".replace(".", ",") + ":1"


def darkened_to(colour: str, minimum: float = NON_TEXT_MINIMUM, against: str = WHITE) -> str:
    """The lightest darkening of `colour` (same hue, every channel scaled alike) that reaches
    `minimum` against `against`; the colour itself when it already does."""
    if contrast_ratio(colour, against) >= minimum:
        return colour
    red, green, blue = parse_hex(colour)
    for step in range(100, -1, -1):
        factor = step / 100
        candidate = "#{:02x}{:02x}{:02x}".format(*(round(c * factor) for c in (red, green, blue)))
        if contrast_ratio(candidate, against) >= minimum:
            return candidate
    return "#000000"
