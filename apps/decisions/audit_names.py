"""How the audit log names this app's objects (registered in DecisionsConfig.ready)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from apps.audit.naming import register_code_labeller, register_labeller

from .models import Decision, DecisionType, LegalBasis, QuarterlyReport


def decisions(pks: list[int]) -> dict[int, str]:
    return dict(Decision.objects.filter(pk__in=pks).values_list("pk", "reference"))


def decision_types(pks: list[int]) -> dict[int, str]:
    return dict(DecisionType.objects.filter(pk__in=pks).values_list("pk", "name"))


def reports(pks: list[int]) -> dict[int, str]:
    rows = QuarterlyReport.objects.filter(pk__in=pks).values_list("pk", "year", "quarter", "municipality__name")
    return {
        pk: _("för kvartal %(quarter)s %(year)s, %(municipality)s")
        % {"quarter": quarter, "year": year, "municipality": name}
        for pk, year, quarter, name in rows
    }


def legal_bases(codes: set[str]) -> dict[str, str]:
    return dict(LegalBasis.objects.filter(code__in=codes).values_list("code", "label"))


def register() -> None:
    register_labeller("decision", decisions)
    register_labeller("decision_type", decision_types)
    register_labeller("quarterly_report", reports)
    register_code_labeller("legal_basis", legal_bases)
