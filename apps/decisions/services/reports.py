"""Quarterly reports: the draft computed as of a date, the submitted (frozen) report, and the log
of who was shown or given one."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.organisations.models import Organisation
from apps.people.models import Person
from insyn.errors import Conflict, ValidationFailed
from lib.batching import batched
from lib.quarters import Quarter

from ..computation import compute_report, report_row_from
from ..council import council_hidden_of
from ..models import QuarterlyReport, ReportRow, ReportStatus
from .common import audit_report, local_today, register_lock, require_municipality


def _check_report_order(municipality: Organisation, quarter: Quarter) -> None:
    later = (
        QuarterlyReport.objects.filter(municipality=municipality, status=ReportStatus.SUBMITTED)
        .filter(year__gt=quarter.year)
        .exists()
        or QuarterlyReport.objects.filter(
            municipality=municipality, status=ReportStatus.SUBMITTED, year=quarter.year, quarter__gt=quarter.number
        ).exists()
    )
    if later:
        raise Conflict(
            _(
                "En rapport för ett senare kvartal än %(quarter)s är redan inlämnad; "
                "rättelser görs i nästa kvartals rapport."
            )
            % {"quarter": quarter}
        )


def _store_rows(report: QuarterlyReport, quarter: Quarter) -> None:
    from ..ivo import ivo_codes_assign

    rows = compute_report(report.municipality, quarter, report.as_of)
    # Every person in the report gets IVO's identifier now, kept for every later report.
    person_ids = sorted({c.decision.person_id for c in rows})
    people = [person for chunk in batched(person_ids, 500) for person in Person.objects.filter(pk__in=chunk)]
    ivo_codes_assign(municipality=report.municipality, people=people)
    ReportRow.objects.bulk_create(
        [report_row_from(computed, position, report) for position, computed in enumerate(rows, start=1)]
    )


def report_prepare(
    *,
    actor: User | None,
    municipality: Organisation,
    quarter: Quarter,
    as_of: datetime.date,
    context: AuditContext | None = None,
    today: datetime.date | None = None,
) -> QuarterlyReport:
    """Create the draft report for a quarter, or recompute the existing draft as of `as_of`."""
    require_municipality(actor, municipality)
    if as_of < quarter.last_day:
        raise ValidationFailed(
            _("Rapporten kunde inte tas fram."),
            fields={
                "as_of": [
                    _("Rapporteringstillfället kan inte ligga före kvartalets sista dag (%(day)s).")
                    % {"day": quarter.last_day}
                ]
            },
        )
    if as_of > (today or local_today()):
        raise ValidationFailed(
            _("Rapporten kunde inte tas fram."), fields={"as_of": [_("Datumet kan inte ligga i framtiden.")]}
        )
    _check_report_order(municipality, quarter)
    with transaction.atomic():
        report = (
            QuarterlyReport.objects.select_for_update()
            .filter(municipality=municipality, year=quarter.year, quarter=quarter.number)
            .first()
        )
        if report is not None and report.is_submitted:
            raise Conflict(_("Rapporten för %(quarter)s är redan inlämnad och kan inte ändras.") % {"quarter": quarter})
        if report is None:
            report = QuarterlyReport.objects.create(
                municipality=municipality,
                year=quarter.year,
                quarter=quarter.number,
                as_of=as_of,
                computed_at=timezone.now(),
            )
        else:
            report.rows.all().delete()
            report.as_of = as_of
            report.computed_at = timezone.now()
            report.save(update_fields=["as_of", "computed_at"])
        _store_rows(report, quarter)
        audit_report(
            actor,
            AuditAction.REPORT_COMPUTE,
            report,
            context,
            {"quarter": str(quarter), "as_of": as_of.isoformat()},
            municipality=municipality,
        )
    return report


def report_submit(
    *,
    actor: User | None,
    report: QuarterlyReport,
    context: AuditContext | None = None,
    submitted_at: datetime.datetime | None = None,
) -> QuarterlyReport:
    """Recompute the draft one last time and freeze it. Who and when goes to the audit log.
    `submitted_at` (default now) lets a loaded history, such as the demo's, keep its own dates;
    the frozen row cannot be changed afterwards."""
    require_municipality(actor, report.municipality)
    if report.is_submitted:
        raise Conflict(_("Rapporten är redan inlämnad."))
    quarter = Quarter(report.year, report.quarter)
    _check_report_order(report.municipality, quarter)
    with transaction.atomic():
        # Waits for open writes to the register, so the next report can trust submitted_at.
        register_lock(report.municipality, submitting=True)
        report.rows.all().delete()
        _store_rows(report, quarter)
        # What the council's table hides is decided now, with every table published before it,
        # and kept: later tables are protected together with it.
        report.council_hidden = council_hidden_of(report)
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = submitted_at or timezone.now()
        report.submitted_by = actor
        report.computed_at = report.submitted_at
        report.save()
        audit_report(
            actor,
            AuditAction.REPORT_SUBMIT,
            report,
            context,
            {"quarter": str(quarter), "as_of": report.as_of.isoformat(), "rows": report.rows.count()},
        )
    return report


def report_access_record(
    *,
    actor: User,
    report: QuarterlyReport,
    action: AuditAction,
    context: AuditContext | None = None,
    details: dict[str, object] | None = None,
) -> None:
    """Log that `actor` was shown or given a report (or IVO's individual data from it)."""
    audit_report(actor, action, report, context, details or {})
