"""Permission-aware reads for the executor's own view of its agreement with the förbund: the
agreement, its deliverables and invoices, and what the executor owes and when.

An executor reaches only the agreements of the programme units in the municipalities where it
holds AGREEMENT_VIEW_OWN through a grant inside the municipality (its own ACTivera unit); a grant at
förbund level is not an executor's and reaches none. Everyone else gets 404."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.accounts.roles import ROLE_PERMISSIONS, Permission
from apps.accounts.selectors import grants_of
from apps.activera.due import AgreedDue, DueItem, DueState
from apps.activera.models import ProgrammeUnit
from apps.activera.releases import period_dates, period_label
from lib.deadlines import due_date

from .models import Agreement, DeliverableKind, Invoice
from .tracking import Expected, TrackState, due_rule, expected_deliveries

# How the executor reads the state of one owed period (the förbund's words are in TrackState).
EXECUTOR_STATE_LABELS = {
    TrackState.UPCOMING: _("Kommande"),
    TrackState.DUE: _("Ej inlämnad"),
    TrackState.OVERDUE: _("Försenad"),
    TrackState.ON_TIME: _("Inlämnad"),
    TrackState.LATE: _("Inlämnad efter förfallodagen"),
}

# "Snart": due within this many days.
SOON_DAYS = 14


def _own_municipality_ids(user: User) -> list[int]:
    return sorted(
        {
            grant.municipality.pk
            for grant in grants_of(user)
            if grant.municipality is not None and Permission.AGREEMENT_VIEW_OWN in ROLE_PERMISSIONS[grant.role]
        }
    )


def own_agreements_for_user(user: User) -> QuerySet[Agreement]:
    """The agreements naming the user's own executor units, newest year first."""
    return Agreement.objects.filter(programme_unit__unit__parent_id__in=_own_municipality_ids(user)).select_related(
        "forbund", "programme_unit__unit__parent", "programme_unit__programme"
    )


def get_own_agreement_for_user(user: User, agreement_id: int) -> Agreement:
    try:
        return own_agreements_for_user(user).get(pk=agreement_id)
    except Agreement.DoesNotExist as exc:
        raise Http404(_("Överenskommelsen finns inte.")) from exc


@dataclass(frozen=True)
class OwnedPeriod:
    """One period owed under the agreement, as the executor sees it."""

    expected: Expected
    label: str

    @property
    def state(self) -> str:
        return self.expected.state

    @property
    def period_name(self) -> str:
        """The period in words, as on the delivery page ("januari 2026")."""
        return period_label(self.expected.kind, self.expected.agreement.year, self.expected.period)


@dataclass(frozen=True)
class AgreementView:
    agreement: Agreement
    deliverables: list[tuple[str, str]]
    periods: list[OwnedPeriod]
    invoices: list[Invoice]
    invoice_total: int


def agreement_view(agreement: Agreement, today: datetime.date | None = None) -> AgreementView:
    """Everything the executor's agreement page shows, in a fixed number of queries."""
    deliverables = list(agreement.deliverables.all())
    for deliverable in deliverables:
        deliverable.agreement = agreement  # due_rule reads the agreement's working-day setting
    periods = [
        OwnedPeriod(expected=e, label=str(EXECUTOR_STATE_LABELS[e.state]))
        for e in expected_deliveries([agreement], today)
    ]
    invoices = list(agreement.invoices.all())
    for invoice in invoices:
        invoice.agreement = agreement  # Invoice.number reads the agreement's unit
    return AgreementView(
        agreement=agreement,
        deliverables=[(str(d.get_kind_display()), due_rule(d)) for d in deliverables],
        periods=periods,
        invoices=invoices,
        invoice_total=sum(i.amount for i in invoices),
    )


def due_items(units: Iterable[ProgrammeUnit], today: datetime.date | None = None) -> list[DueItem]:
    """What the executor units owe the förbund under their agreements of this year and last year:
    every late period, every period due within SOON_DAYS days, and the next one of each kind after
    those. Registered with apps.activera.due for the delivery page (ForbundConfig.ready)."""
    today = today or timezone.localdate()
    unit_ids = [u.pk for u in units]
    if not unit_ids:
        return []
    agreements = Agreement.objects.filter(
        programme_unit_id__in=unit_ids, year__in=(today.year - 1, today.year)
    ).select_related("programme_unit__unit__parent")
    soon = today + datetime.timedelta(days=SOON_DAYS)
    result: list[DueItem] = []
    next_of_kind: set[tuple[int, str]] = set()
    for e in expected_deliveries(agreements, today):
        if e.delivery is not None or e.kind == DeliverableKind.LEXHELLER:
            continue
        if e.state == TrackState.OVERDUE:
            state = DueState.LATE
        elif e.due <= soon:
            state = DueState.SOON
        elif (e.agreement.programme_unit_id, e.kind) not in next_of_kind:
            state = DueState.UPCOMING
        else:
            continue
        if state == DueState.UPCOMING:
            next_of_kind.add((e.agreement.programme_unit_id, e.kind))
        result.append(
            DueItem(
                unit=e.agreement.programme_unit,
                kind=e.kind,
                year=e.agreement.year,
                period=e.period,
                due=e.due,
                state=state,
                period_ended=e.period_end < today,
            )
        )
    order = {DueState.LATE: 0, DueState.SOON: 1, DueState.UPCOMING: 2}
    result.sort(key=lambda item: (order[item.state], item.due, item.unit.unit.name, item.kind))
    return result


def agreed_due(unit: ProgrammeUnit, kind: str, year: int, period: int) -> AgreedDue | None:
    """The day the unit's agreement for `year` says the period is due at the förbund, with the
    agreement's working-day setting; AgreedDue(None) when the agreement sets no deadline for the
    kind or does not cover the period; None when the unit has no agreement for the year.
    Registered with apps.activera.due for the delivery documents (ForbundConfig.ready)."""
    agreement = Agreement.objects.filter(programme_unit=unit, year=year).first()
    if agreement is None:
        return None
    deliverable = agreement.deliverables.filter(kind=kind).first()
    if deliverable is None or deliverable.months_after is None or deliverable.day_of_month is None:
        return AgreedDue(None)
    start, end = period_dates(kind, year, period)
    if start > agreement.period_end or end < agreement.period_start:
        return AgreedDue(None)
    return AgreedDue(
        due_date(
            end,
            months_after=deliverable.months_after,
            day_of_month=deliverable.day_of_month,
            working_day=agreement.due_dates_move_to_working_day,
        )
    )
