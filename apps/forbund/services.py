"""Writes of the förbund's budget, agreements and invoices. Each runs in a transaction that also
writes its audit row."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction

from apps.accounts.models import User
from apps.activera.deliveries import delivery_terms_set
from apps.activera.models import ProgrammeUnit
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.organisations.models import Organisation, OrganisationKind
from apps.organisations.selectors import municipalities_in
from insyn.errors import Conflict, NotPermitted, ValidationFailed
from lib.money import split_in_tertials

from .models import (
    Agreement,
    AgreementDeliverable,
    Budget,
    BudgetGroup,
    BudgetLine,
    BudgetPopulation,
    DeliverableKind,
    Invoice,
    InvoiceStatus,
)
from .selectors import economy_forbunds

# The seed agreement's deliverables: the 10th of the month after each month and tertial, interim by
# 10 September, the full year by 10 February, Lex Heller continuously.
DEFAULT_DELIVERABLES: list[tuple[DeliverableKind, int | None, int | None]] = [
    (DeliverableKind.MONTHLY, 1, 10),
    (DeliverableKind.TERTIAL, 1, 10),
    (DeliverableKind.INTERIM, 1, 10),
    (DeliverableKind.ANNUAL, 2, 10),
    (DeliverableKind.LEXHELLER, None, None),
]


def require_economy_access(actor: User | None, forbund: Organisation) -> None:
    if actor is not None and forbund not in economy_forbunds(actor):
        raise NotPermitted("Du får inte hantera förbundets ekonomi.")


def _audit(
    actor: User | None,
    action: AuditAction,
    *,
    object_type: str,
    object_id: str,
    context: AuditContext | None,
    details: dict[str, Any] | None = None,
) -> None:
    audit_record(
        actor=actor, action=action, context=context, object_type=object_type, object_id=object_id, details=details
    )


# --- Budget ------------------------------------------------------------------------------------


def _check_year(year: int) -> None:
    if not 2004 <= year <= 2100:
        raise ValidationFailed("Fel år.", fields={"year": ["Ange ett år mellan 2004 och 2100."]})


def budget_create(
    *,
    actor: User | None,
    forbund: Organisation,
    year: int,
    state_allocation: int,
    allocation_note: str = "",
    context: AuditContext | None = None,
) -> Budget:
    """A new year's budget; the municipalities' populations are taken from the register as they
    are now, with their reference date, and kept with the budget."""
    require_economy_access(actor, forbund)
    _check_year(year)
    members = municipalities_in(forbund)
    missing = [m.name for m in members if not m.population]
    if not members or missing:
        raise ValidationFailed(
            "Folkmängd saknas.",
            fields={"state_allocation": [f"Folkmängd saknas för {', '.join(missing) or 'medlemskommunerna'}."]},
        )
    dates = {m.population_date for m in members}
    population_date = next(iter(dates))
    if population_date is None or len(dates) != 1:
        raise ValidationFailed(
            "Folkmängden har olika referensdagar.",
            fields={"state_allocation": ["Alla kommuners folkmängd måste avse samma referensdag."]},
        )
    try:
        with transaction.atomic():
            budget = Budget.objects.create(
                forbund=forbund,
                year=year,
                state_allocation=state_allocation,
                allocation_note=allocation_note.strip(),
                population_date=population_date,
            )
            BudgetPopulation.objects.bulk_create(
                [BudgetPopulation(budget=budget, municipality=m, population=m.population or 0) for m in members]
            )
            _audit(
                actor,
                AuditAction.BUDGET_CHANGE,
                object_type="budget",
                object_id=str(budget.pk),
                context=context,
                details={"year": year, "state_allocation": state_allocation},
            )
    except IntegrityError as exc:
        raise Conflict(
            f"Det finns redan en budget för {year}.", fields={"year": ["Året har redan en budget."]}
        ) from exc
    return budget


def budget_update(
    *,
    actor: User | None,
    budget: Budget,
    state_allocation: int,
    allocation_note: str = "",
    adopted_on: datetime.date | None = None,
    context: AuditContext | None = None,
) -> Budget:
    require_economy_access(actor, budget.forbund)
    with transaction.atomic():
        budget.state_allocation = state_allocation
        budget.allocation_note = allocation_note.strip()
        budget.adopted_on = adopted_on
        budget.save()
        _audit(
            actor,
            AuditAction.BUDGET_CHANGE,
            object_type="budget",
            object_id=str(budget.pk),
            context=context,
            details={"state_allocation": state_allocation},
        )
    return budget


def budget_populations_set(
    *,
    actor: User | None,
    budget: Budget,
    population_date: datetime.date,
    populations: dict[int, int],
    context: AuditContext | None = None,
) -> Budget:
    """Replace the populations the split is computed from (all members at once, one reference date)."""
    require_economy_access(actor, budget.forbund)
    rows = list(budget.populations.select_related("municipality"))
    errors = {
        f"population_{row.municipality_id}": [f"Ange folkmängden i {row.municipality.name} (ett heltal större än 0)."]
        for row in rows
        if not isinstance(populations.get(row.municipality_id), int) or populations[row.municipality_id] <= 0
    }
    if errors:
        raise ValidationFailed("Folkmängden är ofullständig.", fields=errors)
    with transaction.atomic():
        for row in rows:
            row.population = populations[row.municipality_id]
            row.save(update_fields=["population"])
        budget.population_date = population_date
        budget.save(update_fields=["population_date", "updated_at"])
        _audit(
            actor,
            AuditAction.BUDGET_CHANGE,
            object_type="budget",
            object_id=str(budget.pk),
            context=context,
            details={"population_date": population_date.isoformat()},
        )
    return budget


def _validate_line(group: str, places: int | None, executor: Organisation | None) -> None:
    errors: dict[str, list[str]] = {}
    if group not in BudgetGroup.values:
        errors["group"] = ["Välj en grupp."]
    elif group != BudgetGroup.INDIVIDUAL:
        if places is not None:
            errors["places"] = ["Platser anges bara för individinriktade insatser."]
        if executor is not None:
            errors["executor"] = ["Utförare anges bara för individinriktade insatser."]
    if executor is not None and executor.kind != OrganisationKind.EXECUTOR_UNIT:
        errors["executor"] = ["Välj en utförare."]
    if errors:
        raise ValidationFailed("Budgetposten är inte rätt ifylld.", fields=errors)


def budget_line_add(
    *,
    actor: User | None,
    budget: Budget,
    group: str,
    label: str,
    amount: int | None,
    places: int | None = None,
    executor: Organisation | None = None,
    context: AuditContext | None = None,
) -> BudgetLine:
    require_economy_access(actor, budget.forbund)
    _validate_line(group, places, executor)
    if not label.strip():
        raise ValidationFailed("Posten saknar namn.", fields={"label": ["Ange vad posten avser."]})
    with transaction.atomic():
        position = budget.lines.count() + 1
        line = BudgetLine.objects.create(
            budget=budget,
            group=group,
            label=label.strip(),
            amount=amount,
            places=places,
            executor=executor,
            position=position,
        )
        _audit(
            actor,
            AuditAction.BUDGET_CHANGE,
            object_type="budget_line",
            object_id=str(line.pk),
            context=context,
            details={"budget": budget.pk, "amount": amount},
        )
    return line


def budget_line_delete(*, actor: User | None, line: BudgetLine, context: AuditContext | None = None) -> None:
    require_economy_access(actor, line.budget.forbund)
    with transaction.atomic():
        _audit(
            actor,
            AuditAction.BUDGET_CHANGE,
            object_type="budget_line",
            object_id=str(line.pk),
            context=context,
            details={"deleted": line.label, "amount": line.amount},
        )
        line.delete()


def budget_copy(
    *,
    actor: User | None,
    source: Budget,
    year: int,
    state_allocation: int,
    allocation_note: str = "",
    context: AuditContext | None = None,
) -> Budget:
    """The following year on the same model (seed 004: applied 2024 and 2025): the lines of
    `source` with the new year's allocation; the lines burdening equity are not carried over."""
    with transaction.atomic():
        budget = budget_create(
            actor=actor,
            forbund=source.forbund,
            year=year,
            state_allocation=state_allocation,
            allocation_note=allocation_note,
            context=context,
        )
        BudgetLine.objects.bulk_create(
            [
                BudgetLine(
                    budget=budget,
                    group=line.group,
                    label=line.label,
                    amount=line.amount,
                    places=line.places,
                    executor=line.executor,
                    position=line.position,
                )
                for line in source.lines.exclude(group=BudgetGroup.EQUITY)
            ]
        )
    return budget


