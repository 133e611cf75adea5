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
from django.db.models import Q, QuerySet, TextChoices
from django.utils.translation import gettext_lazy as _

from lib.participation import tertial_bounds

from .figures import GENDERS, RawTable
from .models import (
    BornIn,
    EducationLevel,
    Enrolment,
    ExitReason,
    IncomeSource,
    Measurement,
    MeasurementAnswer,
    OccupationAfter,
    ProgrammeUnit,
    Referral,
    ReferringParty,
    TimeWithoutWork,
    ViolenceAnswer,
    ViolenceTally,
)

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


def _active_between(units: Sequence[ProgrammeUnit], start: datetime.date, end: datetime.date) -> QuerySet[Enrolment]:
    """The enrolments of `units` active at some point between the two dates."""
    return Enrolment.objects.filter(programme_unit__in=units, start_date__lte=end).filter(
        Q(exit_date__isnull=True) | Q(exit_date__gte=start)
    )


def progression_counts(units: Sequence[ProgrammeUnit], year: int, tertial: int) -> dict[str, RawTable]:
    """Per indicator and gender, over the participants active in the tertial and measured at least
    twice by its end: how many, how many improved from the first to the latest measurement, and the
    sum of their changes (the mean is the sum over the number)."""
    return progression_counts_between(units, *tertial_bounds(year, tertial))


def progression_counts_between(
    units: Sequence[ProgrammeUnit], start: datetime.date, end: datetime.date
) -> dict[str, RawTable]:
    """The progression of the participants active between two dates (a tertial, the interim, the
    year), measured at least twice by the end."""
    programme = units[0].programme if units else None
    indicators = list(programme.indicators.all()) if programme else []
    measured: Counter[tuple[int, str]] = Counter()
    improved: Counter[tuple[int, str]] = Counter()
    change: Counter[tuple[int, str]] = Counter()
    # Plain values, read once: the period's participants and their measurements up to its end (a
    # country's year is 65 000 participants; model objects with their answers took minutes).
    active = _active_between(units, start, end)
    gender = dict(active.values_list("pk", "gender"))
    taken: dict[int, list[int]] = {}
    for enrolment_id, measurement_id in (
        Measurement.objects.filter(enrolment__in=active.values("pk"), date__lte=end)
        .order_by("enrolment_id", "date", "id")
        .values_list("enrolment_id", "id")
    ):
        taken.setdefault(enrolment_id, []).append(measurement_id)
    # The first and the latest measurement of each participant measured at least twice.
    ends = {ids[0]: (enrolment_id, 0) for enrolment_id, ids in taken.items() if len(ids) >= 2}
    ends.update({ids[-1]: (enrolment_id, 1) for enrolment_id, ids in taken.items() if len(ids) >= 2})
    values: dict[tuple[int, int], list[int | None]] = {}
    for measurement_id, indicator_id, value in MeasurementAnswer.objects.filter(
        measurement__enrolment__in=active.values("pk"), measurement__date__lte=end
    ).values_list("measurement_id", "indicator_id", "value"):
        if measurement_id in ends:
            enrolment_id, which = ends[measurement_id]
            values.setdefault((enrolment_id, indicator_id), [None, None])[which] = value
    for indicator in indicators:
        for enrolment_id in taken:
            pair = values.get((enrolment_id, indicator.pk))
            if pair is None or pair[0] is None or pair[1] is None:
                continue
            delta = pair[1] - pair[0]
            key = (indicator.pk, gender[enrolment_id])
            measured[key] += 1
            improved[key] += delta > 0
            change[key] += delta
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


AGE_GROUPS = [
    ("16_19", 16, 19),
    ("20_24", 20, 24),
    ("25_29", 25, 29),
    ("30_39", 30, 39),
    ("40_49", 40, 49),
    ("50_64", 50, 64),
]
EXTENT_GROUPS = [("upp_till_25", 1, 25), ("26_till_50", 26, 50), ("over_50", 51, 100)]


class YesNo(TextChoices):
    YES = "ja", _("Ja")
    NO = "nej", _("Nej")


class AgeGroup(TextChoices):
    A16_19 = "16_19", _("16–19 år")
    A20_24 = "20_24", _("20–24 år")
    A25_29 = "25_29", _("25–29 år")
    A30_39 = "30_39", _("30–39 år")
    A40_49 = "40_49", _("40–49 år")
    A50_64 = "50_64", _("50–64 år")
    OTHER = "ovrig", _("Annan ålder")


class ExtentGroup(TextChoices):
    UP_TO_25 = "upp_till_25", _("Upp till 25 % av heltid")
    UP_TO_50 = "26_till_50", _("26–50 % av heltid")
    OVER_50 = "over_50", _("Mer än 50 % av heltid")


def _case(column: str, groups: list[tuple[str, int, int]], otherwise: str) -> str:
    """A SQL CASE putting a number into its group (constants only, no user input)."""
    whens = " ".join(f"WHEN {column} BETWEEN {low} AND {high} THEN '{key}'" for key, low, high in groups)
    return f"CASE {whens} ELSE '{otherwise}' END"


