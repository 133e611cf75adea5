"""What a delivery publishes, as figures over the true counts, and what an outsider knows besides.

Pure code (no database): a delivery's raw tables become `lib.disclosure` figures – cells, row and
column totals – each a sum of unknown counts of one executor and period; the förbund's sum is the
same figure summed over the executors it covers. The relations an outsider can rely on are stated
here, next to the tables they connect:

- within a period: a participants table row adds up to the rows of the variable tables counted
  over the same group (every participant has a referring party; education counts a missing answer
  as unknown; exit reason is required), other variables add up to at most the group; those who
  started or left are among the active ones;
- the year and its first eight months: the year counts at least what the interim counted in every
  cell of a "new" or "exited" table, and the participants carried over from the year before are the
  same in both (active − new);
- one year and the next: those carried into a year are those active and not exited the year before;
- progression: those who improved are among those measured, and a sum of changes lies within the
  scale's range times the number measured;
- violence questionnaires: every question's answers (not answered included) add up to the forms.

A relation is only used where the data satisfies it (`Problem.add_relation`): after a late
correction it may not, and an outsider cannot rely on it then either.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lib.disclosure import Figure, Key, Problem, Unsafe, decide, terms_of

GENDERS = ["kvinna", "man", "annat"]
TOTAL = "total"

# Tables counted over the participants who started in the period, and over those who left.
NEW_TABLES = (
    "age_group",
    "residence",
    "extent",
    "sip",
    "referring_party",
    "education",
    "income_before",
    "time_without_work",
    "born_in",
)
EXIT_TABLES = ("exit_reason", "occupation_after", "income_after")
# Tables whose rows account for every participant of the group (the others may leave some out).
COMPLETE_TABLES = ("age_group", "residence", "extent", "sip", "referring_party", "education", "exit_reason")
# Counted over the period's activity: participants per activity type (each at most every active
# participant), the number of times (at least the participants), multi-party meetings held (one
# per participant at most).
ACTIVITY_TABLES = ("activity_participants", "activity_occasions", "meeting")
PROGRESSION = ("progression_measured", "progression_improved", "progression_change")


@dataclass(frozen=True)
class Shape:
    row_totals: bool = True
    column_totals: bool = True
    grand_total: bool = True
    protect: bool = True
    # Unknowns that may be negative (a sum of changes on a scale).
    signed: bool = False


def shape_of(table: str) -> Shape:
    if table == "participants":
        # Active, new and exited are different groups: no sum down the columns.
        return Shape(column_totals=False, grand_total=False)
    if table == "activity_participants":
        # One participant can take part in several activities: no sum over the activities.
        return Shape(column_totals=False, grand_total=False)
    if table == "violence":
        # Every row's total is the number of forms; the columns are not summed over questions.
        return Shape(column_totals=False, grand_total=False)
    if table in PROGRESSION:
        return Shape(
            column_totals=False,
            grand_total=False,
            protect=table == "progression_measured",
            signed=table == "progression_change",
        )
    return Shape()


@dataclass
class RawTable:
    key: str
    rows: list[str]
    columns: list[str]
    cells: list[list[int]]

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "rows": self.rows, "columns": self.columns, "cells": self.cells}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RawTable:
        return cls(data["key"], list(data["rows"]), list(data["columns"]), [list(r) for r in data["cells"]])

    def value(self, row: str, column: str) -> int:
        rows = range(len(self.rows)) if row == TOTAL else [self.rows.index(row)]
        columns = range(len(self.columns)) if column == TOTAL else [self.columns.index(column)]
        return sum(self.cells[r][c] for r in rows for c in columns)


def figure_cells(table: RawTable) -> list[tuple[str, str]]:
    """Every (row, column) a table publishes, margins included, in reading order."""
    shape = shape_of(table.key)
    cells: list[tuple[str, str]] = []
    for row in table.rows:
        cells.extend((row, column) for column in table.columns)
        if shape.row_totals:
            cells.append((row, TOTAL))
    if shape.column_totals:
        cells.extend((TOTAL, column) for column in table.columns)
    if shape.grand_total:
        cells.append((TOTAL, TOTAL))
    return cells


PeriodKey = tuple[str, int, int]  # (kind, year, period)


@dataclass
class Release:
    """One publication: an executor's delivery, or the förbund's sum over executors."""

    ident: tuple[Any, ...]
    period: PeriodKey
    units: tuple[int, ...]
    tables: dict[str, RawTable]
    # Published hidden cells (table, row, column), or None for a release being decided now.
    hidden: set[tuple[str, str, str]] | None = None
    # Tables published whole, whatever their counts (the agreement asks for them so).
    unprotected: frozenset[str] = frozenset()
    # Tables that must be shown in full (the förbund's exact violence counts for the national system).
    exact: frozenset[str] = frozenset()

    def figure_key(self, table: str, row: str, column: str) -> Key:
        return (self.ident, table, row, column)


def unknown(unit: int, period: PeriodKey, table: str, row: str, column: str) -> Key:
    return (unit, *period, table, row, column)


def _terms(release: Release, table: RawTable, row: str, column: str) -> list[Key]:
    rows = table.rows if row == TOTAL else [row]
    columns = table.columns if column == TOTAL else [column]
    return [unknown(u, release.period, table.key, r, c) for u in release.units for r in rows for c in columns]


def figures_of(release: Release) -> list[Figure]:
    figures = []
    for table in release.tables.values():
        shape = shape_of(table.key)
        for row, column in figure_cells(table):
            key = release.figure_key(table.key, row, column)
            published: bool | None = None
            if release.hidden is not None:
                published = (table.key, row, column) in release.hidden
            elif table.key in release.exact:
                published = False
            group = None
            if table.key in PROGRESSION:
                group = (release.ident, "progression", row, column)
            figures.append(
                Figure(
                    key,
                    terms_of(_terms(release, table, row, column)),
                    protect=shape.protect and table.key not in release.unprotected,
                    published_hidden=published,
                    group=group,
                    hidden_floor=None,
                )
            )
    return figures


def _cost(value: int, table: str, margin: bool) -> float:
    """What hiding a figure costs the reader: its size (a zero, which tells least, goes first);
    totals cost more than cells, except a progression row's total, which goes before a gender's
    own figures (the gender split is what the förbund must report)."""
    factor = 1.0
    if margin:
        factor = 0.8 if table in PROGRESSION else 3.0
    return max(value, 0.5) * factor


@dataclass
class UnitPeriod:
    """The raw tables of one executor for one period, as the relations need them."""

    unit: int
    period: PeriodKey
    tables: dict[str, RawTable] = field(default_factory=dict)


def add_unknowns(problem: Problem, unit_period: UnitPeriod) -> None:
    for table in unit_period.tables.values():
        shape = shape_of(table.key)
        for r, row in enumerate(table.rows):
            for c, column in enumerate(table.columns):
                key = unknown(unit_period.unit, unit_period.period, table.key, row, column)
                problem.truth[key] = table.cells[r][c]
                if shape.signed:
                    problem.bounds[key] = (None, None)


def _sum(unit_period: UnitPeriod, table: str, *, row: str | None = None, column: str | None = None) -> list[Key]:
    raw = unit_period.tables[table]
    rows = raw.rows if row is None else [row]
    columns = raw.columns if column is None else [column]
    return [unknown(unit_period.unit, unit_period.period, table, r, c) for r in rows for c in columns]


def _difference(plus: Iterable[Key], minus: Iterable[Key]) -> dict[Key, int]:
    terms: dict[Key, int] = {}
    for key in plus:
        terms[key] = terms.get(key, 0) + 1
    for key in minus:
        terms[key] = terms.get(key, 0) - 1
    return terms


def add_period_relations(problem: Problem, up: UnitPeriod, scale_range: int) -> None:
    """Relations inside one executor's period."""
    tables = up.tables
    if "participants" in tables:
        for gender in GENDERS:
            active = _sum(up, "participants", row="active", column=gender)
            for group in ("new", "exited"):
                part = _sum(up, "participants", row=group, column=gender)
                problem.add_relation(terms_of(_difference(active, part)), low=0)
            for table in (*NEW_TABLES, *EXIT_TABLES):
                if table not in tables:
                    continue
                group = "new" if table in NEW_TABLES else "exited"
                rows = _sum(up, table, column=gender)
                people = _sum(up, "participants", row=group, column=gender)
                difference = terms_of(_difference(people, rows))
                if table in COMPLETE_TABLES:
                    problem.add_relation(difference, low=0, high=0)
                else:
                    problem.add_relation(difference, low=0)
    if "participants" in tables and "activity_participants" in tables:
        for gender in GENDERS:
            active = _sum(up, "participants", row="active", column=gender)
            for row in tables["activity_participants"].rows:
                took = unknown(up.unit, up.period, "activity_participants", row, gender)
                problem.add_relation(terms_of(_difference(active, [took])), low=0)
                if "activity_occasions" in tables:
                    times = unknown(up.unit, up.period, "activity_occasions", row, gender)
                    problem.add_relation(terms_of({times: 1, took: -1}), low=0)
            if "meeting" in tables:
                held = _sum(up, "meeting", column=gender)
                problem.add_relation(terms_of(_difference(active, held)), low=0)
    if "violence" in tables:
        raw = tables["violence"]
        first = _sum(up, "violence", row=raw.rows[0]) if raw.rows else []
        for row in raw.rows[1:]:
            problem.add_relation(terms_of(_difference(_sum(up, "violence", row=row), first)), low=0, high=0)
    if "progression_measured" in tables:
        raw = tables["progression_measured"]
        for row in raw.rows:
            for column in raw.columns:
                measured = unknown(up.unit, up.period, "progression_measured", row, column)
                improved = unknown(up.unit, up.period, "progression_improved", row, column)
                change = unknown(up.unit, up.period, "progression_change", row, column)
                problem.add_relation(terms_of({measured: 1, improved: -1}), low=0)
                problem.add_relation(terms_of({change: 1, measured: scale_range}), low=0)
                problem.add_relation(terms_of({measured: scale_range, change: -1}), low=0)


