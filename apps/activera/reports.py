"""The counts behind the deliveries to the förbund: monthly referrals, tertial progression and
violence questionnaires, and the interim (January–August) and full-year statistics per variable,
every table by gender.

These are the true counts, for use inside the municipality and as the raw material of a delivery;
what leaves the municipality is decided in apps.activera.releases, which protects small counts
jointly over everything the förbund sees."""

from __future__ import annotations

import bisect
import calendar
import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from django.db import connection
from django.db.models import Prefetch, QuerySet

from lib.participation import tertial_bounds

from .figures import GENDERS, RawTable
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

GENDER_LABELS = {g.value: str(g.label) for g in Gender}


# --- Monthly referrals ------------------------------------------------------------------------


def monthly_counts(units: Sequence[ProgrammeUnit], year: int, month: int) -> RawTable:
    """Referrals received in the month, referring party × gender."""
    first = datetime.date(year, month, 1)
    last = datetime.date(year, month, calendar.monthrange(year, month)[1])
    counter = Counter(
        Referral.objects.filter(programme_unit__in=units, received_on__range=(first, last)).values_list(
            "referring_party", "gender"
        )
    )
    parties = ReferringParty.values
    return RawTable("monthly_referrals", parties, GENDERS, [[counter[(p, g)] for g in GENDERS] for p in parties])


def monthly_referrals(units: Sequence[ProgrammeUnit], year: int, month: int) -> dict[str, Any]:
    """The month's referrals as the command line prints them (inside the municipality)."""
    table = monthly_counts(units, year, month)
    return {
        "month": f"{year:04d}-{month:02d}",
        "total": table.value("total", "total"),
        "by_gender": {g: table.value("total", g) for g in GENDERS},
        "by_party": {p: table.value(p, "total") for p in table.rows},
        "cells": [{"gender": g, "party": p, "count": table.value(p, g)} for g in GENDERS for p in table.rows],
    }


# --- Tertials ---------------------------------------------------------------------------------


def _enrolments(units: Sequence[ProgrammeUnit]) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(programme_unit__in=units).prefetch_related(
        Prefetch("measurements", queryset=Measurement.objects.prefetch_related("answers").order_by("date", "id"))
    )


def active_in(enrolment: Enrolment, start: datetime.date, end: datetime.date) -> bool:
    return enrolment.start_date <= end and (enrolment.exit_date is None or enrolment.exit_date >= start)


def progression_counts(units: Sequence[ProgrammeUnit], year: int, tertial: int) -> dict[str, RawTable]:
    """Per indicator and gender, over the participants active in the tertial and measured at least
    twice by its end: how many, how many improved from the first to the latest measurement, and the
    sum of their changes (the mean is the sum over the number)."""
    start, end = tertial_bounds(year, tertial)
    programme = units[0].programme if units else None
    indicators = list(programme.indicators.all()) if programme else []
    measured: Counter[tuple[int, str]] = Counter()
    improved: Counter[tuple[int, str]] = Counter()
    change: Counter[tuple[int, str]] = Counter()
    for enrolment in _enrolments(units):
        if not active_in(enrolment, start, end):
            continue
        taken = [m for m in enrolment.measurements.all() if m.date <= end]
        if len(taken) < 2:
            continue
        first = {a.indicator_id: a.value for a in taken[0].answers.all()}
        latest = {a.indicator_id: a.value for a in taken[-1].answers.all()}
        for indicator in indicators:
            if indicator.pk in first and indicator.pk in latest:
                delta = latest[indicator.pk] - first[indicator.pk]
                measured[(indicator.pk, enrolment.gender)] += 1
                improved[(indicator.pk, enrolment.gender)] += delta > 0
                change[(indicator.pk, enrolment.gender)] += delta
    rows = [i.code for i in indicators]

    def table(key: str, counter: Counter[tuple[int, str]]) -> RawTable:
        return RawTable(key, rows, GENDERS, [[counter[(i.pk, g)] for g in GENDERS] for i in indicators])

    return {
        "progression_measured": table("progression_measured", measured),
        "progression_improved": table("progression_improved", improved),
        "progression_change": table("progression_change", change),
    }


