"""Writes of the förbund's budget: a year's budget, its lines and populations, the copy to the
following year and the budgets shipped as data. Each runs in a transaction that also writes its
audit row."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.organisations.models import Organisation, OrganisationKind
from apps.organisations.selectors import municipalities_in
from insyn.errors import Conflict, FieldProblems, ValidationFailed

from ..models import Budget, BudgetGroup, BudgetLine, BudgetPopulation
from .common import audit, check_year, require_economy_access


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
    check_year(year)
    members = municipalities_in(forbund)
    missing = [m.name for m in members if not m.population]
    if not members or missing:
        raise ValidationFailed(
            _("Folkmängd saknas."),
            fields={
                "state_allocation": [
                    _("Folkmängd saknas för %(names)s.") % {"names": ", ".join(missing) or _("medlemskommunerna")}
                ]
            },
        )
    dates = {m.population_date for m in members}
    population_date = next(iter(dates))
    if population_date is None or len(dates) != 1:
        raise ValidationFailed(
            _("Folkmängden har olika referensdagar."),
            fields={"state_allocation": [_("Alla kommuners folkmängd måste avse samma referensdag.")]},
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
            audit(
                actor,
                AuditAction.BUDGET_CHANGE,
                object_type="budget",
                object_id=str(budget.pk),
                context=context,
                details={"year": year, "state_allocation": state_allocation},
            )
    except IntegrityError as exc:
        raise Conflict(
            _("Det finns redan en budget för %(year)s.") % {"year": year},
            fields={"year": [_("Året har redan en budget.")]},
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
        audit(
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
    errors = FieldProblems(
        {
            f"population_{row.municipality_id}": [
                _("Ange folkmängden i %(municipality)s (ett heltal större än 0).")
                % {"municipality": row.municipality.name}
            ]
            for row in rows
            if not isinstance(populations.get(row.municipality_id), int) or populations[row.municipality_id] <= 0
        }
    )
    errors.raise_if_any(_("Folkmängden är ofullständig."))
    with transaction.atomic():
        for row in rows:
            row.population = populations[row.municipality_id]
            row.save(update_fields=["population"])
        budget.population_date = population_date
        budget.save(update_fields=["population_date", "updated_at"])
        audit(
            actor,
            AuditAction.BUDGET_CHANGE,
            object_type="budget",
            object_id=str(budget.pk),
            context=context,
            details={"population_date": population_date.isoformat()},
        )
    return budget


def _validate_line(group: str, places: int | None, executor: Organisation | None) -> None:
    errors = FieldProblems()
    if group not in BudgetGroup.values:
        errors["group"] = [_("Välj en grupp.")]
    elif group != BudgetGroup.INDIVIDUAL:
        if places is not None:
            errors["places"] = [_("Platser anges bara för individinriktade insatser.")]
        if executor is not None:
            errors["executor"] = [_("Utförare anges bara för individinriktade insatser.")]
    if executor is not None and executor.kind != OrganisationKind.EXECUTOR_UNIT:
        errors["executor"] = [_("Välj en utförare.")]
    errors.raise_if_any(_("Budgetposten är inte rätt ifylld."))


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
        raise ValidationFailed(_("Posten saknar namn."), fields={"label": [_("Ange vad posten avser.")]})
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
        audit(
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
        audit(
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


def budget_load(*, actor: User | None, name: str, context: AuditContext | None = None) -> Budget:
    """Load a budget shipped as data (apps/forbund/data/<name>.json), e.g. the plan for 2023."""
    import json
    from pathlib import Path

    path = Path(__file__).parent.parent / "data" / f"{name}.json"
    if not path.is_file():
        raise ValidationFailed(_("Det finns ingen budget som heter %(name)s.") % {"name": name})
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
