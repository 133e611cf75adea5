"""How the audit log names this app's objects (registered in YearendConfig.ready)."""

from __future__ import annotations

from apps.audit.naming import register_labeller

from .models import YearReport


def reports(pks: list[int]) -> dict[int, str]:
    return {report.pk: str(report) for report in YearReport.objects.filter(pk__in=pks).select_related("namnd")}


def register() -> None:
    register_labeller("year_report", reports)
