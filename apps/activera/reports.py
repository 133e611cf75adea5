"""The deliveries to the förbund: monthly referrals, tertial progression and violence counts, and
the interim (January–August) and full-year statistics per variable, every table by gender.

Tables that leave the municipality and cross a sensitive variable with gender or municipality are
suppressed (lib.suppression) below the configured threshold; the monthly referral counts are
delivered as the agreement asks, unsuppressed."""

from __future__ import annotations

import bisect
import calendar
import datetime
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Prefetch, QuerySet

from lib.participation import tertial_bounds
from lib.suppression import suppress

from .models import (
    BornIn,
    EducationLevel,
    Enrolment,
    ExitReason,
    Gender,
    IncomeSource,
    Measurement,
    OccupationAfter,
    ProgrammeUnit,
    Referral,
    ReferringParty,
    TimeWithoutWork,
    ViolenceAnswer,
    ViolenceTally,
)

GENDERS = [g.value for g in Gender]
GENDER_LABELS = [str(g.label) for g in Gender]


@dataclass
class Table:
    """A table as delivered: cells are None where suppressed."""

    key: str
    title: str
    row_labels: list[str]
    column_labels: list[str]
    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None
    suppressed: bool = False
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "rows": self.row_labels,
            "columns": self.column_labels,
            "cells": self.cells,
            "row_totals": self.row_totals,
            "column_totals": self.column_totals,
            "total": self.total,
            "suppressed": self.suppressed,
        }


def build_table(
    key: str,
    title: str,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    counts: Sequence[Sequence[int]],
    *,
    sensitive: bool,
    threshold: int | None = None,
) -> Table:
    threshold = settings.INSYN_SUPPRESSION_THRESHOLD if threshold is None else threshold
    if sensitive:
        result = suppress(counts, threshold)
        return Table(
            key,
            title,
            list(row_labels),
            list(column_labels),
            [[result.cell(r, c) for c in range(len(column_labels))] for r in range(len(row_labels))],
            [result.row_total(r) for r in range(len(row_labels))],
            [result.column_total(c) for c in range(len(column_labels))],
            result.total(),
            suppressed=bool(result.hidden or result.hidden_row_totals or result.hidden_column_totals),
            note=f"Antal under {threshold} och de celler som skulle avslöja dem visas inte.",
        )
    rows = [list(row) for row in counts]
    return Table(
        key,
        title,
        list(row_labels),
        list(column_labels),
        [list[int | None](r) for r in rows],
        [sum(r) for r in rows],
        [sum(r[c] for r in rows) for c in range(len(column_labels))],
        sum(sum(r) for r in rows),
    )


# --- Monthly referrals ------------------------------------------------------------------------


def monthly_referrals(units: Sequence[ProgrammeUnit], year: int, month: int) -> dict[str, Any]:
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    referrals = Referral.objects.filter(programme_unit__in=units, received_on__range=(first, last))
    counter = Counter(referrals.values_list("gender", "referring_party"))
    parties = [p.value for p in ReferringParty]
    return {
        "month": f"{year:04d}-{month:02d}",
        "total": sum(counter.values()),
        "by_gender": {g: sum(counter[(g, p)] for p in parties) for g in GENDERS},
        "by_party": {p: sum(counter[(g, p)] for g in GENDERS) for p in parties},
        "cells": [{"gender": g, "party": p, "count": counter[(g, p)]} for g in GENDERS for p in parties],
    }


def monthly_table(data: dict[str, Any]) -> Table:
    parties = list(ReferringParty)
    counts = [
        [next(c["count"] for c in data["cells"] if c["gender"] == g and c["party"] == p.value) for g in GENDERS]
        for p in parties
    ]
    return build_table(
        "monthly_referrals",
        f"Intresseanmälningar {data['month']} per initierande part och kön",
        [str(p.label) for p in parties],
        GENDER_LABELS,
        counts,
        sensitive=False,
    )


# --- Enrolments in a period -------------------------------------------------------------------


def _enrolments(units: Sequence[ProgrammeUnit]) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(programme_unit__in=units).prefetch_related(
        Prefetch("measurements", queryset=Measurement.objects.prefetch_related("answers").order_by("date", "id"))
    )


