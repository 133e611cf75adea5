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

from __future__ import annotations

import os
import sys
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from random import Random
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint
from scipy.optimize import linprog as _linprog
from scipy.optimize import milp as _milp
from scipy.sparse import csr_array, vstack

Key = Hashable
Terms = tuple[tuple[Key, int], ...]


@contextmanager
def _quiet() -> Iterator[None]:
    """HiGHS's integer solver sometimes prints a diagnostic line straight to the process's standard
    output, past every option; keep it off the command line's and the server's output."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def milp(*args: Any, **kwargs: Any) -> Any:
    with _quiet():
        return _milp(*args, **kwargs)


def linprog(*args: Any, **kwargs: Any) -> Any:
    return _linprog(*args, **kwargs)


# Whole numbers far beyond any count keep every programme bounded, so "unbounded" never needs a
# special case: a figure that can grow to this is simply not determined.
BIG = 10**7
EPS = 1e-6


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


# --- The outsider's system ----------------------------------------------------------------------


@dataclass
class _Row:
    terms: list[tuple[int, int]]  # (unknown index, coefficient)
    low: float
    high: float
    figure: Key | None = None  # the shown figure the row states, if any


class _System:
    """The outsider's linear system for one choice of hidden figures, split into components."""

    def __init__(self, problem: Problem, hidden: set[Key]) -> None:
        self.problem = problem
        self.hidden = hidden
        self.keys: list[Key] = list(problem.truth)
        self.index = {k: i for i, k in enumerate(self.keys)}
        n = len(self.keys)
        self.low = np.zeros(n)
        self.high = np.full(n, float(BIG))
        for key, (lo, hi) in problem.bounds.items():
            i = self.index[key]
            self.low[i] = -BIG if lo is None else lo
            self.high[i] = BIG if hi is None else hi
        self.truth = np.array([problem.truth[k] for k in self.keys], dtype=float)
        rows: list[_Row] = []
        for figure in problem.figures:
            terms = [(self.index[k], c) for k, c in figure.terms]
            if figure.key in hidden:
                if figure.hidden_floor is not None:
                    rows.append(_Row(terms, figure.hidden_floor, np.inf))
            else:
                value = float(problem.value(figure))
                rows.append(_Row(terms, value, value, figure.key))
        for relation in problem.relations:
            terms = [(self.index[k], c) for k, c in relation.terms]
            rows.append(
                _Row(
                    terms,
                    -np.inf if relation.low is None else relation.low,
                    np.inf if relation.high is None else relation.high,
                )
            )
        self.rows = rows
        self._fix()
        self._components()

    def _fix(self) -> None:
        """Substitute every unknown a shown figure pins down alone, until nothing changes; remember
        which row pinned it (the derivation a complement must break)."""
        fixed = np.zeros(len(self.keys), dtype=bool)
        self.fixed_by: dict[int, int] = {}
        by_unknown: dict[int, list[int]] = {}
        for r, row in enumerate(self.rows):
            for i, _c in row.terms:
                by_unknown.setdefault(i, []).append(r)
        queue = [r for r, row in enumerate(self.rows) if row.low == row.high]
        while queue:
            r = queue.pop()
            row = self.rows[r]
            free = [i for i, c in row.terms if c and not fixed[i]]
            if len(free) != 1:
                continue
            # The truth satisfies every row, so the pinned value is the truth.
            fixed[free[0]] = True
            self.fixed_by[free[0]] = r
            queue.extend(k for k in by_unknown.get(free[0], []) if self.rows[k].low == self.rows[k].high)
        self.fixed = fixed

    def derivation(self, unknowns: Iterable[int]) -> set[int]:
        """The rows that pinned these unknowns, and the rows behind those."""
        rows: set[int] = set()
        stack = [i for i in unknowns if self.fixed[i]]
        seen: set[int] = set()
        while stack:
            i = stack.pop()
            if i in seen:
                continue
            seen.add(i)
            r = self.fixed_by[i]
            rows.add(r)
            stack.extend(j for j, _c in self.rows[r].terms if j != i and self.fixed[j])
        return rows

    def _components(self) -> None:
        parent = list(range(len(self.keys)))

        def find(a: int) -> int:
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        for row in self.rows:
            free = [i for i, _c in row.terms if not self.fixed[i]]
            for a, b in pairwise(free):
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[ra] = rb
        self.component_of = {i: find(i) for i in range(len(self.keys)) if not self.fixed[i]}
        self._built: dict[int, _Component] = {}

    def component(self, root: int) -> _Component:
        if root not in self._built:
            members = [i for i, r in self.component_of.items() if r == root]
            self._built[root] = _Component(self, members)
        return self._built[root]

    def parts(self, terms: Terms) -> dict[int, list[tuple[int, int]]]:
        """The free part of a linear form, by component."""
        result: dict[int, list[tuple[int, int]]] = {}
        for key, c in terms:
            i = self.index[key]
            if not self.fixed[i]:
                result.setdefault(self.component_of[i], []).append((i, c))
        return result


