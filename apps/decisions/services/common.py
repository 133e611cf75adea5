"""What the decision register's services share (and minutes.py and ivo.py with them): today's
date, the check that the actor may work in the municipality, and the audit rows of a decision and
of a quarterly report."""

from __future__ import annotations

import datetime

from django.db import connection
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


def register_lock(municipality: Organisation, *, submitting: bool = False) -> None:
    """Order writes to the register against the submission of a quarterly report, inside the
    caller's transaction.

    A later report reuses a submitted one and looks again only at what was registered or changed
    after its submission time (apps.decisions.computation). A write still open when the report was
    computed, such as a long import, would carry earlier timestamps and be missed. So every write
    of decisions and their events holds a shared lock on the municipality's row until it commits,
    and the submission takes it exclusively before it computes: it waits for the open writes and
    the writes after it wait for it, so their timestamps come after its own. (FOR SHARE against FOR
    NO KEY UPDATE: writers do not wait for each other, nor do the foreign-key checks of other
    tables.) SQLite lets one transaction write at a time and the submission writes first."""
    if connection.vendor != "postgresql":
        return
    mode = "NO KEY UPDATE" if submitting else "SHARE"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {Organisation._meta.db_table} WHERE id = %s FOR {mode}",  # noqa: S608 - fixed names
            [municipality.pk],
        )


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
