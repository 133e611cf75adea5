"""The exact check: which hidden figures an outsider can work out, and the bounds they can give one."""

from __future__ import annotations

from collections.abc import Sequence
from random import Random

import numpy as np

from lib.disclosure.model import Figure, Key, Problem
from lib.disclosure.system import _Component, _System


def _value(x: np.ndarray, component: _Component, terms: Sequence[tuple[int, int]]) -> float:
    return float(sum(c * x[component.local[i]] for i, c in terms))


def find_determined(problem: Problem, hidden: set[Key], *, seed: int = 0) -> list[Key]:
    """The hidden figures an outsider can work out exactly."""
    system = _System(problem, hidden)
    return _determined(system, [f for f in problem.figures if f.key in hidden], seed)


def _determined(system: _System, figures: Sequence[Figure], seed: int) -> list[Key]:
    rng = Random(seed)  # noqa: S311 - search directions, not secrets
    # A figure is determined when each of its parts (one per component) is.
    parts = {figure.key: system.parts(figure.terms) for figure in figures}
    undetermined: set[Key] = set()
    by_component: dict[int, list[Key]] = {}
    for key, by_root in parts.items():
        for root in by_root:
            by_component.setdefault(root, []).append(key)
    for root, keys in by_component.items():
        component = system.component(root)
        truth = {key: _value(component.truth, component, parts[key][root]) for key in keys}
        pending = [k for k in keys if k not in undetermined]
        # Random directions settle most undetermined figures at once: any integer solution that
        # moves a figure away from its true value proves it undetermined.
        for _attempt in range(12):
            if not pending:
                break
            objective = np.zeros(len(component.members))
            for key in pending:
                objective += component.objective(parts[key][root], rng.choice((-1.0, 1.0)))
            x = component.witness(objective)
            moved = {key for key in pending if abs(_value(x, component, parts[key][root]) - truth[key]) > 0.5}
            undetermined |= moved
            pending = [k for k in pending if k not in moved]
            if not moved and _attempt >= 2:
                break
        for key in pending:
            part = parts[key][root]
            if component.in_equations(component.objective(part, 1.0)):
                continue  # determined by the equations alone
            for sign in (1.0, -1.0):
                objective = component.objective(part, -sign)
                relaxed = component.relaxed(objective)
                # The relaxation bounds the integers: if it cannot move the figure, nothing can.
                if relaxed.status == 0 and abs(float(-relaxed.fun) - sign * truth[key]) < 0.5:
                    continue
                x = component.witness(objective)
                if abs(_value(x, component, part) - truth[key]) > 0.5:
                    undetermined.add(key)
                    break
    return sorted((f.key for f in figures if f.key not in undetermined), key=repr)


def integer_bounds(problem: Problem, hidden: set[Key], key: Key) -> tuple[int, int]:
    """The smallest and largest value an outsider can give a hidden figure (BIG: no bound)."""
    system = _System(problem, hidden)
    figure = next(f for f in problem.figures if f.key == key)
    low = high = sum(c * system.truth[system.index[k]] for k, c in figure.terms if system.fixed[system.index[k]])
    for root, part in system.parts(figure.terms).items():
        component = system.component(root)
        low += _value(component.integer_optimum(component.objective(part, 1.0)), component, part)
        high += _value(component.integer_optimum(component.objective(part, -1.0)), component, part)
    return round(low), round(high)
