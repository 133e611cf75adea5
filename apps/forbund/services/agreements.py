"""Writes of the förbund's agreements with the executors: an agreement with its deliverables and
its tertial invoices, and changes to it. Each runs in a transaction that also writes its audit row."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.activera.deliveries import delivery_terms_set
from apps.activera.models import ProgrammeUnit
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.organisations.models import Organisation
from insyn.errors import Conflict, FieldProblems, ValidationFailed
from lib.money import split_in_tertials

from ..models import Agreement, AgreementDeliverable, BudgetLine, DeliverableKind, Invoice, InvoiceStatus
from .common import audit, check_year, require_economy_access

# The seed agreement's deliverables: the 10th of the month after each month and tertial, interim by
# 10 September, the full year by 10 February, Lex Heller continuously.
DEFAULT_DELIVERABLES: list[tuple[DeliverableKind, int | None, int | None]] = [
    (DeliverableKind.MONTHLY, 1, 10),
    (DeliverableKind.TERTIAL, 1, 10),
    (DeliverableKind.INTERIM, 1, 10),
    (DeliverableKind.ANNUAL, 2, 10),
    (DeliverableKind.LEXHELLER, None, None),
]


def _validate_agreement(
    *,
    year: int,
    period_start: datetime.date,
    period_end: datetime.date,
    executor_party: str,
    signed_by_forbund_on: datetime.date | None,
    signed_by_executor_on: datetime.date | None,
) -> None:
    errors = FieldProblems()
    check_year(year)
    if period_end < period_start:
        errors["period_end"] = [_("Slutdatum kan inte vara före startdatum.")]
    if period_start.year != year or period_end.year != year:
        errors["period_start"] = [
            _("Perioden ska ligga inom %(year)s: en överenskommelse gäller ett år.") % {"year": year}
        ]
    if not executor_party.strip():
        errors["executor_party"] = [_("Ange den utförande parten, t.ex. ”Alingsås kommun, Kommunkansliet”.")]
    for name, value in (
        ("signed_by_forbund_on", signed_by_forbund_on),
        ("signed_by_executor_on", signed_by_executor_on),
    ):
        if value is not None and value > period_end:
            errors[name] = [_("Undertecknandet kan inte vara efter avtalsperiodens slut.")]
    errors.raise_if_any(_("Överenskommelsen är inte rätt ifylld."))


def agreement_create(
    *,
    actor: User | None,
    forbund: Organisation,
    programme_unit: ProgrammeUnit,
    year: int,
    executor_party: str,
    period_start: datetime.date,
    period_end: datetime.date,
    max_amount: int | None = None,
    places: int | None = None,
    budget_line: BudgetLine | None = None,
    reference: str = "",
    signed_by_forbund_on: datetime.date | None = None,
    signed_by_executor_on: datetime.date | None = None,
    due_dates_move_to_working_day: bool = False,
    context: AuditContext | None = None,
) -> Agreement:
    """An agreement with its deliverables and its three tertial invoices. Without an amount or
    places, the budget line's are used."""
    require_economy_access(actor, forbund)
    if programme_unit.programme.forbund_id != forbund.pk:
        raise ValidationFailed(_("Fel utförare."), fields={"programme_unit": [_("Utföraren hör inte till förbundet.")]})
    if budget_line is not None and budget_line.budget.forbund_id != forbund.pk:
        raise ValidationFailed(
            _("Fel budgetpost."), fields={"budget_line": [_("Budgetposten hör inte till förbundet.")]}
        )
    if max_amount is None and budget_line is not None:
        max_amount = budget_line.amount
    if places is None and budget_line is not None:
        places = budget_line.places
    errors = FieldProblems()
    if max_amount is None:
        errors["max_amount"] = [_("Ange avtalad summa eller välj en budgetpost med belopp.")]
    if places is None:
        errors["places"] = [_("Ange antal platser eller välj en budgetpost med platser.")]
    errors.raise_if_any(_("Överenskommelsen är inte rätt ifylld."))
    assert max_amount is not None and places is not None
    _validate_agreement(
        year=year,
        period_start=period_start,
        period_end=period_end,
        executor_party=executor_party,
        signed_by_forbund_on=signed_by_forbund_on,
        signed_by_executor_on=signed_by_executor_on,
    )
    try:
        with transaction.atomic():
            agreement = Agreement.objects.create(
                forbund=forbund,
                programme_unit=programme_unit,
                year=year,
                reference=reference.strip(),
                executor_party=executor_party.strip(),
                period_start=period_start,
                period_end=period_end,
                max_amount=max_amount,
                places=places,
                budget_line=budget_line,
                signed_by_forbund_on=signed_by_forbund_on,
                signed_by_executor_on=signed_by_executor_on,
                due_dates_move_to_working_day=due_dates_move_to_working_day,
            )
            AgreementDeliverable.objects.bulk_create(
                [
                    AgreementDeliverable(agreement=agreement, kind=kind, months_after=months, day_of_month=day)
                    for kind, months, day in DEFAULT_DELIVERABLES
                ]
            )
            Invoice.objects.bulk_create(
                [
                    Invoice(agreement=agreement, tertial=tertial, amount=amount)
                    for tertial, amount in enumerate(split_in_tertials(max_amount), start=1)
                ]
            )
            audit(
                actor,
                AuditAction.AGREEMENT_CHANGE,
                object_type="agreement",
                object_id=str(agreement.pk),
                context=context,
                details={"year": year, "max_amount": max_amount, "places": places},
            )
    except IntegrityError as exc:
        raise Conflict(
            _("Utföraren har redan en överenskommelse det året."),
            fields={"programme_unit": [_("Utföraren har redan en överenskommelse det året.")]},
        ) from exc
    return agreement


