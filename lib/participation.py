"""The rules of a participant's time in a programme like ACTivera, as pure functions.

Limits (weeks, ages, intervals) are parameters: the programme's settings are data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .quarters import add_months
from .translation import gettext

TERTIAL_MONTHS = {1: (1, 4), 2: (5, 8), 3: (9, 12)}


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def weeks_after(start: datetime.date, weeks: int) -> datetime.date:
    return start + datetime.timedelta(weeks=weeks)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_problems(
    *,
    birth_date: datetime.date | None,
    birth_year: int,
    start: datetime.date,
    age_min: int,
    age_max: int,
) -> list[Problem]:
    """Age on the start date must be within [age_min, age_max]. With the birth date the check is
    exact (the 16th birthday is the first day allowed, the 65th the first day refused); with only a
    birth year (anonymous registration) a person is refused only when no birthday in that year fits."""
    if birth_date is not None:
        age = age_on(birth_date, start)
        if age < age_min:
            first = add_months(birth_date, 12 * age_min)
            return [
                Problem(
                    "start_date",
                    gettext("Personen är %(age)s år på startdatumet; tidigast från %(first)s (%(age_min)s år).")
                    % {"age": age, "first": first.isoformat(), "age_min": age_min},
                )
            ]
        if age > age_max:
            return [
                Problem(
                    "start_date",
                    gettext("Personen är %(age)s år på startdatumet; målgruppen är %(age_min)s–%(age_max)s år.")
                    % {"age": age, "age_min": age_min, "age_max": age_max},
                )
            ]
        return []
    youngest, oldest = start.year - birth_year - 1, start.year - birth_year
    if oldest < age_min:
        return [
            Problem(
                "start_date",
                gettext("Personen född %(year)s är under %(age)s år på startdatumet.")
                % {"year": birth_year, "age": age_min},
            )
        ]
    if youngest > age_max:
        return [
            Problem(
                "start_date",
                gettext("Personen född %(year)s är över %(age)s år på startdatumet.")
                % {"year": birth_year, "age": age_max},
            )
        ]
    return []


def date_limit_problems(
    *,
    field: str,
    day: datetime.date,
    start: datetime.date,
    max_weeks: int,
    today: datetime.date,
    label: str,
) -> list[Problem]:
    """Any dated entry: not before the start, not in the future, not after start + max_weeks."""
    problems = []
    if day < start:
        problems.append(
            Problem(
                field,
                gettext("%(label)s kan inte ligga före startdatumet %(start)s.")
                % {"label": label, "start": start.isoformat()},
            )
        )
    if day > today:
        problems.append(Problem(field, gettext("%(label)s kan inte ligga i framtiden.") % {"label": label}))
    limit = weeks_after(start, max_weeks)
    if day > limit:
        problems.append(
            Problem(
                field,
                gettext("%(label)s ligger efter %(limit)s: deltagandet får vara högst %(weeks)s veckor.")
                % {"label": label, "limit": limit.isoformat(), "weeks": max_weeks},
            )
        )
    return problems


def introduction_problems(
    *,
    day: datetime.date,
    start: datetime.date,
    intro_weeks: int,
    meeting_date: datetime.date | None,
    meeting_continues: bool | None,
    field: str = "date",
) -> list[Problem]:
    """After the introduction the participant continues only if a multi-party meeting decided so."""
    intro_end = weeks_after(start, intro_weeks)
    if day <= intro_end:
        return []
    if meeting_date is None:
        return [
            Problem(
                field,
                gettext(
                    "Introduktionen slutade %(date)s utan registrerat flerpartsmöte. "
                    "Registrera mötet och dess beslut först."
                )
                % {"date": intro_end.isoformat()},
            )
        ]
    if meeting_continues is False and day > meeting_date:
        return [
            Problem(
                field,
                gettext("Flerpartsmötet %(date)s beslutade att deltagandet avslutas.")
                % {"date": meeting_date.isoformat()},
            )
        ]
    return []


@dataclass(frozen=True)
class Warning:
    kind: str
    message: str
    due: datetime.date


def warnings_for(
    *,
    start: datetime.date,
    today: datetime.date,
    intro_weeks: int,
    max_weeks: int,
    warning_days: int,
    measurement_interval_days: int,
    meeting_date: datetime.date | None,
    last_measurement: datetime.date | None,
    exited: bool,
) -> list[Warning]:
    """What the start page warns about: the introduction's end, the 24 weeks' end, a measurement due."""
    if exited:
        return []
    found = []
    horizon = today + datetime.timedelta(days=warning_days)
    intro_end = weeks_after(start, intro_weeks)
    if meeting_date is None and intro_end <= horizon:
        if intro_end < today:
            text = gettext("Introduktionen slutade %(date)s: flerpartsmöte behövs.")
        else:
            text = gettext("Introduktionen slutar %(date)s: flerpartsmöte behövs.")
        found.append(Warning("introduction", text % {"date": intro_end.isoformat()}, intro_end))
    end = weeks_after(start, max_weeks)
    if end <= horizon:
        found.append(
            Warning(
                "limit",
                gettext("Deltagandet når %(weeks)s veckor %(date)s: planera avslutet.")
                % {"weeks": max_weeks, "date": end.isoformat()},
                end,
            )
        )
    due = start if last_measurement is None else last_measurement + datetime.timedelta(days=measurement_interval_days)
    if due <= horizon:
        if last_measurement is None:
            text = gettext("Första progressionsmätningen ska göras senast %(date)s.")
        else:
            text = gettext("Nästa progressionsmätning ska göras senast %(date)s.")
        found.append(Warning("measurement", text % {"date": due.isoformat()}, due))
    return sorted(found, key=lambda w: w.due)


def tertial_of(day: datetime.date) -> int:
    return 1 if day.month <= 4 else 2 if day.month <= 8 else 3


def tertial_bounds(year: int, tertial: int) -> tuple[datetime.date, datetime.date]:
    first_month, last_month = TERTIAL_MONTHS[tertial]
    last = add_months(datetime.date(year, last_month, 1), 1) - datetime.timedelta(days=1)
    return datetime.date(year, first_month, 1), last