def violence_counts(units: Sequence[ProgrammeUnit], year: int, tertial: int) -> RawTable:
    """The tertial's questionnaires: question × answer (not answered included, so every row adds up
    to the number of forms)."""
    programme = units[0].programme if units else None
    questions = [q["code"] for q in programme.violence_questions] if programme else []
    counter: Counter[tuple[str, str]] = Counter()
    for question, answer, count in ViolenceTally.objects.filter(
        programme_unit__in=units, year=year, tertial=tertial
    ).values_list("question", "answer", "count"):
        counter[(question, answer)] += count
    answers = ViolenceAnswer.values
    return RawTable("violence", questions, answers, [[counter[(q, a)] for a in answers] for q in questions])


# --- Interim and full-year statistics ---------------------------------------------------------


# The count tables of the interim and full-year statistics: (table key, column, whom it counts,
# choices). Education counts a missing answer as "okänd"; the other variables leave it out.
PERIOD_VARIABLES: list[tuple[str, str, str, Any]] = [
    ("referring_party", "referring_party", "new", ReferringParty),
    ("education", "education_level", "new", EducationLevel),
    ("income_before", "income_before", "new", IncomeSource),
    ("time_without_work", "time_without_work", "new", TimeWithoutWork),
    ("born_in", "born_in", "new", BornIn),
    ("exit_reason", "exit_reason", "exited", ExitReason),
    ("occupation_after", "occupation_after", "exited", OccupationAfter),
    ("income_after", "income_after", "exited", IncomeSource),
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
    columns = sorted({column for _k, column, _w, _c in PERIOD_VARIABLES})
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
    for key, column, whom, _choices in PERIOD_VARIABLES:
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


def weekly_active(starts: dict[str, int], exits: dict[str, int], start: datetime.date, end: datetime.date) -> list[int]:
    """Enrolments active on each day sampled weekly from `start`, from how many started and left on
    each date (ISO text): active on a day = started by then, minus those that left before it."""
    start_days = sorted(starts)
    exit_days = sorted(exits)
    started = list(accumulate(starts[d] for d in start_days))
    left = list(accumulate(exits[d] for d in exit_days))

    def active_on(day: datetime.date) -> int:
        text = day.isoformat()
        s = bisect.bisect_right(start_days, text)
        e = bisect.bisect_left(exit_days, text)
        return (started[s - 1] if s else 0) - (left[e - 1] if e else 0)

    return [active_on(day) for day in _days(start, end)]


def most_concurrent(starts: dict[str, int], exits: dict[str, int], start: datetime.date, end: datetime.date) -> int:
    """The highest number of enrolments active on one day, sampled each week."""
    return max(weekly_active(starts, exits, start, end), default=0)


def weeks_summary(histogram: dict[str, int]) -> tuple[float, float] | None:
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


@dataclass
class PeriodTables:
    """The interim or full-year statistics of one or more executors, unprotected."""

    tables: dict[str, RawTable]
    places: int
    # Participants active on each sampled day (each week from the period's start).
    weekly_active: list[int]
    # Days in the programme of those who left: gender → {days: how many}.
    days: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "tables": {key: t.as_json() for key, t in self.tables.items()},
            "places": self.places,
            "weekly_active": self.weekly_active,
            "days": self.days,
        }


def period_tables(units: Sequence[ProgrammeUnit], start: datetime.date, end: datetime.date) -> PeriodTables:
    figures = _period_figures(units, start, end)
    tables = {
        "participants": RawTable(
            "participants",
            ["active", "new", "exited"],
            GENDERS,
            [figures.by_gender(g) for g in ("active", "new", "exited")],
        )
    }
    for key, _column, _whom, choices in PERIOD_VARIABLES:
        rows = []
        for value in choices.values:
            row = figures.by_gender(key, value)
            if key == "education" and value == EducationLevel.UNKNOWN:
                # A missing answer counts as unknown.
                row = [a + b for a, b in zip(row, figures.by_gender(key, ""), strict=True)]
            rows.append(row)
        tables[key] = RawTable(key, list(choices.values), GENDERS, rows)
    starts, exits = figures.histogram("start"), figures.histogram("exit")
    return PeriodTables(
        tables,
        places=sum(u.places for u in units),
        weekly_active=weekly_active(starts, exits, start, end),
        days={g: dict(figures.histogram("days", g)) for g in GENDERS},
    )


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
