"""What the förbund's services share: the economy access check, the audit row and the year check."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.organisations.models import Organisation
from insyn.errors import NotPermitted, ValidationFailed

from ..selectors import economy_forbunds


def require_economy_access(actor: User | None, forbund: Organisation) -> None:
    if actor is not None and forbund not in economy_forbunds(actor):
        raise NotPermitted(_("Du får inte hantera förbundets ekonomi."))


def audit(
    actor: User | None,
    action: AuditAction,
    *,
    object_type: str,
    object_id: str,
    context: AuditContext | None,
    details: dict[str, Any] | None = None,
) -> None:
    audit_record(
        actor=actor, action=action, context=context, object_type=object_type, object_id=object_id, details=details
    )


def check_year(year: int) -> None:
    if not 2004 <= year <= 2100:
        raise ValidationFailed(_("Fel år."), fields={"year": [_("Ange ett år mellan 2004 och 2100.")]})
