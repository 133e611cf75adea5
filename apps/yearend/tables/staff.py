"""Personalstatistik, arbetsskador och tillbud, sjukfrånvaro: the year against the year before,
the difference computed from the unrounded values (seed 002: women 8,8 → 11,6, difference 2,9)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from apps.organisations.models import Organisation
from lib.report_numbers import format_number, share_percent

from ..models import SickLeaveFigure, SickLeaveGroup, StaffFigure, StaffMeasure
from .base import DASH, Row, Table


def _years(year: int, period: str) -> list[str]:
    """The two columns compared: the years, or their January–August in a delårsbokslut."""
    if period == "interim":
        return [_("jan–aug %(year)s") % {"year": year - 1}, _("jan–aug %(year)s") % {"year": year}]
    return [str(year - 1), str(year)]


def _figures(namnd: Organisation, year: int, period: str) -> dict[tuple[int, str], Decimal]:
    rows = StaffFigure.objects.filter(namnd=namnd, year__in=[year - 1, year], period=period)
    return {(row.year, row.measure): row.value for row in rows}


def _compare(before: Decimal | None, now: Decimal | None, decimals: int, suffix: str = "") -> list[str]:
    def shown(value: Decimal | None) -> str:
        return DASH if value is None else format_number(value, decimals) + suffix

    difference = None if before is None or now is None else now - before
    return [shown(before), shown(now), shown(difference)]


# (label, measure, decimals, suffix, kind); measure None: a heading or a footnote row.
STAFF_LAYOUT: list[tuple[StrOrPromise, StaffMeasure | None, int, str, str]] = [
    (gettext_lazy("Antal anställda"), None, 0, "", "heading"),
    (gettext_lazy("Tillsvidareanställda"), StaffMeasure.PERMANENT_EMPLOYEES, 0, "", "line"),
    (gettext_lazy("Visstidsanställda"), StaffMeasure.TEMPORARY_EMPLOYEES, 0, "", "line"),
    (gettext_lazy("Antal årsarbetare"), None, 0, "", "heading"),
    (gettext_lazy("Tillsvidareanställda"), StaffMeasure.PERMANENT_FTE, 1, "", "line"),
    (gettext_lazy("Visstidsanställda"), StaffMeasure.TEMPORARY_FTE, 1, "", "line"),
    (gettext_lazy("Sysselsättningsgrad *"), None, 0, "", "heading"),
    (gettext_lazy("Tillsvidareanställda"), StaffMeasure.EMPLOYMENT_RATE, 0, "%", "line"),
    (gettext_lazy("*utifrån vad som framgår i anställningsavtalet"), None, 0, "", "note"),
    (gettext_lazy("Medelålder"), None, 0, "", "heading"),
    (gettext_lazy("Tillsvidareanställda"), StaffMeasure.MEAN_AGE, 1, "", "line"),
    (gettext_lazy("Utförd tid av timavlönade*"), None, 0, "", "heading"),
    (gettext_lazy("*omräknat till heltidsarbetare"), StaffMeasure.HOURLY_PAID, 1, "", "line"),
    (gettext_lazy("Fyllnad och övertid*"), None, 0, "", "heading"),
    (gettext_lazy("Fyllnad"), StaffMeasure.EXTRA_TIME, 1, "", "line"),
    (gettext_lazy("Övertid"), StaffMeasure.OVERTIME, 1, "", "line"),
    (gettext_lazy("*omräknat till heltidsarbetare"), None, 0, "", "note"),
    (gettext_lazy("Personalomsättning*"), StaffMeasure.TURNOVER, 1, "%", "sum"),
    (gettext_lazy("*exkluderat pensionsavgångar"), None, 0, "", "note"),
]


def staff_table(namnd: Organisation, year: int, period: str = "annual") -> Table:
    figures = _figures(namnd, year, period)
    rows = []
    for label, measure, decimals, suffix, kind in STAFF_LAYOUT:
        if measure is None:
            rows.append(Row(str(label), ["", "", ""], kind=kind))
            continue
        before, now = figures.get((year - 1, measure.value)), figures.get((year, measure.value))
        rows.append(Row(str(label), _compare(before, now, decimals, suffix), kind=kind))
    return Table(
        key="personalstatistik",
        title=_("Personalstatistik"),
        columns=["", *_years(year, period), _("Differens")],
        rows=rows,
    )


def injuries_table(namnd: Organisation, year: int, period: str = "annual") -> Table:
    figures = _figures(namnd, year, period)
    rows = [
        Row(label, _compare(figures.get((year - 1, m.value)), figures.get((year, m.value)), 0))
        for label, m in ((_("Arbetsskador"), StaffMeasure.WORK_INJURIES), (_("Tillbud"), StaffMeasure.INCIDENTS))
    ]
    return Table(
        key="arbetsskador",
        title=_("Arbetsskador och tillbud"),
        columns=[_("Arbetsskador och tillbud"), *_years(year, period), _("Differens")],
        rows=rows,
    )


def sick_leave_percentages(namnd: Organisation, year: int, period: str = "annual") -> dict[tuple[int, str], Decimal]:
    rows = SickLeaveFigure.objects.filter(namnd=namnd, year__in=[year - 1, year], period=period)
    return {(row.year, row.group): share_percent(row.sick_hours, row.ordinary_hours) for row in rows}


def sick_leave_table(namnd: Organisation, year: int, period: str = "annual") -> Table:
    shares = sick_leave_percentages(namnd, year, period)
    rows = [
        Row(str(group.label), _compare(shares.get((year - 1, group.value)), shares.get((year, group.value)), 1))
        for group in SickLeaveGroup
    ]
    if period == "interim":
        note = _("*Avser perioden 1 januari - 31 augusti")
    else:
        note = _("*Avser perioden 1 januari - 31 december")
    return Table(
        key="sjukfranvaro",
        title=_("Sjukfrånvaro"),
        columns=[_("Sjukfrånvaro* (%)"), *_years(year, period), _("Differens")],
        rows=rows,
        notes=[note],
    )
