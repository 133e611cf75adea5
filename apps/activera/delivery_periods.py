"""The periods an executor picks a delivery from: a list of months by name, tertials, the interim
and the full year, instead of a number typed in. A choice travels as one value, `kind:year:period`
(`monthly:2026:3`), and is parsed and validated on the server like the separate parameters."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from insyn.errors import ValidationFailed
from lib.participation import tertial_bounds

from .deliveries import FIRST_YEAR, parse_period
from .models import DeliveryKind
from .releases import MONTHS, TERTIAL_MONTHS

# How many years back the list reaches (older periods open from a link with kind, year and period).
YEARS_BACK = 2


@dataclass(frozen=True)
class PeriodGroup:
    label: str
    options: list[tuple[str, str]]  # (value, label)


def choice_value(kind: str, year: int, period: int) -> str:
    return f"{kind}:{year}:{period}"


def choice_label(kind: str, year: int, period: int) -> str:
    if kind == DeliveryKind.MONTHLY:
        return f"{MONTHS[period]} {year}"  # the month name is translated
    if kind == DeliveryKind.TERTIAL:
        return _("Tertial %(n)s (%(months)s) %(year)s") % {"n": period, "months": TERTIAL_MONTHS[period], "year": year}
    if kind == DeliveryKind.INTERIM:
        return _("Delår januari–augusti %(year)s") % {"year": year}
    return _("Helår %(year)s") % {"year": year}


def period_groups(today: datetime.date) -> list[PeriodGroup]:
    """The periods that have begun, newest year first, each year as months, tertials and the
    interim and full year."""
    groups = []
    for year in range(today.year, max(FIRST_YEAR, today.year - YEARS_BACK) - 1, -1):
        months = [m for m in range(1, 13) if datetime.date(year, m, 1) <= today]
        tertials = [t for t in (1, 2, 3) if tertial_bounds(year, t)[0] <= today]
        groups.append(
            PeriodGroup(
                _("Månader %(year)s") % {"year": year},
                [(choice_value("monthly", year, m), choice_label("monthly", year, m)) for m in months],
            )
        )
        groups.append(
            PeriodGroup(
                _("Tertial %(year)s") % {"year": year},
                [(choice_value("tertial", year, t), choice_label("tertial", year, t)) for t in tertials],
            )
        )
        groups.append(
            PeriodGroup(
                _("Del- och helår %(year)s") % {"year": year},
                [(choice_value(kind, year, 0), choice_label(kind, year, 0)) for kind in ("interim", "annual")],
            )
        )
    return groups


def default_choice(today: datetime.date) -> str:
    """The last month that has ended: the delivery most often due next."""
    first = today.replace(day=1)
    last = first - datetime.timedelta(days=1)
    return choice_value("monthly", last.year, last.month)


def parse_choice(value: str) -> tuple[str, int, int]:
    """`monthly:2026:3` → ("monthly", 2026, 3), validated as parse_period validates."""
    parts = value.split(":")
    if len(parts) != 3:
        raise ValidationFailed(_("Perioden finns inte."), fields={"period": [_("Välj en period i listan.")]})
    return parse_period(parts[0], parts[1], parts[2])