# --- Agreements and invoices -------------------------------------------------------------------


def _validate_agreement(
    *,
    year: int,
    period_start: datetime.date,
    period_end: datetime.date,
    executor_party: str,
    signed_by_forbund_on: datetime.date | None,
    signed_by_executor_on: datetime.date | None,
) -> None:
    errors: dict[str, list[str]] = {}
    _check_year(year)
    if period_end < period_start:
        errors["period_end"] = ["Slutdatum kan inte vara före startdatum."]
    if period_start.year != year or period_end.year != year:
        errors["period_start"] = [f"Perioden ska ligga inom {year}: en överenskommelse gäller ett år."]
    if not executor_party.strip():
        errors["executor_party"] = ["Ange den utförande parten, t.ex. ”Alingsås kommun, Kommunkansliet”."]
    for name, value in (
        ("signed_by_forbund_on", signed_by_forbund_on),
        ("signed_by_executor_on", signed_by_executor_on),
    ):
        if value is not None and value > period_end:
            errors[name] = ["Undertecknandet kan inte vara efter avtalsperiodens slut."]
    if errors:
        raise ValidationFailed("Överenskommelsen är inte rätt ifylld.", fields=errors)


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
        raise ValidationFailed("Fel utförare.", fields={"programme_unit": ["Utföraren hör inte till förbundet."]})
    if budget_line is not None and budget_line.budget.forbund_id != forbund.pk:
        raise ValidationFailed("Fel budgetpost.", fields={"budget_line": ["Budgetposten hör inte till förbundet."]})
    if max_amount is None and budget_line is not None:
        max_amount = budget_line.amount
    if places is None and budget_line is not None:
        places = budget_line.places
    errors: dict[str, list[str]] = {}
    if max_amount is None:
        errors["max_amount"] = ["Ange avtalad summa eller välj en budgetpost med belopp."]
    if places is None:
        errors["places"] = ["Ange antal platser eller välj en budgetpost med platser."]
    if errors:
        raise ValidationFailed("Överenskommelsen är inte rätt ifylld.", fields=errors)
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
            _audit(
                actor,
                AuditAction.AGREEMENT_CHANGE,
                object_type="agreement",
                object_id=str(agreement.pk),
                context=context,
                details={"year": year, "max_amount": max_amount, "places": places},
            )
    except IntegrityError as exc:
        raise Conflict(
            "Utföraren har redan en överenskommelse det året.",
            fields={"programme_unit": ["Utföraren har redan en överenskommelse det året."]},
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
                    "Summan kan inte ändras när en faktura redan är skickad.",
                    fields={
                        "max_amount": ["En faktura är redan skickad; gör en ny överenskommelse eller en kreditering."]
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
        _audit(
            actor,
            AuditAction.AGREEMENT_CHANGE,
            object_type="agreement",
            object_id=str(agreement.pk),
            context=context,
            details={"max_amount": max_amount, "places": places},
        )
    return agreement


def invoice_mark(
    *,
    actor: User | None,
    invoice: Invoice,
    status: str,
    on_date: datetime.date,
    context: AuditContext | None = None,
) -> Invoice:
    """to send → sent (with the date sent) → paid (with the date paid, not before it was sent)."""
    require_economy_access(actor, invoice.agreement.forbund)
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if status == InvoiceStatus.SENT and invoice.status == InvoiceStatus.TO_SEND:
            invoice.sent_on = on_date
        elif status == InvoiceStatus.PAID and invoice.status == InvoiceStatus.SENT:
            if invoice.sent_on and on_date < invoice.sent_on:
                raise ValidationFailed(
                    "Fel datum.", fields={"on_date": ["Betald kan inte vara före den dag fakturan skickades."]}
                )
            invoice.paid_on = on_date
        else:
            current = InvoiceStatus(invoice.status).label
            raise Conflict(f"Fakturan är {str(current).lower()} och kan inte markeras så.")
        invoice.status = status
        invoice.save()
        _audit(
            actor,
            AuditAction.INVOICE_CHANGE,
            object_type="invoice",
            object_id=str(invoice.pk),
            context=context,
            details={"status": status, "date": on_date.isoformat()},
        )
    return invoice


def budget_load(*, actor: User | None, name: str, context: AuditContext | None = None) -> Budget:
    """Load a budget shipped as data (apps/forbund/data/<name>.json), e.g. the plan for 2023."""
    import json
    from pathlib import Path

    path = Path(__file__).parent / "data" / f"{name}.json"
    if not path.is_file():
        raise ValidationFailed(f"Det finns ingen budget som heter {name}.")
    data = json.loads(path.read_text(encoding="utf-8"))
    forbund = Organisation.objects.get(slug=data["forbund"], kind=OrganisationKind.FORBUND)
    with transaction.atomic():
        budget = budget_create(
            actor=actor,
            forbund=forbund,
            year=data["year"],
            state_allocation=data["state_allocation"],
            allocation_note=data.get("allocation_note", ""),
            context=context,
        )
        for line in data["lines"]:
            budget_line_add(
                actor=actor,
                budget=budget,
                group=line["group"],
                label=line["label"],
                amount=line.get("amount"),
                places=line.get("places"),
                executor=Organisation.objects.get(slug=line["executor"]) if line.get("executor") else None,
                context=context,
            )
    return budget


def forbund_threshold_set(*, actor: User | None, forbund: Organisation, threshold: int | None) -> Organisation:
    """The förbund's own smallest count shown outside a municipality (None: the deployment's).
    It applies to periods released from now on; what was released keeps the threshold it had."""
    if forbund.kind != OrganisationKind.FORBUND:
        raise ValidationFailed("Bara ett samordningsförbund har en egen tröskel.")
    if threshold is not None and not 2 <= threshold <= 50:
        raise ValidationFailed("Tröskeln måste vara ett heltal mellan 2 och 50.", fields={"threshold": ["Ange 2–50."]})
    with transaction.atomic():
        Organisation.objects.filter(pk=forbund.pk).update(suppression_threshold=threshold)
        audit_record(
            actor=actor,
            action=AuditAction.AGREEMENT_CHANGE,
            object_type="forbund",
            object_id=forbund.slug,
            details={"suppression_threshold": threshold},
        )
    forbund.refresh_from_db()
    return forbund