class _Component:
    def __init__(self, system: _System, members: list[int]) -> None:
        self.system = system
        self.members = members
        self.local = {i: j for j, i in enumerate(members)}
        rows_a: list[list[tuple[int, int]]] = []
        lows: list[float] = []
        highs: list[float] = []
        # The system's row behind each of the component's rows.
        self.row_ids: list[int] = []
        member_set = set(members)
        for r, row in enumerate(system.rows):
            if not any(i in member_set for i, _c in row.terms):
                continue
            constant = sum(c * system.truth[i] for i, c in row.terms if system.fixed[i])
            rows_a.append([(self.local[i], c) for i, c in row.terms if not system.fixed[i]])
            lows.append(row.low - constant)
            highs.append(row.high - constant)
            self.row_ids.append(r)
        data = [float(c) for row in rows_a for _j, c in row]
        cols = [j for row in rows_a for j, _c in row]
        indptr = np.cumsum([0] + [len(row) for row in rows_a])
        self.matrix = csr_array((data, cols, indptr), shape=(len(rows_a), len(members)))
        self.lows = np.array(lows)
        self.highs = np.array(highs)
        self.bounds = Bounds(system.low[members], system.high[members])
        self.truth = system.truth[members]

    def objective(self, terms: Sequence[tuple[int, int]], sign: float) -> np.ndarray:
        c = np.zeros(len(self.members))
        for i, coefficient in terms:
            c[self.local[i]] += sign * coefficient
        return c

    def integer_optimum(self, objective: np.ndarray) -> np.ndarray:
        """An integer solution minimising `objective`."""
        constraints = [LinearConstraint(self.matrix, self.lows, self.highs)] if self.matrix.shape[0] else []
        result = milp(objective, integrality=np.ones(len(self.members)), bounds=self.bounds, constraints=constraints)
        if result.x is None:
            # The truth satisfies every row, so the system cannot be infeasible: a modelling error.
            raise RuntimeError(f"HiGHS found no solution ({result.message})")
        return np.asarray(result.x)

    def _linear_form(self) -> dict[str, Any]:
        if not hasattr(self, "_lp"):
            equal = np.isclose(self.lows, self.highs)
            eq = np.flatnonzero(equal)
            upper = np.flatnonzero(~equal & np.isfinite(self.highs))
            lower = np.flatnonzero(~equal & np.isfinite(self.lows))
            lp: dict[str, Any] = {"eq": eq, "ineq": np.concatenate([upper, lower])}
            if len(upper) or len(lower):
                lp["A_ub"] = vstack([self.matrix[upper], -self.matrix[lower]]).tocsr()
                lp["b_ub"] = np.concatenate([self.highs[upper], -self.lows[lower]])
            if len(eq):
                lp["A_eq"] = self.matrix[eq]
                lp["b_eq"] = self.lows[eq]
            lp["bounds"] = np.column_stack([self.bounds.lb, self.bounds.ub])
            self._lp = lp
        return self._lp

    def relaxed(self, objective: np.ndarray) -> Any:
        """The linear relaxation's optimum (scipy's result, with duals)."""
        lp = self._linear_form()
        return linprog(
            objective,
            A_ub=lp.get("A_ub"),
            b_ub=lp.get("b_ub"),
            A_eq=lp.get("A_eq"),
            b_eq=lp.get("b_eq"),
            bounds=lp["bounds"],
            method="highs",
        )

    def in_equations(self, objective: np.ndarray) -> bool:
        """Is the form a combination of the equations (shown figures, equal relations)? Then its
        value follows from them alone: determined, with no optimisation needed."""
        if not hasattr(self, "_basis"):
            lp = self._linear_form()
            if not len(lp["eq"]):
                self._basis = np.zeros((len(self.members), 0))
            else:
                dense = lp["A_eq"].toarray().T  # columns span the row space
                u, singular, _vt = np.linalg.svd(dense, full_matrices=False)
                rank = int((singular > 1e-9 * max(1.0, float(singular[0]) if len(singular) else 1.0)).sum())
                self._basis = u[:, :rank]
        basis = self._basis
        residual = objective - basis @ (basis.T @ objective)
        return bool(np.linalg.norm(residual) < 1e-8 * max(1.0, float(np.linalg.norm(objective))))

    def witness(self, objective: np.ndarray) -> np.ndarray:
        """An integer solution minimising `objective`: the relaxation's own optimum when it is
        whole (as it usually is for tables with margins), else the integer programme's."""
        result = self.relaxed(objective)
        if result.status == 0 and np.allclose(result.x, np.round(result.x), atol=1e-7):
            return np.round(result.x)
        return self.integer_optimum(objective)

    def certificate(self, terms: Sequence[tuple[int, int]], sign: float) -> set[int]:
        """The system rows that the linear relaxation's optimum of sign·form leans on (nonzero
        duals): hiding a figure among them, or behind them, can loosen the bound."""
        result = self.relaxed(self.objective(terms, -sign))
        if result.status != 0:
            return set()
        lp = self._linear_form()
        rows: set[int] = set()
        if len(lp["eq"]):
            rows |= {self.row_ids[k] for k, m in zip(lp["eq"], result.eqlin.marginals, strict=True) if abs(m) > EPS}
        if "A_ub" in lp:
            rows |= {self.row_ids[k] for k, m in zip(lp["ineq"], result.ineqlin.marginals, strict=True) if abs(m) > EPS}
        return rows


# --- Checking --------------------------------------------------------------------------------


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


# --- Deciding --------------------------------------------------------------------------------


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
