"""Delivery tracking: for every agreement and deliverable, each period's due date, whether the
executor has submitted it in the follow-up module, and whether that was late."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.activera.delivery_selectors import submitted_by_period
from apps.activera.models import Delivery
from lib.deadlines import due_date, is_late
from lib.participation import tertial_bounds

from .models import Agreement, AgreementDeliverable, DeliverableKind


class TrackState:
    UPCOMING = "upcoming"  # the period has not ended
    DUE = "due"  # the period has ended, the deadline has not passed
    OVERDUE = "overdue"
    ON_TIME = "on_time"
    LATE = "late"

    LABELS = {
        UPCOMING: gettext_lazy("Perioden pågår"),
        DUE: gettext_lazy("Ska lämnas"),
        OVERDUE: gettext_lazy("Försenad"),
        ON_TIME: gettext_lazy("Inlämnad i tid"),
        LATE: gettext_lazy("Inlämnad för sent"),
    }


@dataclass
class Expected:
    agreement: Agreement
    kind: str
    period: int
    period_end: datetime.date
    due: datetime.date
    delivery: Delivery | None
    today: datetime.date

    @property
    def delivered_on(self) -> datetime.date | None:
        return timezone.localdate(self.delivery.submitted_at) if self.delivery else None

    @property
    def state(self) -> str:
        if self.delivery is not None:
            return TrackState.LATE if is_late(self.due, self.delivered_on, self.today) else TrackState.ON_TIME
        if self.period_end >= self.today:
            return TrackState.UPCOMING
        return TrackState.OVERDUE if is_late(self.due, None, self.today) else TrackState.DUE

    @property
    def state_label(self) -> str:
        return str(TrackState.LABELS[self.state])

    @property
    def period_label(self) -> str:
        year = self.agreement.year
        if self.kind == DeliverableKind.MONTHLY:
            return f"{year}-{self.period:02d}"
        if self.kind == DeliverableKind.TERTIAL:
            return f"T{self.period} {year}"
        return _("jan–aug %(year)s") % {"year": year} if self.kind == DeliverableKind.INTERIM else str(year)

    @property
    def kind_label(self) -> str:
        return str(DeliverableKind(self.kind).label)

    @property
    def executor(self) -> str:
        return self.agreement.programme_unit.unit.name


def _periods(deliverable: AgreementDeliverable) -> list[tuple[int, datetime.date]]:
    agreement = deliverable.agreement
    year = agreement.year
    candidates: list[tuple[int, datetime.date, datetime.date]]
    if deliverable.kind == DeliverableKind.MONTHLY:
        candidates = [
            (m, datetime.date(year, m, 1), datetime.date(year, m, calendar.monthrange(year, m)[1]))
            for m in range(1, 13)
        ]
    elif deliverable.kind == DeliverableKind.TERTIAL:
        candidates = [(t, *tertial_bounds(year, t)) for t in (1, 2, 3)]
    elif deliverable.kind == DeliverableKind.INTERIM:
        candidates = [(0, datetime.date(year, 1, 1), datetime.date(year, 8, 31))]
    elif deliverable.kind == DeliverableKind.ANNUAL:
        candidates = [(0, datetime.date(year, 1, 1), datetime.date(year, 12, 31))]
    else:
        return []
    # A period is owed when the agreement covers any of it.
    return [(p, end) for p, start, end in candidates if start <= agreement.period_end and end >= agreement.period_start]


def expected_deliveries(agreements: Iterable[Agreement], today: datetime.date | None = None) -> list[Expected]:
    """Every period owed under `agreements`, in order of due date. Two queries whatever the count."""
    today = today or timezone.localdate()
    agreements = list(agreements)
    deliverables = list(
        AgreementDeliverable.objects.filter(agreement__in=agreements)
        .exclude(kind=DeliverableKind.LEXHELLER)
        .select_related("agreement__programme_unit__unit__parent")
    )
    submitted = submitted_by_period((a.programme_unit_id, a.year) for a in agreements)
    result = []
    for deliverable in deliverables:
        agreement = deliverable.agreement
        assert deliverable.months_after is not None and deliverable.day_of_month is not None
        for period, end in _periods(deliverable):
            result.append(
                Expected(
                    agreement=agreement,
                    kind=deliverable.kind,
                    period=period,
                    period_end=end,
                    due=due_date(
                        end,
                        months_after=deliverable.months_after,
                        day_of_month=deliverable.day_of_month,
                        working_day=agreement.due_dates_move_to_working_day,
                    ),
                    delivery=submitted.get((agreement.programme_unit_id, deliverable.kind, agreement.year, period)),
                    today=today,
                )
            )
    result.sort(key=lambda e: (e.due, e.executor, e.kind))
    return result


@dataclass
class TrackingSummary:
    overdue: list[Expected]
    due_soon: list[Expected]
    received: list[Expected]


def tracking_summary(
    agreements: Iterable[Agreement], today: datetime.date | None = None, *, horizon_days: int = 30
) -> TrackingSummary:
    """What the förbund office's start page shows: late, due within `horizon_days`, received in
    the last `horizon_days`."""
    today = today or timezone.localdate()
    items = expected_deliveries(agreements, today)
    soon = today + datetime.timedelta(days=horizon_days)
    recent = today - datetime.timedelta(days=horizon_days)
    return TrackingSummary(
        overdue=[e for e in items if e.state == TrackState.OVERDUE],
        due_soon=[e for e in items if e.state == TrackState.DUE and e.due <= soon],
        received=sorted(
            (e for e in items if e.delivery is not None and e.delivered_on and e.delivered_on >= recent),
            key=lambda e: e.delivery.submitted_at if e.delivery else today,
            reverse=True,
        ),
    )


# The month each kind's period ends (None: every month, or every tertial).
_PERIOD_END_MONTH = {"interim": 8, "annual": 12}


def due_rule(deliverable: AgreementDeliverable) -> str:
    """The deliverable's deadline in words, as an agreement would write it."""
    if deliverable.day_of_month is None or deliverable.months_after is None:
        return _("löpande")
    day, months = deliverable.day_of_month, deliverable.months_after
    end_month = _PERIOD_END_MONTH.get(deliverable.kind)
    if end_month is not None:
        index = end_month - 1 + months
        month = MONTHS[index % 12 + 1]
        if index >= 12:
            text = _("den %(day)s %(month)s året efter") % {"day": day, "month": month}
        else:
            text = _("den %(day)s %(month)s") % {"day": day, "month": month}
    elif months == 1:
        text = _("den %(day)s:e i månaden efter periodens slut") % {"day": day}
    else:
        text = _("den %(day)s:e, %(months)s månader efter periodens slut") % {"day": day, "months": months}
    if deliverable.agreement.due_dates_move_to_working_day:
        text = _("%(rule)s (nästa vardag om den dagen inte är en vardag)") % {"rule": text}
    return text
