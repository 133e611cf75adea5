"""What the decision register's services share (and minutes.py and ivo.py with them): today's
date, the check that the actor may work in the municipality, and the audit rows of a decision and
of a quarterly report."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import municipalities_with
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.organisations.models import Organisation
from insyn.errors import NotPermitted

from ..models import Decision, QuarterlyReport

NOT_PERMITTED = gettext_lazy("Du får inte registrera beslut i den kommunen.")


def local_today() -> datetime.date:
    return timezone.localdate()


def require_municipality(
    actor: User | None,
    municipality: Organisation,
    permission: Permission = Permission.DECISION_MANAGE,
    *,
    refusal: StrOrPromise = NOT_PERMITTED,
) -> None:
    """Refuse (NotPermitted, with `refusal`) an actor without `permission` in the municipality;
    no actor (the command line, the demo) may do anything."""
    if actor is not None and municipality not in municipalities_with(actor, permission):
        raise NotPermitted(str(refusal))


def audit_decision(
    actor: User | None, action: AuditAction, decision: Decision, context: AuditContext | None, **details: object
) -> None:
    audit_record(
        actor=actor,
        action=action,
        context=context,
        object_type="decision",
        object_id=str(decision.pk),
        person_code=decision.person.code,
        municipality_slug=decision.municipality.slug,
        details={"reference": decision.reference, **details},
    )


def audit_report(
    actor: User | None,
    action: AuditAction,
    report: QuarterlyReport,
    context: AuditContext | None,
    details: dict[str, object],
    *,
    municipality: Organisation | None = None,
) -> None:
    """The audit row of a quarterly report. `municipality`: the report's, when the caller has it
    at hand (saves loading it again)."""
    audit_record(
        actor=actor,
        action=action,
        context=context,
        object_type="quarterly_report",
        object_id=str(report.pk),
        municipality_slug=(municipality or report.municipality).slug,
        details=details,
    )
