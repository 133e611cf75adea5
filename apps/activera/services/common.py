"""What the participant follow-up's services share: the unit's municipality and access to it,
the audit row, field problems."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import municipalities_with
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.organisations.models import Organisation
from apps.organisations.selectors import municipality_of
from insyn.errors import FieldProblems, NotPermitted

from ..models import (
    Enrolment,
    ProgrammeUnit,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PUBLIC_FORM_LIMIT_PER_HOUR = 5


def _today() -> datetime.date:
    return timezone.localdate()


def _errors(problems: list[Any]) -> FieldProblems:
    """The rules' problems (lib.participation) collected by field."""
    fields = FieldProblems()
    for problem in problems:
        fields.add(problem.field, problem.message)
    return fields


def municipality_of_unit(programme_unit: ProgrammeUnit) -> Organisation:
    municipality = municipality_of(programme_unit.unit)
    assert municipality is not None
    return municipality


def require_unit_access(
    actor: User | None, programme_unit: ProgrammeUnit, permission: Permission = Permission.PARTICIPANT_MANAGE
) -> None:
    if actor is not None and municipality_of_unit(programme_unit) not in municipalities_with(actor, permission):
        raise NotPermitted(_("Du får inte arbeta med deltagare i den kommunen."))


def _audit_participant(
    actor: User | None,
    enrolment: Enrolment,
    object_type: str,
    object_id: object,
    *,
    context: AuditContext | None,
    action: AuditAction = AuditAction.PARTICIPANT_UPDATE,
    **details: object,
) -> None:
    """The audit row of a change to one participant: under the participant's code and municipality."""
    _audit(
        actor,
        action,
        unit=enrolment.programme_unit,
        object_type=object_type,
        object_id=str(object_id),
        code=enrolment.code,
        context=context,
        **details,
    )


def _audit(
    actor: User | None,
    action: AuditAction,
    *,
    unit: ProgrammeUnit,
    object_type: str,
    object_id: str,
    code: str = "",
    context: AuditContext | None = None,
    **details: object,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        context=context,
        object_type=object_type,
        object_id=object_id,
        person_code=code,
        municipality_slug=municipality_of_unit(unit).slug,
        details=details,
    )
