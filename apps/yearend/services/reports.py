from __future__ import annotations

from django.db import transaction

from apps.accounts.models import User
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.organisations.models import Organisation

from ..models import Period, YearReport
from .common import audit_yearend, require_namnd


def year_report_ensure(
    *, actor: User | None, namnd: Organisation, year: int, period: str, context: AuditContext | None = None
) -> YearReport:
    """The nämnd's report of the year, created as a draft the first time it is asked for."""
    require_namnd(actor, namnd)
    period = Period(period).value
    with transaction.atomic():
        report, created = YearReport.objects.get_or_create(
            namnd=namnd,
            year=year,
            period=period,
            defaults={
                "diary_number": "",
                # The document's head is Swedish, as the årsbokslut (i18n: data).
                "document_type": (
                    "Redovisande dokument, delårsbokslut"  # i18n: data
                    if period == Period.INTERIM
                    else "Redovisande dokument, bokslut"  # i18n: data
                ),
            },
        )
        if created:
            audit_yearend(
                actor=actor,
                action=AuditAction.YEAREND_CHANGE,
                namnd=namnd,
                object_type="year_report",
                object_id=report.pk,
                context=context,
                change="created",
            )
    return report
