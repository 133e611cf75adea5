from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Permission
from apps.accounts.selectors import holds_forbund_wide, municipalities_with

from .models import AuditEvent


def audit_events_for_user(user: User) -> QuerySet[AuditEvent]:
    """Rows of the municipalities where the user may read the log; förbund-wide readers
    (system administrators of the förbund) also see rows tied to no municipality."""
    slugs = [org.slug for org in municipalities_with(user, Permission.AUDIT_VIEW)]
    condition = Q(municipality_slug__in=slugs)
    if holds_forbund_wide(user, Permission.AUDIT_VIEW):
        condition |= Q(municipality_slug="")
    return AuditEvent.objects.filter(condition)


def search_audit_events(
    user: User,
    *,
    person_code: str = "",
    username: str = "",
    action: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    events = audit_events_for_user(user)
    if person_code:
        # List and export rows name their people in details["codes"].
        events = events.filter(Q(person_code=person_code) | Q(details__icontains=f'"{person_code}"'))
    if username:
        events = events.filter(actor_username__iexact=username)
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(occurred_at__date__gte=date_from)
    if date_to:
        events = events.filter(occurred_at__date__lte=date_to)
    return events


def last_change_words(object_type: str, object_id: str) -> str:
    """Who last changed an object and when (\" av anna kl. 14:02\"), for an edit conflict's message."""
    event = (
        AuditEvent.objects.filter(object_type=object_type, object_id=object_id)
        .exclude(action__endswith=".view")
        .order_by("-occurred_at", "-id")
        .first()
    )
    if event is None:
        return ""
    when = timezone.localtime(event.occurred_at)
    return _(" av %(user)s kl. %(time)s") % {"user": event.actor_username or "systemet", "time": f"{when:%H:%M}"}
