"""Permission-aware reads of the förbund's budget, agreements and invoices: only the office of
the förbund (a förbund-level grant with the economy permission) reaches them."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import forbunds_with
from apps.organisations.models import Organisation

from .models import Agreement, Budget, BudgetLine, Invoice


def economy_forbunds(user: User) -> list[Organisation]:
    return forbunds_with(user, Permission.FORBUND_ECONOMY_MANAGE)


def budgets_for_user(user: User) -> QuerySet[Budget]:
    return Budget.objects.filter(forbund__in=economy_forbunds(user)).select_related("forbund")


def get_budget_for_user(user: User, budget_id: int) -> Budget:
    try:
        return budgets_for_user(user).get(pk=budget_id)
    except Budget.DoesNotExist as exc:
        raise Http404(_("Budgeten finns inte.")) from exc


def get_budget_line_for_user(user: User, budget: Budget, line_id: int) -> BudgetLine:
    try:
        return BudgetLine.objects.get(budget=budget, pk=line_id)
    except BudgetLine.DoesNotExist as exc:
        raise Http404(_("Budgetposten finns inte.")) from exc


def agreements_for_user(user: User) -> QuerySet[Agreement]:
    return Agreement.objects.filter(forbund__in=economy_forbunds(user)).select_related(
        "forbund", "programme_unit__unit__parent", "programme_unit__programme"
    )


def get_agreement_for_user(user: User, agreement_id: int) -> Agreement:
    try:
        return agreements_for_user(user).get(pk=agreement_id)
    except Agreement.DoesNotExist as exc:
        raise Http404(_("Överenskommelsen finns inte.")) from exc


def get_invoice_for_user(user: User, invoice_id: int) -> Invoice:
    try:
        return Invoice.objects.select_related(
            "agreement__forbund", "agreement__programme_unit__unit__parent", "agreement__programme_unit__programme"
        ).get(agreement__forbund__in=economy_forbunds(user), pk=invoice_id)
    except Invoice.DoesNotExist as exc:
        raise Http404(_("Fakturan finns inte.")) from exc
