"""The förbund's own suppression threshold for what it is shown outside a municipality."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.organisations.models import Organisation, OrganisationKind
from insyn.errors import ValidationFailed


def forbund_threshold_set(*, actor: User | None, forbund: Organisation, threshold: int | None) -> Organisation:
    """The förbund's own smallest count shown outside a municipality (None: the deployment's).
    It applies to periods released from now on; what was released keeps the threshold it had."""
    if forbund.kind != OrganisationKind.FORBUND:
        raise ValidationFailed(_("Bara ett samordningsförbund har en egen tröskel."))
    if threshold is not None and not 2 <= threshold <= 50:
        raise ValidationFailed(
            _("Tröskeln måste vara ett heltal mellan 2 och 50."), fields={"threshold": [_("Ange 2–50.")]}
        )
    with transaction.atomic():
        Organisation.objects.filter(pk=forbund.pk).update(suppression_threshold=threshold)
        audit_record(
            actor=actor,
            action=AuditAction.AGREEMENT_CHANGE,
            object_type="forbund",
            object_id=forbund.slug,
            details={"suppression_threshold": threshold},
        )
    forbund.refresh_from_db()
    return forbund
