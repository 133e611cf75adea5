"""What an executor unit owes the förbund and by when, for the delivery page's panel "Att lämna".

The due dates are the förbund's: they follow the deliverables of its agreement with the executor
(apps.forbund), which this app does not import (the förbund builds on the participant follow-up).
The förbund's app registers the function that works them out when Django starts
(ForbundConfig.ready, `register_due_provider`), as apps register their audit labellers. Without a
provider nothing is owed that this app knows of, and the page shows no panel."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import ProgrammeUnit
from .releases import period_label


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
        return period_label(self.kind, self.year, self.period)

    @property
    def query(self) -> str:
        return f"unit={self.unit.pk}&kind={self.kind}&year={self.year}&period={self.period}"


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