def add_nested_relations(problem: Problem, interim: UnitPeriod, annual: UnitPeriod) -> None:
    """The year against its first eight months, for one executor: what the first eight months count
    of those who started or left, of activity and of those measured twice, the year counts too."""
    for table in (*NEW_TABLES, *EXIT_TABLES, *ACTIVITY_TABLES, "progression_measured"):
        if table not in interim.tables or table not in annual.tables:
            continue
        a, i = annual.tables[table], interim.tables[table]
        for row in a.rows:
            if row not in i.rows:
                continue
            for column in a.columns:
                year = unknown(annual.unit, annual.period, table, row, column)
                part = unknown(interim.unit, interim.period, table, row, column)
                problem.add_relation(terms_of({year: 1, part: -1}), low=0)
    if "participants" in interim.tables and "participants" in annual.tables:
        for gender in GENDERS:

            def carried(up: UnitPeriod, g: str = gender) -> dict[Key, int]:
                return _difference(
                    _sum(up, "participants", row="active", column=g), _sum(up, "participants", row="new", column=g)
                )

            for group in ("new", "exited"):
                year = unknown(annual.unit, annual.period, "participants", group, gender)
                part = unknown(interim.unit, interim.period, "participants", group, gender)
                problem.add_relation(terms_of({year: 1, part: -1}), low=0)
            terms = carried(annual)
            for key, c in carried(interim).items():
                terms[key] = terms.get(key, 0) - c
            problem.add_relation(terms_of(terms), low=0, high=0)


