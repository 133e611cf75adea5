"""What the year-end services share: finding the nämnd, the check that the actor may work in its
municipality, and the audit row."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import municipalities_with
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.core.text_guard import OutgoingTextRefused, guard_outgoing_text
from apps.organisations.models import Organisation, OrganisationKind
from insyn.errors import FieldProblems, NotPermitted, ValidationFailed
from lib.swedish import quoted

NOT_PERMITTED = gettext_lazy("Du får inte arbeta med den nämndens årsbokslut.")


def namnd_by_slug(slug: str) -> Organisation:
    namnd = (
        Organisation.objects.filter(slug=slug, kind=OrganisationKind.SOCIAL_COMMITTEE).select_related("parent").first()
    )
    if namnd is None:
        known = ", ".join(
            Organisation.objects.filter(kind=OrganisationKind.SOCIAL_COMMITTEE)
            .order_by("slug")
            .values_list("slug", flat=True)
        )
        raise ValidationFailed(
            _("Det finns ingen nämnd med kortnamnet %(slug)s. Kända nämnder: %(known)s.")
            % {"slug": quoted(slug), "known": known or _("inga")}
        )
    return namnd


def require_namnd(actor: User | None, namnd: Organisation, permission: Permission = Permission.YEAREND_EDIT) -> None:
    """Refuse an actor without `permission` in the nämnd's municipality; no actor (the command
    line, the demo) may do anything."""
    if actor is not None and namnd.parent not in municipalities_with(actor, permission):
        raise NotPermitted(str(NOT_PERMITTED))


def audit_yearend(
    *,
    actor: User | None,
    action: AuditAction,
    namnd: Organisation,
    object_type: str,
    object_id: object,
    context: AuditContext | None,
    **details: object,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        context=context,
        object_type=object_type,
        object_id=str(object_id),
        municipality_slug=namnd.parent.slug if namnd.parent else "",
        details={"namnd": namnd.slug, **details},
    )


def guard_published_text(problems: FieldProblems, fields: dict[str, str]) -> None:
    """The årsbokslut is published: refuse personal data (personnummer, phone numbers, e-mail
    addresses) in any of its texts, field by field, in the same round as the caller's own checks.
    Likely names are checked with the user's confirmation on the report's long texts
    (services/editing.py); plan rows such as a control point or a provider name officials and
    agreements by design, so names are not asked about there."""
    try:
        guard_outgoing_text(fields, names_confirmed=True)
    except OutgoingTextRefused as refused:
        for field, messages in refused.fields.items():
            for message in messages:
                problems.add(field, message)
