"""Disclosure control of figures published together: suppression decided jointly over everything
an outsider sees, and an exact check that no hidden figure can be worked out.

The model. The true counts are unknown whole numbers (`truth`). Every published figure is a
linear form over them – a table's cell, a row or column total, the förbund's sum over its
executors, the same tables for a longer period. An outsider knows:

- every shown figure's value;
- every `Relation` that holds by construction (a year counts at least what its first eight months
  count; the participants that started add up to the rows of "initierande part"; …);
- that unknowns are whole numbers within their bounds (counts are not negative);
- what a figure's `hidden_floor` promises about it when hidden (nothing, by default: a zero may be
  hidden as a complement, so a hidden count may be anything from 0).

A hidden figure is **determined** when every integer solution of that system gives it one and the
same value. `find_determined` decides that exactly, with integer programming (HiGHS through
scipy): a figure is undetermined as soon as two integer solutions give it different values, and
determined only when its integer minimum and maximum are both its true value.

`decide` hides every protected figure with a value from 1 up to the threshold (primary
suppression), then, while some hidden figure is determined, hides the cheapest set of figures not
yet published that lets it take another value (complementary suppression, found by an integer
programme over a change of the counts near it). Figures published earlier keep their state – the
outsider has seen them – so each new publication is decided against everything already out.

The system is split into independent parts first: unknowns fixed by a shown figure are
substituted, and what remains falls into small connected components (one table across units and
periods, typically), each solved on its own.
"""

from lib.disclosure.check import find_determined, integer_bounds
from lib.disclosure.model import BIG, Decision, Figure, Key, Problem, Relation, Terms, Unsafe, terms_of
from lib.disclosure.suppression import decide

__all__ = [
    "BIG",
    "Decision",
    "Figure",
    "Key",
    "Problem",
    "Relation",
    "Terms",
    "Unsafe",
    "decide",
    "find_determined",
    "integer_bounds",
    "terms_of",
]