# The count tables of the interim and full-year statistics: (table key, column, whom it counts,
# choices). Education counts a missing answer as "okänd"; the other variables leave it out. Age is
# the age reached in the year of the start (only the birth year is known of an anonymous
# participant); residence is the home municipality (one of the förbund's, by the rules).
PERIOD_VARIABLES: list[tuple[str, str, str, Any]] = [
    ("age_group", "age_group", "new", AgeGroup),
    ("residence", "residence_id", "new", None),
    ("extent", "extent", "new", ExtentGroup),
    ("sip", "sip", "new", YesNo),
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
        "e.exit_date - e.start_date"
        if connection.vendor == "postgresql"
        else "CAST(julianday(e.exit_date) - julianday(e.start_date) AS INTEGER)"
    )
    start_year = (
        "CAST(EXTRACT(YEAR FROM e.start_date) AS INTEGER)"
        if connection.vendor == "postgresql"
        else "CAST(strftime('%%Y', e.start_date) AS INTEGER)"
    )
    derived = {
        "age_group": _case(f"({start_year} - e.birth_year)", AGE_GROUPS, AgeGroup.OTHER.value),
        "extent": _case("e.extent_percent", EXTENT_GROUPS, ExtentGroup.OVER_50.value),
        "sip": "CASE WHEN r.sip_held THEN 'ja' ELSE 'nej' END",
        "residence_id": "CAST(e.residence_id AS TEXT)",
    }
    columns = sorted({column for _k, column, _w, _c in PERIOD_VARIABLES})
    selected = ", ".join(f"{derived[c]} AS {c}" if c in derived else f"e.{c} AS {c}" for c in columns)
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
        f"WITH en AS (SELECT e.gender AS gender, e.start_date AS start_date, e.exit_date AS exit_date, "  # noqa: S608
        f"{selected}, "
        "CASE WHEN e.start_date >= %s THEN 1 ELSE 0 END AS is_new, "
        "CASE WHEN e.exit_date IS NOT NULL AND e.exit_date <= %s THEN 1 ELSE 0 END AS is_exited, "
        f"{days} AS days FROM {Enrolment._meta.db_table} e "
        f"JOIN {Referral._meta.db_table} r ON r.id = e.referral_id "
        f"WHERE e.programme_unit_id IN ({placeholders}) AND e.start_date <= %s "
        "AND (e.exit_date IS NULL OR e.exit_date >= %s)) " + " UNION ALL ".join(branches)
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
    residences = _residences(units, figures)
    for key, _column, _whom, choices in PERIOD_VARIABLES:
        rows = []
        values = residences if choices is None else choices.values
        for value in values:
            row = figures.by_gender(key, value)
            if key == "education" and value == EducationLevel.UNKNOWN:
                # A missing answer counts as unknown.
                row = [a + b for a, b in zip(row, figures.by_gender(key, ""), strict=True)]
            rows.append(row)
        if key == "residence":
            values = [slug for slug, _pk in _residence_slugs(values)]
        tables[key] = RawTable(key, list(values), GENDERS, rows)
    tables.update(_activity_tables(units, start, end))
    tables.update(progression_counts_between(units, start, end))
    starts, exits = figures.histogram("start"), figures.histogram("exit")
    return PeriodTables(
        tables,
        places=sum(u.places for u in units),
        weekly_active=weekly_active(starts, exits, start, end),
        days={g: dict(figures.histogram("days", g)) for g in GENDERS},
    )


def _residences(units: Sequence[ProgrammeUnit], figures: PeriodFigures) -> list[str]:
    """Home municipalities as row values (ids as text): the förbund's municipalities, in name
    order, then any other a new participant lives in."""
    from apps.organisations.models import Organisation, OrganisationKind

    forbund_ids = {u.programme.forbund_id for u in units}
    members = Organisation.objects.filter(parent_id__in=forbund_ids, kind=OrganisationKind.MUNICIPALITY).order_by(
        "name"
    )
    ids = [str(m.pk) for m in members]
    seen = {value for (what, value, _g) in figures.counts if what == "residence"}
    return ids + sorted(seen - set(ids))


def _residence_slugs(ids: Sequence[str]) -> list[tuple[str, str]]:
    from apps.organisations.models import Organisation

    slugs = dict(Organisation.objects.filter(pk__in=[int(i) for i in ids if i]).values_list("pk", "slug"))
    return [(slugs.get(int(i), i) if i else "okand", i) for i in ids]


def _activity_tables(units: Sequence[ProgrammeUnit], start: datetime.date, end: datetime.date) -> dict[str, RawTable]:
    """Activities attended in the period by type and gender: how many participants took part in
    each type at least once, and how many times; and the multi-party meetings held, by outcome."""
    from .models import Activity, ActivityType, MeetingDecision, MultiPartyMeeting

    programme = units[0].programme if units else None
    types = list(ActivityType.objects.filter(programme=programme).order_by("label")) if programme else []
    activities = Activity.objects.filter(
        enrolment__programme_unit__in=units, date__range=(start, end), attended=True
    ).values_list("activity_type_id", "enrolment__gender", "enrolment_id")
    people: Counter[tuple[int, str]] = Counter()
    times: Counter[tuple[int, str]] = Counter()
    seen: set[tuple[int, int]] = set()
    for type_id, gender, enrolment_id in activities:
        times[(type_id, gender)] += 1
        if (type_id, enrolment_id) not in seen:
            seen.add((type_id, enrolment_id))
            people[(type_id, gender)] += 1
    meetings = Counter(
        MultiPartyMeeting.objects.filter(enrolment__programme_unit__in=units, date__range=(start, end)).values_list(
            "decision", "enrolment__gender"
        )
    )
    codes = [t.code for t in types]
    return {
        "activity_participants": RawTable(
            "activity_participants", codes, GENDERS, [[people[(t.pk, g)] for g in GENDERS] for t in types]
        ),
        "activity_occasions": RawTable(
            "activity_occasions", codes, GENDERS, [[times[(t.pk, g)] for g in GENDERS] for t in types]
        ),
        "meeting": RawTable(
            "meeting",
            MeetingDecision.values,
            GENDERS,
            [[meetings[(d, g)] for g in GENDERS] for d in MeetingDecision.values],
        ),
    }


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
