"""The förbund's side of the demo: the 2023 plan's budget and the same model for the years after,
agreements with every executor, invoices at different stages, and deliveries as executors send
them, most on time and some late or missing (development only)."""

# i18n: data module

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.activera.deliveries import delivery_submit, period_close, period_end
from apps.activera.models import Delivery, DeliveryKind, Programme, ProgrammeUnit
from apps.organisations.models import Organisation
from lib.deadlines import due_date
from lib.participation import tertial_bounds, tertial_of

from .models import Agreement, Budget, BudgetLine, InvoiceStatus
from .services import agreement_create, budget_copy, budget_load, invoice_mark


def load_demo_forbund(*, forbund: Organisation, today: datetime.date, rng: random.Random) -> None:
    if Budget.objects.filter(forbund=forbund).exists():
        return
    budget = budget_load(actor=None, name="insjoriket-2023")
    for year in range(2024, today.year + 2):
        budget = budget_copy(
            actor=None,
            source=budget,
            year=year,
            state_allocation=budget.state_allocation + 100_000,
            allocation_note="Demo: påhittad tilldelning",
        )
    for year in (today.year - 1, today.year):
        for unit in ProgrammeUnit.objects.filter(programme__forbund=forbund).select_related("unit__parent"):
            line = BudgetLine.objects.filter(budget__year=year, executor=unit.unit).first()
            agreement = agreement_create(
                actor=None,
                forbund=forbund,
                programme_unit=unit,
                year=year,
                executor_party=f"{unit.unit.parent.name if unit.unit.parent else unit.unit.name}, Kommunkansliet",
                reference=f"{year}-{rng.randrange(10, 99)}",
                period_start=datetime.date(year, 1, 1),
                period_end=datetime.date(year, 12, 31),
                budget_line=line,
                signed_by_forbund_on=datetime.date(year, 2, 9),
                signed_by_executor_on=datetime.date(year, 2, 14),
            )
            _invoice_history(agreement, today)
    units = list(ProgrammeUnit.objects.filter(programme__forbund=forbund).select_related("unit__parent", "programme"))
    for unit in units:
        _deliveries(unit, today=today, rng=rng)
    if units:
        _close_overdue_periods(units[0].programme, today=today)


def _close_overdue_periods(programme: Programme, *, today: datetime.date) -> None:
    """As the office would: a period some executor never delivered is compiled a month after its
    due date with those that did."""
    officer = User.objects.filter(
        role_grants__organisation=programme.forbund, role_grants__role=Role.FORBUND_OFFICER
    ).first()
    if officer is None:
        return
    waiting = (
        Delivery.objects.filter(programme_unit__programme=programme, released_at__isnull=True)
        .values_list("kind", "year", "period")
        .distinct()
    )
    for kind, year, period in sorted(set(waiting)):
        months_after = 2 if kind == DeliveryKind.ANNUAL else 1
        due = due_date(period_end(kind, year, period), months_after=months_after, day_of_month=10)
        if due + datetime.timedelta(days=30) < today:
            period_close(actor=officer, programme=programme, kind=kind, year=year, period=period)


def _invoice_history(agreement: Agreement, today: datetime.date) -> None:
    for invoice in agreement.invoices.all():
        end = tertial_bounds(agreement.year, invoice.tertial)[1]
        sent = end + datetime.timedelta(days=10)
        if sent > today:
            continue
        invoice = invoice_mark(actor=None, invoice=invoice, status=InvoiceStatus.SENT, on_date=sent)
        paid = sent + datetime.timedelta(days=25)
        # The latest tertial is still awaiting payment in the demo.
        if paid <= today and (today - sent).days > 90:
            invoice_mark(actor=None, invoice=invoice, status=InvoiceStatus.PAID, on_date=paid)


def _deliveries(unit: ProgrammeUnit, *, today: datetime.date, rng: random.Random) -> None:
    submitter = User.objects.filter(
        role_grants__organisation=unit.unit, role_grants__role=Role.EXECUTOR_CASEWORKER
    ).first()
    if submitter is None:
        return
    periods: list[tuple[str, int, int, int, int]] = []  # kind, year, period, months after, day
    for year in (today.year - 1, today.year):
        periods += [(DeliveryKind.MONTHLY, year, m, 1, 10) for m in range(1, 13)]
        periods += [(DeliveryKind.TERTIAL, year, t, 1, 10) for t in (1, 2, 3)]
        periods += [(DeliveryKind.INTERIM, year, 0, 1, 10), (DeliveryKind.ANNUAL, year, 0, 2, 10)]
    current_tertial = (today.year, tertial_of(today))
    for kind, year, period, months_after, day in periods:
        end = period_end(kind, year, period)
        if end >= today or (kind == DeliveryKind.TERTIAL and (year, period) == current_tertial):
            continue
        due = due_date(end, months_after=months_after, day_of_month=day)
        roll = rng.random()
        if roll < 0.06:
            continue  # never sent: shows as late on the förbund's page
        sent_on = (
            due - datetime.timedelta(days=rng.randrange(0, 8))
            if roll < 0.85
            else due + datetime.timedelta(days=rng.randrange(1, 12))
        )
        if sent_on > today:
            continue
        delivery = delivery_submit(actor=submitter, unit=unit, kind=kind, year=year, period=period, today=today)
        # The demo replays history: the delivery is dated when the executor would have sent it.
        moment = timezone.make_aware(datetime.datetime.combine(sent_on, datetime.time(10, 0)))
        Delivery.objects.filter(pk=delivery.pk).update(submitted_at=moment)
