"""Whether a key figure meets its target, and the assessment that follows from a goal's figures on
a signal scale of n steps (lowest first)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction


def meets(direction: str, target: Decimal, value: Decimal) -> bool:
    if direction == "ge":
        return value >= target
    if direction == "gt":
        return value > target
    if direction == "le":
        return value <= target
    if direction == "lt":
        return value < target
    if direction == "eq":
        return value == target
    raise ValueError(f"unknown direction {direction!r}")


def proposed_step(results: Sequence[bool], steps: int) -> int | None:
    """The step (0 = lowest) for a goal whose figures met their targets as in `results`: all met →
    the top step, none → the lowest, in between in proportion, rounded half up. None without
    figures to go on or without a scale."""
    if not results or steps < 1:
        return None
    share = Fraction(sum(results), len(results))
    position = share * (steps - 1)
    return min(steps - 1, int(position + Fraction(1, 2)))
