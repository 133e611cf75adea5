"""Deadlines of the deliveries to the förbund.

A deliverable is due on a given day of a month counted from the end of its period (the monthly
statistics on the 10th of the month after; the interim report by 10 September; the full year by
10 February the year after). That is a contract date and it stands as the agreement gives it.
Only where the agreement says so does it move to the next working day, the way lag (1930:173) om
beräkning av lagstadgad tid moves statutory deadlines: after a Saturday, Sunday, public holiday,
Midsummer Eve, Christmas Eve or New Year's Eve. The public holidays come from the `holidays`
package."""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays

# Days that lag (1930:173) treats like public holidays although they are not.
_EVE_DAYS = {(12, 24), (12, 31)}


@lru_cache(maxsize=64)
def _swedish_holidays(year: int) -> frozenset[datetime.date]:
    days = set(holidays.country_holidays("SE", years=year).keys())
    midsummer_day = next(
        day
        for day, name in holidays.country_holidays("SE", years=year, language="en_US").items()
        if "Midsummer" in name
    )
    days.add(midsummer_day - datetime.timedelta(days=1))
    return frozenset(days)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and (day.month, day.day) not in _EVE_DAYS and day not in _swedish_holidays(day.year)


def next_working_day(day: datetime.date) -> datetime.date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def add_months_to_day(period_end: datetime.date, months_after: int, day_of_month: int) -> datetime.date:
    """The `day_of_month` of the month `months_after` months after the month of `period_end`."""
    month_index = period_end.year * 12 + (period_end.month - 1) + months_after
    return datetime.date(month_index // 12, month_index % 12 + 1, day_of_month)


def due_date(
    period_end: datetime.date, *, months_after: int, day_of_month: int, working_day: bool = False
) -> datetime.date:
    """The deliverable's due day; with `working_day`, moved to the next working day."""
    day = add_months_to_day(period_end, months_after, day_of_month)
    return next_working_day(day) if working_day else day


def is_late(due: datetime.date, delivered_on: datetime.date | None, today: datetime.date) -> bool:
    """Delivered on the due day is on time; not delivered is late from the day after the due day."""
    if delivered_on is not None:
        return delivered_on > due
    return today > due
