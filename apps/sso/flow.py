"""The end of every sign-on, whatever the protocol: who the verified identifier belongs to,
whether they may come in, the session, and whether Insyn still asks for its own code."""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.selectors import requires_second_factor
from apps.audit.context import audit_context

from .errors import SignOnRefused
from .models import IdentityProvider
from .selectors import linked_user, sign_on_permitted
from .services import roles_from_groups_sync, sign_on_refusal_record, sign_on_success_record

# Sessions made by sign-on load their user through Django's model backend, like password ones.
SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


def next_target(request: HttpRequest) -> str:
    """Where the person goes after signing on: a safe ?next= or the start page."""
    candidate = request.GET.get("next", "")
    safe = candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if safe else reverse("home:start")


def refused(
    request: HttpRequest, provider: IdentityProvider, refusal: SignOnRefused, *, subject: str = ""
) -> HttpResponse:
    sign_on_refusal_record(
        provider=provider,
        reason=refusal.reason,
        context=audit_context(request),
        username=refusal.username,
        subject=subject,
    )
    return render(request, "sso/refused.html", {"message": refusal.message, "provider": provider}, status=403)


def sign_on_finish(
    request: HttpRequest,
    provider: IdentityProvider,
    *,
    subject: str,
    multi_factor: bool,
    groups: list[str],
    target: str,
) -> HttpResponse:
    context = audit_context(request)
    try:
        user = linked_user(provider, subject)
        roles_from_groups_sync(user=user, provider=provider, groups=groups, context=context)
        sign_on_permitted(provider, user)
    except SignOnRefused as refusal:
        return refused(request, provider, refusal, subject=subject)
    target = target if target.startswith("/") and not target.startswith("//") else reverse("home:start")
    # A new session id (login cycles it) and a new CSRF secret: nothing learnt before counts after.
    login(request, user, backend=SESSION_BACKEND)
    rotate_token(request)
    device = sign_on_success_record(user=user, provider=provider, multi_factor=multi_factor, context=context)
    if device is not None:
        otp_login(request, device)
        return redirect(target)
    if requires_second_factor(user):
        step = "accounts:otp" if TOTPDevice.objects.filter(user=user, confirmed=True).exists() else "accounts:otp_enrol"
        return redirect(f"{reverse(step)}?{urlencode({'next': target})}")
    return redirect(target)