def active_in(enrolment: Enrolment, start: datetime.date, end: datetime.date) -> bool:
    return enrolment.start_date <= end and (enrolment.exit_date is None or enrolment.exit_date >= start)


@dataclass
class IndicatorProgress:
    indicator: str
    by_gender: dict[str, dict[str, float | int | None]] = field(default_factory=dict)


def tertial_progression(units: Sequence[ProgrammeUnit], year: int, tertial: int) -> list[dict[str, Any]]:
    """Per indicator and gender: participants measured at least twice by the tertial's end, the
    mean change from the first to the latest measurement, and the share that improved. Means and
    shares of groups below the threshold are not shown."""
    start, end = tertial_bounds(year, tertial)
    threshold = settings.INSYN_SUPPRESSION_THRESHOLD
    programme = units[0].programme if units else None
    indicators = list(programme.indicators.all()) if programme else []
    changes: dict[tuple[int, str], list[int]] = {}
    for enrolment in _enrolments(units):
        if not active_in(enrolment, start, end):
            continue
        measured = [m for m in enrolment.measurements.all() if m.date <= end]
        if len(measured) < 2:
            continue
        first = {a.indicator_id: a.value for a in measured[0].answers.all()}
        latest = {a.indicator_id: a.value for a in measured[-1].answers.all()}
        for indicator in indicators:
            if indicator.pk in first and indicator.pk in latest:
                changes.setdefault((indicator.pk, enrolment.gender), []).append(
                    latest[indicator.pk] - first[indicator.pk]
                )
    result = []
    for indicator in indicators:
        row: dict[str, Any] = {"indicator": indicator.code, "label": indicator.label, "by_gender": {}}
        for gender in [*GENDERS, "total"]:
            values = (
                [v for g in GENDERS for v in changes.get((indicator.pk, g), [])]
                if gender == "total"
                else changes.get((indicator.pk, gender), [])
            )
            shown = len(values) >= threshold
            row["by_gender"][gender] = {
                "measured": len(values) if (shown or not values) else None,
                "mean_change": round(statistics.fmean(values), 2) if shown else None,
                "share_improved": round(sum(1 for v in values if v > 0) / len(values), 2) if shown else None,
            }
        result.append(row)
    return result


def tertial_violence(units: Sequence[ProgrammeUnit], year: int, tertial: int) -> Table:
    programme = units[0].programme if units else None
    questions = programme.violence_questions if programme else []
    counter: Counter[tuple[str, str]] = Counter()
    for tally in ViolenceTally.objects.filter(programme_unit__in=units, year=year, tertial=tertial):
        counter[(tally.question, tally.answer)] += tally.count
    answers = [a.value for a in ViolenceAnswer]
    counts = [[counter[(q["code"], a)] for a in answers] for q in questions]
    table = build_table(
        "violence",
        f"Frågor om våld, T{tertial} {year}",
        [q["label"] for q in questions],
        [str(a.label) for a in ViolenceAnswer],
        counts or [[0] * len(answers)],
        sensitive=False,
    )
    # Each question is its own line with its own total: suppress line by line.
    rows = []
    for index, row in enumerate(counts):
        line = build_table("", "", [""], table.column_labels, [row], sensitive=True)
        rows.append(line.cells[0])
        table.row_totals[index] = line.row_totals[0] if line.total is not None else None
    if counts:
        table.cells = rows
        table.column_totals = [None] * len(answers)
        table.total = None
        table.suppressed = any(cell is None for row in rows for cell in row)
        table.note = (
            f"Antal under {settings.INSYN_SUPPRESSION_THRESHOLD} och de celler som skulle avslöja dem visas inte."
        )
    return table


# --- Interim and full-year statistics ---------------------------------------------------------


# The count tables of the interim and full-year statistics: (table key, title, column, whom it
# counts, choices, suppressed when small). Education counts a missing answer as "okänd"; the other
# variables leave it out.
PERIOD_VARIABLES: list[tuple[str, str, str, str, Any, bool]] = [
    ("referring_party", "Initierande part", "referring_party", "new", ReferringParty.choices, False),
    ("education", "Utbildningsnivå vid start", "education_level", "new", EducationLevel.choices, False),
    ("income_before", "Försörjning före", "income_before", "new", IncomeSource.choices, True),
    ("time_without_work", "Tid utan arbete", "time_without_work", "new", TimeWithoutWork.choices, False),
    ("born_in", "Född i", "born_in", "new", BornIn.choices, False),
    ("exit_reason", "Avslutsorsak", "exit_reason", "exited", ExitReason.choices, True),
    ("occupation_after", "Sysselsättning efter avslut", "occupation_after", "exited", OccupationAfter.choices, True),
    ("income_after", "Försörjning efter", "income_after", "exited", IncomeSource.choices, True),
]


