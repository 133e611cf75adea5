"""Deciding what to hide: primary suppression of small protected figures, then complementary
suppression until no hidden figure is determined."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from scipy.optimize import Bounds, LinearConstraint
from scipy.sparse import csr_array

from lib.disclosure.check import _determined
from lib.disclosure.highs import milp
from lib.disclosure.model import BIG, Decision, Figure, Key, Problem, Relation, Unsafe
from lib.disclosure.system import _System


def decide(problem: Problem, threshold: int) -> Decision:
    """Which figures to hide: the published ones as they were, small protected new ones, and
    complements until no hidden figure is determined."""
    figures = {f.key: f for f in problem.figures}
    groups: dict[Key, list[Key]] = {}
    for f in problem.figures:
        if f.group is not None:
            groups.setdefault(f.group, []).append(f.key)

    def with_group(key: Key) -> set[Key]:
        group = figures[key].group
        members = set(groups[group]) if group is not None else {key}
        # A figure published shown stays shown, whatever its group does now.
        return {k for k in members if figures[k].published_hidden is not False}

    hidden: set[Key] = set()
    primary: set[Key] = set()
    for f in problem.figures:
        if f.published_hidden:
            hidden |= with_group(f.key)
        elif f.published_hidden is None and f.protect and 0 < problem.value(f) < threshold:
            primary |= with_group(f.key)
    hidden |= primary

    def price(key: Key) -> tuple[float, str]:
        f = figures[key]
        return (float(problem.value(f)) if f.cost is None else f.cost, repr(key))

    def hideable(key: Key | None) -> bool:
        if key is None:
            return False
        f = figures[key]
        floor = f.hidden_floor
        return f.published_hidden is None and key not in hidden and (floor is None or problem.value(f) >= floor)

    index = _Neighbourhood(problem)
    system = _System(problem, hidden)
    determined = _determined(system, [figures[k] for k in sorted(hidden, key=repr)], 0)
    rounds = 0
    while determined:
        rounds += 1
        # A hidden figure that is not small and that an outsider can work out anyway is shown:
        # stating it adds nothing to what is known, and keeps complements honest.
        revealable = {k for k in determined if figures[k].published_hidden is None and k not in primary}
        if revealable:
            hidden -= revealable
            system = _System(problem, hidden)
            determined = [k for k in determined if k not in revealable]
            if not determined:
                break
        # Free every determined figure in turn; a change found for one often frees others too.
        freed: set[Key] = set()
        added: set[Key] = set()
        for key in determined:
            if key in freed:
                continue
            target = figures[key]
            chosen, change = _cheapest_complement(problem, index, target, hidden, hideable, price, with_group)
            if not chosen and change:
                freed.add(key)  # figures hidden earlier in this round freed it already
                continue
            if not chosen:
                usable = [k for k in _complements(system, target) if hideable(k)]
                if not usable:
                    raise Unsafe(f"{target.key!r} is determined by what is already published")
                chosen = {min(usable, key=price)}
            for choice in chosen:
                for member in with_group(choice):
                    if member not in hidden:
                        hidden.add(member)
                        added.add(member)
            if change:
                # truth + change solves the system with these figures hidden (and stays a
                # solution as more are hidden): every figure it moves is free.
                freed |= {k for k in determined if sum(c * change.get(u, 0) for u, c in figures[k].terms)}
            if len(added) > 40:
                break  # check what has been hidden so far before hiding more
        system = _System(problem, hidden)
        # Hiding only ever loosens the system, so what is free stays free; check the figures just
        # hidden and those not yet shown free.
        recheck = [figures[k] for k in sorted((set(determined) - freed) | added, key=repr)]
        determined = _determined(system, recheck, rounds)
    return Decision(frozenset(hidden), frozenset(primary))


class _Neighbourhood:
    """Which figures and relations touch which unknowns, for the complement search."""

    def __init__(self, problem: Problem) -> None:
        self.figures_of: dict[Key, list[Figure]] = {}
        self.relations_of: dict[Key, list[Relation]] = {}
        for f in problem.figures:
            for k, _c in f.terms:
                self.figures_of.setdefault(k, []).append(f)
        for relation in problem.relations:
            for k, _c in relation.terms:
                self.relations_of.setdefault(k, []).append(relation)

    def around(self, start: Iterable[Key], radius: int, limit: int) -> set[Key]:
        region = set(start)
        frontier = set(region)
        for _step in range(radius):
            following: set[Key] = set()
            for k in frontier:
                for f in self.figures_of.get(k, []):
                    following.update(u for u, _c in f.terms)
                for relation in self.relations_of.get(k, []):
                    following.update(u for u, _c in relation.terms)
            following -= region
            if len(region) + len(following) > limit:
                break
            region |= following
            frontier = following
        return region


class _Rows:
    """Sparse constraint rows low ≤ Σ c·x ≤ high, built one at a time."""

    def __init__(self) -> None:
        self.rows: list[list[tuple[int, float]]] = []
        self.lows: list[float] = []
        self.highs: list[float] = []

    def add(self, row: list[tuple[int, float]], low: float, high: float) -> None:
        self.rows.append(row)
        self.lows.append(low)
        self.highs.append(high)

    def constraint(self, n: int, extra: tuple[list[tuple[int, float]], float, float]) -> LinearConstraint:
        rows = [*self.rows, extra[0]]
        data = [c for row in rows for _j, c in row]
        cols = [j for row in rows for j, _c in row]
        indptr = np.cumsum([0] + [len(row) for row in rows])
        matrix = csr_array((data, cols, indptr), shape=(len(rows), n))
        return LinearConstraint(matrix, np.array([*self.lows, extra[1]]), np.array([*self.highs, extra[2]]))


def _cheapest_complement(
    problem: Problem,
    index: _Neighbourhood,
    target: Figure,
    hidden: set[Key],
    hideable: object,
    price: object,
    with_group: object,
) -> tuple[set[Key], dict[Key, int]]:
    """The cheapest set of unpublished figures whose hiding lets `target` take another value, and
    the change of the unknowns that shows it (truth + change is a solution once they are hidden).

    An integer programme over a change d of the unknowns near the target: the target changes by
    at least one, every figure that stays shown keeps its value, every hidden figure stays above
    its floor, every relation holds, and a figure may change only if it is hidden (z = 1), at its
    price. Hiding the figures with z = 1 makes truth + d a second solution, so the target is no
    longer determined. Empty when no such change exists near the target."""
    assert callable(hideable) and callable(price) and callable(with_group)
    best: tuple[float, set[Key], dict[Key, int]] | None = None
    target_keys = [k for k, _c in target.terms]
    # Small changes near the target first; wider and larger ones only when those cannot work.
    for radius, step, limit in ((2, 1, 4000), (4, 3, 4000), (1000, 3, 50_000)):
        region = sorted(index.around(target_keys, radius, limit), key=repr)
        position = {k: j for j, k in enumerate(region)}
        touched: dict[Key, Figure] = {}
        for k in region:
            for f in index.figures_of.get(k, []):
                touched[f.key] = f
        relations = {id(r): r for k in region for r in index.relations_of.get(k, [])}
        # One switch per group of figures hidden together.
        switch: dict[Key, int] = {}
        for key, f in touched.items():
            if hideable(key):
                group = f.group if f.group is not None else ("figure", key)
                switch.setdefault(group, len(region) + len(switch))
        n = len(region) + len(switch)
        rows = _Rows()
        add = rows.add
        for key, f in touched.items():
            inside = [(position[k], float(c)) for k, c in f.terms if k in position]
            value = float(problem.value(f))
            floor = f.hidden_floor
            if key in hidden:
                if floor is not None:
                    add(inside, floor - value, np.inf)
            elif hideable(key):
                z = switch[f.group if f.group is not None else ("figure", key)]
                big = step * sum(abs(c) for _j, c in inside) + 1
                add([*inside, (z, -big)], -np.inf, 0.0)
                add([*inside, (z, big)], 0.0, np.inf)
                if floor is not None:
                    # Once hidden, the outsider still knows it is at least its floor.
                    add([*inside, (z, -big)], floor - value - big, np.inf)
            else:
                add(inside, 0.0, 0.0)
        for relation in relations.values():
            inside = [(position[k], float(c)) for k, c in relation.terms if k in position]
            total = float(sum(c * problem.truth[k] for k, c in relation.terms))
            add(
                inside,
                -np.inf if relation.low is None else relation.low - total,
                np.inf if relation.high is None else relation.high - total,
            )
        low = np.zeros(n)
        high = np.ones(n)
        for j, k in enumerate(region):
            lo, hi = problem.bounds.get(k, (0, None))
            truth = problem.truth[k]
            low[j] = max(-step, (-BIG if lo is None else lo) - truth)
            high[j] = min(step, (BIG if hi is None else hi) - truth)
        cost = np.zeros(n)
        for group, z in switch.items():
            members = [f for f in touched.values() if (f.group if f.group is not None else ("figure", f.key)) == group]
            # A group (a count with its mean and share) costs what its dearest member does.
            cost[z] = max(price(f.key)[0] for f in members) + 1.0
        target_row = [(position[k], float(c)) for k, c in target.terms if k in position]
        for sign in (1.0, -1.0):
            extra_low = 1.0 if sign > 0 else -np.inf
            extra_high = np.inf if sign > 0 else -1.0
            result = milp(
                cost,
                integrality=np.ones(n),
                bounds=Bounds(low, high),
                constraints=[rows.constraint(n, extra=(target_row, extra_low, extra_high))],
                options={"time_limit": 20.0},
            )
            if result.x is None:
                continue
            chosen = {
                key
                for key, f in touched.items()
                if hideable(key) and result.x[switch[f.group if f.group is not None else ("figure", key)]] > 0.5
            }
            total = float(result.fun)
            if best is None or total < best[0]:
                change = {k: round(float(result.x[position[k]])) for k in region if abs(result.x[position[k]]) > 0.5}
                best = (total, chosen, change)
            # Raising the target is nearly always possible; lowering it is tried only if not.
            break
        if best is not None:
            return best[1], best[2]
    return set(), {}


def _complements(system: _System, target: Figure) -> list[Key | None]:
    """Shown figures whose hiding can free `target`, best first: those the relaxation's bound
    leans on (with the figures that pinned their unknowns), then any in its components."""
    parts = system.parts(target.terms)
    target_unknowns = [system.index[k] for k, _c in target.terms]
    rows = system.derivation(target_unknowns)
    for root, part in parts.items():
        component = system.component(root)
        for sign in (1.0, -1.0):
            leaning = component.certificate(part, sign)
            rows |= leaning
            rows |= system.derivation(i for r in leaning for i, _c in system.rows[r].terms)
    found = [system.rows[r].figure for r in sorted(rows)]
    if any(key is not None for key in found):
        return found
    # The relaxation is loose and integrality decides: every shown figure of the components.
    nearby: list[Key | None] = []
    for root in parts:
        component = system.component(root)
        for r in component.row_ids:
            nearby.append(system.rows[r].figure)
            nearby.extend(system.rows[k].figure for k in system.derivation(i for i, _c in system.rows[r].terms))
    return nearby