def agreement_update(
    *,
    actor: User | None,
    agreement: Agreement,
    executor_party: str,
    period_start: datetime.date,
    period_end: datetime.date,
    max_amount: int,
    places: int,
    reference: str = "",
    signed_by_forbund_on: datetime.date | None = None,
    signed_by_executor_on: datetime.date | None = None,
    due_dates_move_to_working_day: bool = False,
    monthly_unprotected: bool = False,
    unprotected_clause: str = "",
    context: AuditContext | None = None,
) -> Agreement:
    """Change the agreement. A new sum re-splits the invoices, which is refused once one is sent.
    Whether the monthly referral counts go unprotected is the agreement's term, recorded with the
    executor's deliveries (apps.activera.deliveries.delivery_terms_set)."""
    require_economy_access(actor, agreement.forbund)
    _validate_agreement(
        year=agreement.year,
        period_start=period_start,
        period_end=period_end,
        executor_party=executor_party,
        signed_by_forbund_on=signed_by_forbund_on,
        signed_by_executor_on=signed_by_executor_on,
    )
    with transaction.atomic():
        invoices = list(Invoice.objects.select_for_update().filter(agreement=agreement))
        if max_amount != agreement.max_amount:
            if any(i.status != InvoiceStatus.TO_SEND for i in invoices):
                raise Conflict(
                    _("Summan kan inte ändras när en faktura redan är skickad."),
                    fields={
                        "max_amount": [
                            _("En faktura är redan skickad; gör en ny överenskommelse eller en kreditering.")
                        ]
                    },
                )
            for invoice, amount in zip(invoices, split_in_tertials(max_amount), strict=True):
                invoice.amount = amount
                invoice.save(update_fields=["amount"])
        agreement.executor_party = executor_party.strip()
        agreement.reference = reference.strip()
        agreement.period_start, agreement.period_end = period_start, period_end
        agreement.max_amount, agreement.places = max_amount, places
        agreement.signed_by_forbund_on = signed_by_forbund_on
        agreement.signed_by_executor_on = signed_by_executor_on
        agreement.due_dates_move_to_working_day = due_dates_move_to_working_day
        agreement.save()
        delivery_terms_set(
            actor=actor,
            unit=agreement.programme_unit,
            year=agreement.year,
            monthly_unprotected=monthly_unprotected,
            clause=unprotected_clause,
            context=context,
        )
        audit(
            actor,
            AuditAction.AGREEMENT_CHANGE,
            object_type="agreement",
            object_id=str(agreement.pk),
            context=context,
            details={"max_amount": max_amount, "places": places},
        )
    return agreement