@dataclass
class PeriodFigures:
    """What the period's statistics are made of, counted by the database: (what, value, gender) →
    number, where `what` is a group (active, new, exited), a variable, `days` (days in the programme
    of those who left), or `start`/`exit` (enrolments starting or leaving on a date)."""

    counts: Counter[tuple[str, str, str]]

    def by_gender(self, what: str, value: str = "") -> list[int]:
        return [self.counts[(what, value, gender)] for gender in GENDERS]

    def histogram(self, what: str, gender: str | None = None) -> dict[str, int]:
        result: Counter[str] = Counter()
        for (key, value, g), number in self.counts.items():
            if key == what and (gender is None or g == gender):
                result[value] += number
        return result


def _period_figures(units: Sequence[ProgrammeUnit], start: datetime.date, end: datetime.date) -> PeriodFigures:
    """One query over the enrolments active in the period, grouped in the database: a country's
    worth of rows never leaves it (bench/README.md, report benchmark). Portable SQL: the same query
    runs on PostgreSQL and SQLite."""
    ids = [unit.pk for unit in units]
    if not ids:
        return PeriodFigures(Counter())
    days = (
        "exit_date - start_date"
        if connection.vendor == "postgresql"
        else "CAST(julianday(exit_date) - julianday(start_date) AS INTEGER)"
    )
    columns = sorted({column for _k, _t, column, _w, _c, _s in PERIOD_VARIABLES})
    # A group counts those with the flag set by summing it (and drops groups without any) rather than
    # filtering first: PostgreSQL cannot estimate a filter on the shared subquery, guesses a handful of
    # rows and sorts tens of thousands by text, where hashing all of them is several times faster.
    branches = [
        "SELECT 'active', '', gender, COUNT(*) FROM en GROUP BY gender",
        "SELECT 'new', '', gender, SUM(is_new) FROM en GROUP BY gender",
        "SELECT 'exited', '', gender, SUM(is_exited) FROM en GROUP BY gender",
        "SELECT 'days', CAST(days AS TEXT), gender, SUM(is_exited) FROM en GROUP BY days, gender "
        "HAVING SUM(is_exited) > 0",
        "SELECT 'start', CAST(start_date AS TEXT), '', COUNT(*) FROM en GROUP BY start_date",
        "SELECT 'exit', CAST(exit_date AS TEXT), '', COUNT(exit_date) FROM en GROUP BY exit_date "
        "HAVING COUNT(exit_date) > 0",
    ]
    for key, _title, column, whom, _choices, _sensitive in PERIOD_VARIABLES:
        flag = "is_new" if whom == "new" else "is_exited"
        branches.append(
            f"SELECT '{key}', {column}, gender, SUM({flag}) FROM en GROUP BY {column}, gender "  # noqa: S608
            f"HAVING SUM({flag}) > 0"
        )
    placeholders = ", ".join(["%s"] * len(ids))
    # Built only from this module's constants and the model's table name; every value is a parameter.
    sql = (
        f"WITH en AS (SELECT gender, start_date, exit_date, {', '.join(columns)}, "  # noqa: S608
        "CASE WHEN start_date >= %s THEN 1 ELSE 0 END AS is_new, "
        "CASE WHEN exit_date IS NOT NULL AND exit_date <= %s THEN 1 ELSE 0 END AS is_exited, "
        f"{days} AS days FROM {Enrolment._meta.db_table} "
        f"WHERE programme_unit_id IN ({placeholders}) AND start_date <= %s "
        "AND (exit_date IS NULL OR exit_date >= %s)) " + " UNION ALL ".join(branches)
    )
    counts: Counter[tuple[str, str, str]] = Counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, end, *ids, end, start])
        for what, value, gender, number in cursor.fetchall():
            counts[(what, str(value or ""), gender)] += number
    return PeriodFigures(counts)


