"""An outsider who reads everything the förbund is shown and tries to work out the hidden counts.

Written from the published cells alone (the API's long list: table, row, column, unit, value),
the documented structure of the tables (docs/privacy.md) and nothing else – in particular not
from the suppression code, so a mistake there cannot hide itself. Every hidden cell's smallest and
largest possible whole-number value is found by integer programming over all the figures; a cell
is determined when the two coincide.

Known relations used (true by construction): counts are whole and not negative; a row or column
"total" is the sum of its cells; the förbund's cell is the sum of the executors it covers; per
gender, new and exited are among the active; referring party, education (missing counts as
unknown), age group and exit reason account for every new or exited participant, the other
variables for at most that many; the year counts at least what its first eight months did in
every new or exited cell and in every activity cell, and those carried over (active − new) are the
same in both; participants per activity and meetings are among the active, times at least the
participants; those
carried into a year are those active and not exited the year before; every violence question's
answers add up to the same number of forms; those who improved are among those measured, and a
sum of changes lies within the scale's range times the number measured; a mean or share shown to
two decimals pins the sum or count behind it to an interval.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

TOTAL = "total"
GENDERS = ["kvinna", "man", "annat"]
NEW = (
    "referring_party",
    "education",
    "income_before",
    "time_without_work",
    "born_in",
    "age_group",
    "residence",
    "extent",
    "sip",
)
EXITED = ("exit_reason", "occupation_after", "income_after")
COMPLETE = ("referring_party", "education", "exit_reason", "age_group", "residence", "extent", "sip")
ACTIVITY = ("activity_participants", "activity_occasions", "meeting")
BIG = 10**7


@dataclass
class Published:
    """One period as the förbund's API gives it."""

    kind: str
    year: int
    period: int
    cells: list[dict[str, Any]]
    sum_units: list[str] = field(default_factory=list)


@dataclass
class Finding:
    label: str
    low: int
    high: int