def add_year_relations(problem: Problem, before: UnitPeriod, after: UnitPeriod) -> None:
    """Those carried into a year (active − new) are those active and not exited the year before."""
    if "participants" not in before.tables or "participants" not in after.tables:
        return
    for gender in GENDERS:
        terms = _difference(
            _sum(after, "participants", row="active", column=gender),
            _sum(after, "participants", row="new", column=gender),
        )
        for key, c in _difference(
            _sum(before, "participants", row="active", column=gender),
            _sum(before, "participants", row="exited", column=gender),
        ).items():
            terms[key] = terms.get(key, 0) - c
        problem.add_relation(terms_of(terms), low=0, high=0)


def build_problem(releases: Sequence[Release], unit_periods: Sequence[UnitPeriod], scale_range: int) -> Problem:
    """Everything an outsider sees of one family of periods, and what they know besides."""
    problem = Problem()
    by_key = {(up.unit, up.period): up for up in unit_periods}
    for up in unit_periods:
        add_unknowns(problem, up)
        add_period_relations(problem, up, scale_range)
    for (unit, (kind, year, _period)), up in by_key.items():
        if kind == "annual":
            interim = by_key.get((unit, ("interim", year, 0)))
            if interim is not None:
                add_nested_relations(problem, interim, up)
            for later in ("interim", "annual"):
                after = by_key.get((unit, (later, year + 1, 0)))
                if after is not None:
                    add_year_relations(problem, up, after)
    for release in releases:
        for figure in figures_of(release):
            for key, _c in figure.terms:
                if key not in problem.truth:
                    # A row a sum has and one executor's table lacks (a member that joined the
                    # förbund after the executor delivered): it counted nobody there, as anyone
                    # comparing the two tables can tell.
                    problem.truth[key] = 0
                    problem.bounds[key] = (0, 0)
            margin = TOTAL in figure.key[2:]  # type: ignore[index]
            problem.figures.append(
                Figure(
                    figure.key,
                    figure.terms,
                    protect=figure.protect,
                    published_hidden=figure.published_hidden,
                    group=figure.group,
                    hidden_floor=None,
                    cost=_cost(problem.value(figure), str(figure.key[1]), margin),  # type: ignore[index]
                )
            )
    return problem


Hidden = dict[tuple[Any, ...], set[tuple[str, str, str]]]


def _hidden_of(problem: Problem, releases: Sequence[Release], threshold: int) -> Hidden:
    decision = decide(problem, threshold)
    hidden: Hidden = {r.ident: set() for r in releases}
    for key in decision.hidden:
        assert isinstance(key, tuple)
        ident, table, row, column = key
        if ident in hidden:
            hidden[ident].add((str(table), str(row), str(column)))
    return hidden


def decide_releases(
    *,
    published: Sequence[Release],
    unit_periods: Sequence[UnitPeriod],
    new: Sequence[Release],
    total: Release | None,
    threshold: int,
    scale_range: int,
) -> Hidden:
    """The hidden cells of each new release (executors' deliveries and, the first time a period is
    released, the förbund's sum), decided jointly with everything published in the family. When
    an exact sum cannot be protected (a single executor, say), the sum is protected instead and
    `total.exact` is emptied to say so."""
    releases = [*new, *([total] if total is not None else [])]
    try:
        return _hidden_of(build_problem([*published, *releases], unit_periods, scale_range), releases, threshold)
    except Unsafe:
        if total is None or not total.exact:
            raise
    total.exact = frozenset()
    return _hidden_of(build_problem([*published, *releases], unit_periods, scale_range), releases, threshold)
