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
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

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


def _by_gender(
    key: str, title: str, items: Iterable[tuple[str, str]], choices: Sequence[tuple[str, Any]], *, sensitive: bool
) -> Table:
    """Rows: the variable's values; columns: gender."""
    counter = Counter(items)
    values = [value for value, _label in choices]
    counts = [[counter[(value, gender)] for gender in GENDERS] for value in values]
    return build_table(key, title, [str(label) for _v, label in choices], GENDER_LABELS, counts, sensitive=sensitive)


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


PERIOD_FIELDS = (
    "gender",
    "start_date",
    "exit_date",
    "referring_party",
    "education_level",
    "income_before",
    "time_without_work",
    "born_in",
    "exit_reason",
    "occupation_after",
    "income_after",
)


def _active_in_period(units: Sequence[ProgrammeUnit], start: datetime.date, end: datetime.date) -> list[Any]:
    """The enrolments active at some point of the period, as plain rows with the fields the
    statistics count (a country's worth of model objects would cost seconds)."""
    return list(
        Enrolment.objects.filter(programme_unit__in=units, start_date__lte=end)
        .filter(Q(exit_date__isnull=True) | Q(exit_date__gte=start))
        .order_by()
        .values_list(*PERIOD_FIELDS, named=True)
    )


def most_concurrent(enrolments: Sequence[Any], start: datetime.date, end: datetime.date) -> int:
    """The highest number of enrolments active on one day, sampled each week from `start`:
    active on a day = started by then, minus those that left before it."""
    starts = sorted(e.start_date for e in enrolments)
    exits = sorted(e.exit_date for e in enrolments if e.exit_date is not None)
    return max(
        (bisect.bisect_right(starts, day) - bisect.bisect_left(exits, day) for day in _days(start, end)), default=0
    )


def period_statistics(units: Sequence[ProgrammeUnit], start: datetime.date, end: datetime.date) -> list[Table]:
    enrolments = _active_in_period(units, start, end)
    new = [e for e in enrolments if start <= e.start_date <= end]
    exited = [e for e in enrolments if e.exit_date is not None and start <= e.exit_date <= end]
    tables = [
        build_table(
            "participants",
            "Deltagare per kön",
            ["Aktiva under perioden", "Nya", "Avslutade"],
            GENDER_LABELS,
            [[sum(1 for e in group if e.gender == g) for g in GENDERS] for group in (enrolments, new, exited)],
            sensitive=False,
        )
    ]
    places = sum(u.places for u in units)
    concurrent = most_concurrent(enrolments, start, end)
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
    weeks = {g: [_weeks(e) for e in exited if e.gender == g] for g in GENDERS}
    all_weeks = [w for ws in weeks.values() for w in ws]
    tables.append(
        Table(
            "weeks",
            "Veckor i programmet för avslutade (medel, median)",
            ["Medel", "Median"],
            [*GENDER_LABELS, "Totalt"],
            [
                [
                    _round(statistics.fmean(weeks[g]))
                    if len(weeks[g]) >= settings.INSYN_SUPPRESSION_THRESHOLD
                    else None
                    for g in GENDERS
                ]
                + [_round(statistics.fmean(all_weeks)) if all_weeks else None],
                [
                    _round(statistics.median(weeks[g]))
                    if len(weeks[g]) >= settings.INSYN_SUPPRESSION_THRESHOLD
                    else None
                    for g in GENDERS
                ]
                + [_round(statistics.median(all_weeks)) if all_weeks else None],
            ],
            [None, None],
            [None] * 4,
            None,
        )
    )
    tables.append(
        _by_gender(
            "referring_party",
            "Initierande part",
            ((e.referring_party, e.gender) for e in new),
            ReferringParty.choices,
            sensitive=False,
        )
    )
    tables.append(
        _by_gender(
            "education",
            "Utbildningsnivå vid start",
            ((e.education_level or "okand", e.gender) for e in new),
            EducationLevel.choices,
            sensitive=False,
        )
    )
    tables.append(
        _by_gender(
            "income_before",
            "Försörjning före",
            ((e.income_before, e.gender) for e in new if e.income_before),
            IncomeSource.choices,
            sensitive=True,
        )
    )
    tables.append(
        _by_gender(
            "time_without_work",
            "Tid utan arbete",
            ((e.time_without_work, e.gender) for e in new if e.time_without_work),
            TimeWithoutWork.choices,
            sensitive=False,
        )
    )
    tables.append(
        _by_gender(
            "born_in", "Född i", ((e.born_in, e.gender) for e in new if e.born_in), BornIn.choices, sensitive=False
        )
    )
    tables.append(
        _by_gender(
            "exit_reason",
            "Avslutsorsak",
            ((e.exit_reason, e.gender) for e in exited),
            ExitReason.choices,
            sensitive=True,
        )
    )
    tables.append(
        _by_gender(
            "occupation_after",
            "Sysselsättning efter avslut",
            ((e.occupation_after, e.gender) for e in exited),
            OccupationAfter.choices,
            sensitive=True,
        )
    )
    tables.append(
        _by_gender(
            "income_after",
            "Försörjning efter",
            ((e.income_after, e.gender) for e in exited if e.income_after),
            IncomeSource.choices,
            sensitive=True,
        )
    )
    return tables


def _weeks(enrolment: Any) -> float:
    assert enrolment.exit_date is not None
    return (enrolment.exit_date - enrolment.start_date).days / 7


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
