"""What an executor unit owes the förbund and by when, for the delivery page's panel "Att lämna".

The due dates are the förbund's: they follow the deliverables of its agreement with the executor
(apps.forbund), which this app does not import (the förbund builds on the participant follow-up).
The förbund's app registers the function that works them out when Django starts
(ForbundConfig.ready, `register_due_provider`), as apps register their audit labellers. Without a
provider nothing is owed that this app knows of, and the page shows no panel.

The same holds for the due date a delivery document states ("Ska vara förbundet tillhanda den 10
september 2026"): the förbund registers `register_due_date_provider`, which answers from the unit's
agreement for the year. Only where no agreement exists does the document fall back on the seed's
dates (reports.DUE_DATES, interim and full year); an agreement without a deadline for the kind, or a
period it does not cover, gives none, and the document states none."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from lib.swedish import date_in_words

from .models import ProgrammeUnit
from .reports import DUE_DATES, due_date


class DueState:
    LATE = "late"  # not delivered and the due date has passed
    SOON = "soon"  # due within two weeks
    UPCOMING = "upcoming"

    LABELS = {LATE: _("Försenad"), SOON: _("Snart"), UPCOMING: _("Kommande")}


@dataclass(frozen=True)
class DueItem:
    unit: ProgrammeUnit
    kind: str
    year: int
    period: int
    due: datetime.date
    state: str
    # A delivery can be submitted only once its period has ended.
    period_ended: bool

    @property
    def state_label(self) -> str:
        return str(DueState.LABELS[self.state])

    @property
    def period_label(self) -> str:
        from .releases import period_label  # releases reads the due dates below

        return period_label(self.kind, self.year, self.period)

    @property
    def query(self) -> str:
        return f"unit={self.unit.pk}&kind={self.kind}&year={self.year}&period={self.period}"  # i18n: data


DueProvider = Callable[[Iterable[ProgrammeUnit], datetime.date | None], list[DueItem]]

_providers: list[DueProvider] = []


def register_due_provider(provider: DueProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def has_due_provider() -> bool:
    return bool(_providers)


def due_for_units(units: Iterable[ProgrammeUnit], today: datetime.date | None = None) -> list[DueItem]:
    """Late first, then due soon, then upcoming, each by due date."""
    units = list(units)
    return [item for provider in _providers for item in provider(units, today)]


@dataclass(frozen=True)
class AgreedDue:
    """What the unit's agreement for the year says a period is due; `due` None when the agreement
    sets no deadline for the kind (or does not cover the period)."""

    due: datetime.date | None


# (unit, kind, year, period) -> the agreement's answer, or None when the unit has no agreement.
DueDateProvider = Callable[[ProgrammeUnit, str, int, int], AgreedDue | None]

_date_providers: list[DueDateProvider] = []


def register_due_date_provider(provider: DueDateProvider) -> None:
    if provider not in _date_providers:
        _date_providers.append(provider)


def delivery_due_date(unit: ProgrammeUnit, kind: str, year: int, period: int) -> datetime.date | None:
    """The day the delivery is due at the förbund: the agreement's (with its working-day setting),
    else the seed's default for the interim and the full year, else none."""
    for provider in _date_providers:
        agreed = provider(unit, kind, year, period)
        if agreed is not None:
            return agreed.due
    return due_date(kind, year) if kind in DUE_DATES else None


def due_header(unit: ProgrammeUnit, kind: str, year: int, period: int) -> dict[str, str]:
    """The due date as a delivery's content carries it: ISO and in words; nothing without one."""
    due = delivery_due_date(unit, kind, year, period)
    if due is None:
        return {}
    return {"due": due.isoformat(), "due_text": date_in_words(due)}
