"""The outsider's linear system for one choice of hidden figures: unknowns a shown figure pins down
are substituted, and what remains is split into connected components, each a small programme."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint
from scipy.sparse import csr_array, vstack

from lib.disclosure.highs import linprog, milp
from lib.disclosure.model import BIG, Key, Problem, Terms

EPS = 1e-6


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
