"""Reads of personal data in the register: the audit rows of a decision and of a list of them
shown. The page and the API call the same function, so both log the same row."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from apps.accounts.models import User
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.organisations.models import Organisation

from ..models import Decision


def decision_view_record(*, actor: User, decision: Decision, context: AuditContext | None = None) -> None:
    """Log that `actor` was shown one decision."""
    audit_record(
        actor=actor,
        action=AuditAction.DECISION_VIEW,
        context=context,
        object_type="decision",
        object_id=str(decision.pk),
        person_code=decision.person.code,
        municipality_slug=decision.municipality.slug,
    )


def decision_list_record(
    *,
    actor: User,
    decisions: Sequence[Decision],
    context: AuditContext | None = None,
    per_municipality: bool = True,
) -> None:
    """Log that `actor` was shown a list of decisions (nothing when it is empty): one row per
    municipality touched with its people's codes, so each municipality's log holds what was shown of
    its own people. With `per_municipality=False` (the register's page) each row also names the
    page, "N beslut", N counting that municipality's decisions."""
    if not decisions:
        return
    by_municipality: dict[str, list[Decision]] = {}
    for decision in decisions:
        by_municipality.setdefault(decision.municipality.slug, []).append(decision)
    for slug, shown in by_municipality.items():
        audit_record(
            actor=actor,
            action=AuditAction.DECISION_LIST,
            context=context,
            object_type="decision",
            object_id="" if per_municipality else f"{len(shown)} beslut",  # i18n: data
            municipality_slug=slug,
            details={"codes": sorted({d.person.code for d in shown})},
        )


def report_preview_view_record(
    *,
    actor: User,
    municipality: Organisation,
    year: int,
    quarter: int,
    today: datetime.date,
    context: AuditContext | None = None,
) -> None:
    """Log that `actor` was shown the running quarter's preview, which names its people by code."""
    audit_record(
        actor=actor,
        action=AuditAction.REPORT_VIEW,
        context=context,
        object_type="quarterly_report_preview",
        object_id=f"{year}Q{quarter}",
        municipality_slug=municipality.slug,
        details={"preview": True, "as_of": today.isoformat()},
    )


def decision_export_record(
    *, actor: User, municipality: Organisation, codes: Sequence[str], count: int, context: AuditContext | None = None
) -> None:
    """Log that `actor` took the municipality's register out as a file, with every person's code."""
    audit_record(
        actor=actor,
        action=AuditAction.DECISION_EXPORT,
        context=context,
        object_type="decision",
        object_id=f"{count} beslut",  # i18n: data
        municipality_slug=municipality.slug,
        details={"codes": sorted(set(codes)), "format": "xlsx"},
    )