def most_concurrent(starts: dict[str, int], exits: dict[str, int], start: datetime.date, end: datetime.date) -> int:
    """The highest number of enrolments active on one day, sampled each week from `start`, from how
    many started and left on each date (ISO text): active on a day = started by then, minus those
    that left before it."""
    start_days = sorted(starts)
    exit_days = sorted(exits)
    started = list(accumulate(starts[d] for d in start_days))
    left = list(accumulate(exits[d] for d in exit_days))

    def active_on(day: datetime.date) -> int:
        text = day.isoformat()
        s = bisect.bisect_right(start_days, text)
        e = bisect.bisect_left(exit_days, text)
        return (started[s - 1] if s else 0) - (left[e - 1] if e else 0)

    return max((active_on(day) for day in _days(start, end)), default=0)


def _weeks_summary(histogram: dict[str, int]) -> tuple[float, float] | None:
    """Mean and median weeks from a histogram of days in the programme."""
    values = sorted((int(days), number) for days, number in histogram.items())
    total = sum(number for _d, number in values)
    if not total:
        return None
    mean = sum(days * number for days, number in values) / total / 7

    def nth(index: int) -> int:
        seen = 0
        for days, number in values:
            seen += number
            if index < seen:
                return days
        raise IndexError(index)

    middle = total // 2
    median_days = nth(middle) if total % 2 else (nth(middle - 1) + nth(middle)) / 2
    return mean, median_days / 7


def period_statistics(units: Sequence[ProgrammeUnit], start: datetime.date, end: datetime.date) -> list[Table]:
    figures = _period_figures(units, start, end)
    tables = [
        build_table(
            "participants",
            "Deltagare per kön",
            ["Aktiva under perioden", "Nya", "Avslutade"],
            GENDER_LABELS,
            [figures.by_gender(group) for group in ("active", "new", "exited")],
            sensitive=False,
        )
    ]
    places = sum(u.places for u in units)
    concurrent = most_concurrent(figures.histogram("start"), figures.histogram("exit"), start, end)
    tables.append(
        build_table(
            "places",
            "Platser",
            ["Avtalade platser", "Högsta antal samtidiga deltagare (mätt varje vecka)"],
            ["Antal"],
            [[places], [concurrent]],
            sensitive=False,
        )
    )
    threshold = settings.INSYN_SUPPRESSION_THRESHOLD
    weeks = {g: _weeks_summary(figures.histogram("days", g)) for g in GENDERS}
    counts = {g: sum(figures.histogram("days", g).values()) for g in GENDERS}
    overall = _weeks_summary(figures.histogram("days"))
    tables.append(
        Table(
            "weeks",
            "Veckor i programmet för avslutade (medel, median)",
            ["Medel", "Median"],
            [*GENDER_LABELS, "Totalt"],
            [
                [
                    _round(summary[index]) if summary is not None and counts[g] >= threshold else None
                    for g, summary in weeks.items()
                ]
                + [_round(overall[index]) if overall is not None else None]
                for index in (0, 1)
            ],
            [None, None],
            [None] * 4,
            None,
        )
    )
    for key, title, _column, _whom, choices, sensitive in PERIOD_VARIABLES:
        values = [value for value, _label in choices]
        rows = []
        for value in values:
            row = figures.by_gender(key, value)
            if key == "education" and value == EducationLevel.UNKNOWN:
                # A missing answer counts as unknown.
                row = [a + b for a, b in zip(row, figures.by_gender(key, ""), strict=True)]
            rows.append(row)
        tables.append(
            build_table(key, title, [str(label) for _v, label in choices], GENDER_LABELS, rows, sensitive=sensitive)
        )
    return tables


def _round(value: float) -> int | None:
    # Tables carry whole numbers; weeks are rounded to the nearest whole week.
    return round(value)


def _days(start: datetime.date, end: datetime.date) -> Iterable[datetime.date]:
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=7)


def period_bounds(kind: str, year: int) -> tuple[datetime.date, datetime.date]:
    if kind == "interim":
        return datetime.date(year, 1, 1), datetime.date(year, 8, 31)
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


DUE_DATES = {"interim": (9, 10), "annual": (2, 10)}


def due_date(kind: str, year: int) -> datetime.date:
    month, day = DUE_DATES[kind]
    return datetime.date(year + (1 if kind == "annual" else 0), month, day)