class Attacker:
    def __init__(self, scale_range: int = 4) -> None:
        self.scale_range = scale_range
        self.index: dict[tuple[Any, ...], int] = {}
        self.free: set[int] = set()  # unknowns that may be negative
        self.rows: list[tuple[dict[int, float], float, float]] = []
        self.hidden: list[tuple[str, dict[int, float]]] = []
        self.shape: dict[tuple[Any, ...], tuple[list[str], list[str]]] = {}
        self.units: dict[tuple[str, int, int], set[str]] = defaultdict(set)

    def var(self, *key: Any, free: bool = False) -> int:
        if key not in self.index:
            self.index[key] = len(self.index)
            if free:
                self.free.add(self.index[key])
        return self.index[key]

    def add(self, terms: dict[int, float], low: float, high: float) -> None:
        self.rows.append((terms, low, high))

    # --- reading what is published -----------------------------------------------------------

    def read(self, published: Published) -> None:
        period = (published.kind, published.year, published.period)
        by_unit: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
        for cell in published.cells:
            by_unit[cell["unit"]].append(cell)
        for unit in by_unit:
            if unit is not None:
                self.units[period].add(unit)
        for unit, cells in by_unit.items():
            tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for cell in cells:
                tables[cell["table"]].append(cell)
            scope = [unit] if unit is not None else published.sum_units
            for table, table_cells in tables.items():
                if table in ("weeks", "places"):
                    continue  # means, medians and places are not sums of the counts
                if table == "progression":
                    self._progression(period, scope, unit, table_cells)
                else:
                    self._counts(period, scope, unit, table, table_cells)

    def _form(
        self, period: tuple[str, int, int], scope: list[str], table: str, row: str, column: str
    ) -> dict[int, float]:
        rows, columns = self.shape[(period, table)]
        terms: dict[int, float] = defaultdict(float)
        for unit in scope:
            for r in rows if row == TOTAL else [row]:
                for c in columns if column == TOTAL else [column]:
                    terms[self.var(unit, *period, table, r, c)] += 1
        return dict(terms)

    def _counts(
        self, period: tuple[str, int, int], scope: list[str], unit: str | None, table: str, cells: list[dict[str, Any]]
    ) -> None:
        rows = sorted({c["row"] for c in cells if c["row"] != TOTAL})
        columns = sorted({c["column"] for c in cells if c["column"] != TOTAL})
        self.shape.setdefault((period, table), (rows, columns))
        for cell in cells:
            form = self._form(period, scope, table, cell["row"], cell["column"])
            label = f"{unit or 'förbundet'} {period} {table} {cell['row']}/{cell['column']}"
            if cell["value"] is None:
                self.hidden.append((label, form))
            else:
                self.add(form, cell["value"], cell["value"])

    def _progression(
        self, period: tuple[str, int, int], scope: list[str], unit: str | None, cells: list[dict[str, Any]]
    ) -> None:
        values = {(c["row"], c["column"]): c["value"] for c in cells}
        indicators = sorted({c["row"] for c in cells})
        for indicator in indicators:
            for gender in [*GENDERS, TOTAL]:
                genders = GENDERS if gender == TOTAL else [gender]

                def form(what: str, genders: list[str] = genders, indicator: str = indicator) -> dict[int, float]:
                    terms: dict[int, float] = defaultdict(float)
                    for u in scope:
                        for g in genders:
                            terms[self.var(u, *period, what, indicator, g, free=what == "change")] += 1
                    return dict(terms)

                measured = values[(indicator, f"{gender}.measured")]
                label = f"{unit or 'förbundet'} {period} progression {indicator}/{gender}"
                if measured is None:
                    self.hidden.append((label, form("measured")))
                    continue
                self.add(form("measured"), measured, measured)
                for what, key in (("change", "mean_change"), ("improved", "share_improved")):
                    shown = values[(indicator, f"{gender}.{key}")]
                    if shown is not None and measured:
                        self.add(form(what), measured * (shown - 0.005), measured * (shown + 0.005))

    # --- what is known besides ----------------------------------------------------------------

    def relations(self) -> None:
        seen = {key[:4] for key in self.index}  # (unit, kind, year, period)
        for unit, kind, year, period in sorted(seen, key=repr):
            p = (kind, year, period)
            if (p, "participants") in self.shape:
                self._within(unit, p)
            if (p, "violence") in self.shape:
                rows, columns = self.shape[(p, "violence")]
                first = {self.var(unit, *p, "violence", rows[0], c): 1.0 for c in columns}
                for row in rows[1:]:
                    terms = {self.var(unit, *p, "violence", row, c): 1.0 for c in columns}
                    for k, v in first.items():
                        terms[k] = terms.get(k, 0) - v
                    self.add(terms, 0, 0)
            if any(k[0] == unit and k[1:4] == p and k[4] == "measured" for k in self.index):
                for key in [k for k in self.index if k[0] == unit and k[1:4] == p and k[4] == "measured"]:
                    m = self.index[key]
                    i = self.var(unit, *p, "improved", key[5], key[6])
                    ch = self.var(unit, *p, "change", key[5], key[6], free=True)
                    self.add({m: 1, i: -1}, 0, np.inf)
                    self.add({i: 1}, 0, np.inf)
                    self.add({ch: 1, m: self.scale_range}, 0, np.inf)
                    self.add({m: self.scale_range, ch: -1}, 0, np.inf)
            if kind == "annual" and (unit, "interim", year, 0) in seen:
                self._nested(unit, year)
            if kind == "annual":
                for later in ("interim", "annual"):
                    if (unit, later, year + 1, 0) in seen:
                        self._years(unit, year, (later, year + 1, 0))

    def _cell(self, unit: str, p: tuple[str, int, int], table: str, row: str, column: str) -> int:
        return self.var(unit, *p, table, row, column)

    def _within(self, unit: str, p: tuple[str, int, int]) -> None:
        for g in GENDERS:
            active = self._cell(unit, p, "participants", "active", g)
            for group in ("new", "exited"):
                self.add({active: 1, self._cell(unit, p, "participants", group, g): -1}, 0, np.inf)
            if (p, "activity_participants") in self.shape:
                for row in self.shape[(p, "activity_participants")][0]:
                    took = self._cell(unit, p, "activity_participants", row, g)
                    self.add({active: 1, took: -1}, 0, np.inf)
                    if (p, "activity_occasions") in self.shape:
                        self.add({self._cell(unit, p, "activity_occasions", row, g): 1, took: -1}, 0, np.inf)
            if (p, "meeting") in self.shape:
                terms = {active: 1.0}
                for row in self.shape[(p, "meeting")][0]:
                    terms[self._cell(unit, p, "meeting", row, g)] = -1.0
                self.add(terms, 0, np.inf)
            for table in (*NEW, *EXITED):
                if (p, table) not in self.shape:
                    continue
                people = self._cell(unit, p, "participants", "new" if table in NEW else "exited", g)
                terms: dict[int, float] = {people: 1.0}
                for row in self.shape[(p, table)][0]:
                    terms[self._cell(unit, p, table, row, g)] = -1.0
                self.add(terms, 0, 0 if table in COMPLETE else np.inf)

    def _nested(self, unit: str, year: int) -> None:
        interim, annual = ("interim", year, 0), ("annual", year, 0)
        for table in (*NEW, *EXITED, *ACTIVITY):
            if (interim, table) in self.shape and (annual, table) in self.shape:
                rows, columns = self.shape[(annual, table)]
                for r in rows:
                    for c in columns:
                        self.add(
                            {self._cell(unit, annual, table, r, c): 1, self._cell(unit, interim, table, r, c): -1},
                            0,
                            np.inf,
                        )
        for g in GENDERS:
            for group in ("new", "exited"):
                self.add(
                    {
                        self._cell(unit, annual, "participants", group, g): 1,
                        self._cell(unit, interim, "participants", group, g): -1,
                    },
                    0,
                    np.inf,
                )
            terms: dict[int, float] = defaultdict(float)
            for p, sign in ((annual, 1), (interim, -1)):
                terms[self._cell(unit, p, "participants", "active", g)] += sign
                terms[self._cell(unit, p, "participants", "new", g)] -= sign
            self.add(dict(terms), 0, 0)

    def _years(self, unit: str, year: int, after: tuple[str, int, int]) -> None:
        before = ("annual", year, 0)
        for g in GENDERS:
            terms: dict[int, float] = defaultdict(float)
            terms[self._cell(unit, after, "participants", "active", g)] += 1
            terms[self._cell(unit, after, "participants", "new", g)] -= 1
            terms[self._cell(unit, before, "participants", "active", g)] -= 1
            terms[self._cell(unit, before, "participants", "exited", g)] += 1
            self.add(dict(terms), 0, 0)

    # --- solving ------------------------------------------------------------------------------

    def _pin(self) -> dict[int, float]:
        """Unknowns an equation gives away on its own (all its other unknowns known), repeatedly."""
        known: dict[int, float] = {}
        changed = True
        while changed:
            changed = False
            for terms, lo, hi in self.rows:
                if lo != hi:
                    continue
                open_terms = [(i, c) for i, c in terms.items() if i not in known and c]
                if len(open_terms) == 1:
                    i, c = open_terms[0]
                    known[i] = (lo - sum(c2 * known[j] for j, c2 in terms.items() if j in known)) / c
                    changed = True
        return known

    def attack(self) -> list[Finding]:
        """Every hidden cell whose value the figures pin down."""
        self.relations()
        self.known = self._pin()
        n = len(self.index)
        parent = list(range(n))

        def find(a: int) -> int:
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        for terms, _lo, _hi in self.rows:
            keys = [i for i in terms if i not in self.known]
            for a, b in pairwise(keys):
                parent[find(a)] = find(b)
        components: dict[int, list[int]] = defaultdict(list)
        for i in range(n):
            if i not in self.known:
                components[find(i)].append(i)
        by_root: dict[int, list[tuple[str, dict[int, float]]]] = defaultdict(list)
        findings = []
        for label, form in self.hidden:
            roots = {find(i) for i in form if i not in self.known}
            if not roots:
                value = round(sum(c * self.known[i] for i, c in form.items()))
                findings.append(Finding(label, value, value))
            elif len(roots) == 1:
                by_root[roots.pop()].append((label, form))
            else:
                # A form over several independent parts: settle it part by part.
                findings += self._split(label, form, roots, find, components)
        for root, forms in by_root.items():
            findings += self._settle(components[root], forms)
        return findings

    def _split(self, label: str, form: dict[int, float], roots: set[int], find: Any, components: Any) -> list[Finding]:
        low = high = sum(c * self.known[i] for i, c in form.items() if i in self.known)
        for root in roots:
            part = {i: c for i, c in form.items() if i not in self.known and find(i) == root}
            (result,) = self._settle(components[root], [(label, part)], keep_all=True)
            low += result.low
            high += result.high
        return [Finding(label, round(low), round(high))] if round(low) == round(high) else []

    def _settle(
        self, members: list[int], forms: list[tuple[str, dict[int, float]]], keep_all: bool = False
    ) -> list[Finding]:
        """Integer bounds of each form over one component: witnesses (whole-number solutions of the
        relaxation in random directions) settle most forms as undetermined at once; the rest are
        bounded exactly (relaxation when its optimum is whole, integer programme otherwise)."""
        members, constraint, bounds = self._build(members)
        local = {i: j for j, i in enumerate(members)}
        vectors = []
        for _label, form in forms:
            c = np.zeros(len(members))
            for i, coefficient in form.items():
                if i in local:
                    c[local[i]] += coefficient
            vectors.append(c)
        open_ = set(range(len(forms))) if not keep_all else set()
        rng = np.random.default_rng(len(members))
        seen: dict[int, set[int]] = defaultdict(set)
        for _attempt in range(16):
            if not open_:
                break
            direction = sum(rng.choice([-1.0, 1.0]) * vectors[k] for k in open_)
            x = self._solve(direction, constraint, bounds, integral=False)
            if x is not None and not np.allclose(x, np.round(x), atol=1e-7):
                x = self._solve(direction, constraint, bounds, integral=True)
            if x is None:
                continue
            for k in list(open_):
                seen[k].add(round(float(vectors[k] @ x)))
                if len(seen[k]) > 1:
                    open_.discard(k)
        findings = []
        for k, (label, _form) in enumerate(forms):
            if not keep_all and k not in open_:
                continue
            low, high = (self._bound(vectors[k], sign, constraint, bounds) for sign in (1.0, -1.0))
            if keep_all or round(low) == round(high):
                findings.append(Finding(label, round(low), round(high)))
        return findings

    def _solve(self, objective: np.ndarray, constraint: Any, bounds: Bounds, *, integral: bool) -> np.ndarray | None:
        if integral:
            result = milp(objective, integrality=np.ones(len(objective)), bounds=bounds, constraints=constraint)
        else:
            result = milp(objective, integrality=np.zeros(len(objective)), bounds=bounds, constraints=constraint)
        return None if result.x is None else np.asarray(result.x)

    def _bound(self, vector: np.ndarray, sign: float, constraint: Any, bounds: Bounds) -> float:
        """The smallest (sign 1) or largest (sign −1) whole-number value of the form."""
        x = self._solve(sign * vector, constraint, bounds, integral=False)
        if x is None:
            raise AssertionError("the published figures contradict each other")
        if not np.allclose(x, np.round(x), atol=1e-7):
            x = self._solve(sign * vector, constraint, bounds, integral=True)
            assert x is not None
        return float(vector @ x)

    def _build(self, members: list[int]) -> tuple[list[int], Any, Bounds]:
        local = {i: j for j, i in enumerate(members)}
        member_set = set(members)
        data, cols, indptr, lows, highs = [], [], [0], [], []
        for terms, lo, hi in self.rows:
            if not member_set & terms.keys():
                continue
            constant = sum(c * self.known[i] for i, c in terms.items() if i in self.known)
            for i, c in terms.items():
                if i not in self.known:
                    data.append(c)
                    cols.append(local[i])
            indptr.append(len(data))
            lows.append(lo - constant)
            highs.append(hi - constant)
        matrix = csr_array((data, cols, indptr), shape=(len(lows), len(members)))
        lower = np.array([-BIG if i in self.free else 0 for i in members], dtype=float)
        constraint = [LinearConstraint(matrix, np.array(lows), np.array(highs))] if lows else []
        return members, constraint, Bounds(lower, np.full(len(members), float(BIG)))


def attack(periods: Iterable[Published], scale_range: int = 4) -> list[Finding]:
    attacker = Attacker(scale_range)
    for period in periods:
        attacker.read(period)
    return attacker.attack()
