"""Every login indexes its session (apps.accounts.models.UserSession), so an administrator can
list and end a user's sessions without decoding every session in the database."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from .models import User
from .services_admin import user_session_record


@receiver(user_logged_in, dispatch_uid="accounts_session_index")
def _index_session(*, request: HttpRequest | None, user: User, **_signal: Any) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.session_key is None:
        session.save()
    user_session_record(
        user=user,
        session_key=str(session.session_key),
        ip_address=request.META.get("REMOTE_ADDR") if request is not None else None,
        user_agent=request.META.get("HTTP_USER_AGENT", "") if request is not None else "",
    )
