from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AuditEvent


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
    return _(" av %(user)s kl. %(time)s") % {"user": event.actor_username or _("systemet"), "time": f"{when:%H:%M}"}
