"""The organisation's switch for local passwords: a backend placed after django-axes and before
Django's model backend refuses the password login of a user whose organisation signs on only
through its identity provider."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from apps.accounts.models import User
from apps.audit.context import audit_context

from .selectors import provider_demanding_sign_on
from .services import sign_on_refusal_record

# Read by the login page (accounts/login.html) to say why the password was refused.
REFUSED_ATTRIBUTE = "sso_password_refused"


class LocalPasswordPolicyBackend:
    """Only refuses: no `get_user` or permission methods, so Django never picks it to load a
    session's user (force_login and login() take the first backend that has `get_user`)."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:
        if request is None or username is None:
            return None
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            return None
        provider = provider_demanding_sign_on(user)
        if provider is None:
            return None
        # Only someone who knows the password learns that the account signs on elsewhere: a wrong
        # password gets the model backend's usual answer, so usernames cannot be probed this way.
        if password is None or not user.check_password(password):
            return None
        sign_on_refusal_record(
            provider=provider,
            reason="local_password_disallowed",
            context=audit_context(request),
            username=user.get_username(),
        )
        setattr(request, REFUSED_ATTRIBUTE, provider)
        # PermissionDenied stops Django from trying the model backend after this one.
        raise PermissionDenied
