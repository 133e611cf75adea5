"""The table model: the unknown true counts, the published figures as linear forms over them, the
relations an outsider knows to hold, and a decision of which figures to hide."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

Key = Hashable
Terms = tuple[tuple[Key, int], ...]

# Whole numbers far beyond any count keep every programme bounded, so "unbounded" never needs a
# special case: a figure that can grow to this is simply not determined.
BIG = 10**7


def terms_of(unknowns: Iterable[Key] | Mapping[Key, int]) -> Terms:
    """Terms of a sum (coefficient 1 each) or of a mapping unknown → coefficient."""
    if isinstance(unknowns, Mapping):
        return tuple((key, int(c)) for key, c in unknowns.items() if c)
    return tuple((key, 1) for key in unknowns)


@dataclass(frozen=True)
class Figure:
    key: Key
    terms: Terms
    protect: bool = True
    # None: decided now. True/False: already published hidden/shown, which cannot be undone.
    published_hidden: bool | None = None
    # Figures shown or hidden together (a group's mean and share go with its count).
    group: Key | None = None
    # What an outsider may assume of the figure when it is hidden beyond the unknowns' bounds, if
    # the rule for hiding promises it (None: nothing; a complement may be a hidden zero).
    hidden_floor: int | None = None
    # Price of hiding it as a complement; None: its value (small figures go first).
    cost: float | None = None


@dataclass(frozen=True)
class Relation:
    """low ≤ Σ coefficient·unknown ≤ high, true by construction of the figures."""

    terms: Terms
    low: int | None = None
    high: int | None = None


@dataclass
class Problem:
    truth: dict[Key, int] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    # Bounds of unknowns; default 0 ≤ x ≤ BIG. None on a side: −BIG / BIG.
    bounds: dict[Key, tuple[int | None, int | None]] = field(default_factory=dict)

    def value(self, figure: Figure) -> int:
        return sum(c * self.truth[k] for k, c in figure.terms)

    def add_relation(self, terms: Terms, low: int | None = None, high: int | None = None) -> bool:
        """Add a relation if the truth satisfies it (a relation that does not hold, after a late
        correction for instance, is not something an outsider could rely on). Returns whether it
        was added."""
        total = sum(c * self.truth[k] for k, c in terms)
        if (low is not None and total < low) or (high is not None and total > high):
            return False
        self.relations.append(Relation(terms, low, high))
        return True


@dataclass(frozen=True)
class Decision:
    hidden: frozenset[Key]
    primary: frozenset[Key]

    def shown(self, key: Key) -> bool:
        return key not in self.hidden


class Unsafe(Exception):
    """What is already published determines a hidden figure: no new decision can repair that."""
