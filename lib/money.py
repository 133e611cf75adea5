"""Whole-krona arithmetic for the förbund's economy: shares that always add up to the total.

Rounding rule (stated to the user on every page that shows a split): each share is first computed
exactly as a fraction, then rounded down to whole kronor; the kronor still missing are handed out
one at a time to the shares with the largest fractional part (the largest-remainder method). Ties
go to the share listed first. The shares therefore always add up exactly to the total, and no share
differs from its exact value by a krona or more."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from lib.translation import gettext_noop

# Shown translated: gettext(ROUNDING_RULE) where it is displayed.
ROUNDING_RULE = gettext_noop(
    "Varje andel räknas först exakt och avrundas sedan nedåt till hela kronor. De kronor som då "
    "saknas fördelas en i taget till de andelar som har störst avrundad rest (största-restmetoden); "
    "vid lika rest går kronan till den andel som står först. Andelarna summerar alltid exakt till totalen."
)


def apportion(total: int, weights: Sequence[Fraction | int]) -> list[int]:
    """Split `total` whole kronor in proportion to `weights` (non-negative, not all zero)."""
    if total < 0:
        raise ValueError("total must not be negative")
    if not weights:
        raise ValueError("at least one weight is needed")
    fractions = [Fraction(w) for w in weights]
    if any(w < 0 for w in fractions):
        raise ValueError("weights must not be negative")
    weight_sum = sum(fractions, Fraction(0))
    if weight_sum == 0:
        raise ValueError("the weights must not all be zero")
    exact = [total * w / weight_sum for w in fractions]
    shares = [int(e) for e in exact]  # floor: every exact share is non-negative
    missing = total - sum(shares)
    # Largest remainder first; among equal remainders the earlier share first.
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in order[:missing]:
        shares[i] += 1
    return shares


def split_in_tertials(total: int) -> list[int]:
    """The agreed sum invoiced in three: two equal parts rounded down, the remainder on the last."""
    if total < 0:
        raise ValueError("total must not be negative")
    part = total // 3
    return [part, part, total - 2 * part]


def format_kronor(amount: int | None) -> str:
    """1650000 → '1 650 000 kr' with a no-break space between groups, as in the seeds."""
    if amount is None:
        return ""
    sign = "−" if amount < 0 else ""
    digits = f"{abs(amount):,}".replace(",", "\u00a0")
    return f"{sign}{digits}\u00a0kr"
