"""How the audit log names this app's objects (registered in ForbundConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from apps.audit.naming import register_labeller

from .models import Agreement, Budget, BudgetLine, Invoice


def agreements(pks: list[int]) -> dict[int, str]:
    rows = Agreement.objects.filter(pk__in=pks).values_list("pk", "year", "programme_unit__unit__name")
    return {pk: f"{year}, {name}" for pk, year, name in rows}


def invoices(pks: list[int]) -> dict[int, str]:
    rows = Invoice.objects.filter(pk__in=pks).values_list(
        "pk", "tertial", "agreement__year", "agreement__programme_unit__unit__name"
    )
    return {
        pk: _("tertial %(tertial)s %(year)s, %(name)s") % {"tertial": tertial, "year": year, "name": name}
        for pk, tertial, year, name in rows
    }


def budgets(pks: list[int]) -> dict[int, str]:
    rows = Budget.objects.filter(pk__in=pks).values_list("pk", "year", "forbund__name")
    return {pk: f"{year}, {name}" for pk, year, name in rows}


def budget_lines(pks: list[int]) -> dict[int, str]:
    rows = BudgetLine.objects.filter(pk__in=pks).values_list("pk", "label", "budget__year")
    return {pk: _("%(label)s (budget %(year)s)") % {"label": label, "year": year} for pk, label, year in rows}


def register() -> None:
    register_labeller("agreement", agreements)
    register_labeller("invoice", invoices)
    register_labeller("budget", budgets)
    register_labeller("budget_line", budget_lines)
