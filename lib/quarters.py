"""Calendar helpers for quarterly reporting: quarters, tertials and month arithmetic."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from lib.swedish import quoted
from lib.translation import gettext

_QUARTER = re.compile(r"^(\d{4})\s*[Qq]\s*([1-4])$")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Calendar months later, clamped to the month's last day (2021-11-30 + 3 → 2022-02-28)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"Quarter number must be 1–4, got {self.number}.")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _QUARTER.match(text.strip())
        if not match:
            raise ValueError(
                gettext("Ange kvartal som ÅÅÅÅQn, t.ex. 2022Q4 (fick %(value)s).") % {"value": quoted(text)}
            )
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: datetime.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> datetime.date:
        month = 3 * self.number
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def index(self) -> int:
        return self.year * 4 + self.number - 1

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


def quarters_of(year: int) -> list[Quarter]:
    return [Quarter(year, number) for number in range(1, 5)]
