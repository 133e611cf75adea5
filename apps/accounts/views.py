from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.access import page
from apps.audit.context import audit_context
from apps.audit.models import AuditAction

from .access import current_user
from .forms import ApiTokenFilterForm, LoginForm, TokenForm
from .models import User
from .roles import Permission
from .selectors import (
    api_tokens_for_user,
    api_tokens_of,
    get_api_token_for_user,
    may_manage_every_api_token,
    second_factor_pending,
)
from .services import (
    api_token_revoke,
    sign_in_event_record,
    totp_device_confirm,
    totp_device_start_enrolment,
    user_set_language,
)
from .services_admin import user_session_rekey

GENERIC_LOGIN_ERROR = gettext_lazy("Fel användarnamn eller lösenord.")


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home:start")


def _after_password(request: HttpRequest, user: User) -> HttpResponse:
    if second_factor_pending(user):
        target = (
            "accounts:otp" if TOTPDevice.objects.filter(user=user, confirmed=True).exists() else "accounts:otp_enrol"
        )
        return redirect(f"{reverse(target)}?next={_next_url(request)}")
    return redirect(_next_url(request))


def login_username(typed: str) -> str:
    """The username as stored, found case-insensitively: usernames are ASCII and unique without
    regard to case (services_admin.username_problems, services.user_create), as the administration
    treats them. django-axes then counts failures and locks by this one spelling, so
    "Handlaggare.Alingsas" and "handlaggare.alingsas" share one lockout. A name that matches no
    account is lower-cased for the same reason."""
    typed = typed.strip()
    found = list(User.objects.filter(username__iexact=typed).values_list("username", flat=True)[:2])
    if len(found) == 1:
        return found[0]
    return typed if typed in found else typed.lower()


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = login_username(form.cleaned_data["username"])
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            locked = bool(getattr(request, "axes_locked_out", False))
            sign_in_event_record(
                action=AuditAction.LOGIN_LOCKED if locked else AuditAction.LOGIN_FAILURE,
                context=audit_context(request),
                username=username,
            )
            form.add_error(None, GENERIC_LOGIN_ERROR)
        else:
            assert isinstance(user, User)
            login(request, user)
            sign_in_event_record(action=AuditAction.LOGIN_SUCCESS, context=audit_context(request), user=user)
            return _after_password(request, user)
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


def locked_out(
    request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """Called by django-axes instead of the login page once an account is locked."""
    form = LoginForm(request.POST or None)
    form.is_valid()
    form.add_error(
        None,
        # The neutral contact: naming a local administrator here would tell a stranger that the
        # typed username exists and where.
        _(
            "För många misslyckade inloggningar. Kontot är spärrat en stund; försök igen senare. "
            "Brådskar det, kontakta den som administrerar Insyn i din kommun."
        ),
    )
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)}, status=429)


def _second_factor_given(request: HttpRequest, device: TOTPDevice) -> None:
    """Mark the session verified and give it a new id (and CSRF secret), keeping its data: an id
    someone learnt or planted before the second factor is worth nothing after it."""
    otp_login(request, device)
    old_key = request.session.session_key or ""
    request.session.cycle_key()
    user_session_rekey(old_key=old_key, new_key=request.session.session_key or "")
    rotate_token(request)


def _pending_user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


@never_cache
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect(reverse("accounts:login"))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect(f"{reverse('accounts:otp_enrol')}?next={_next_url(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            _second_factor_given(request, device)
            sign_in_event_record(action=AuditAction.OTP_SUCCESS, context=audit_context(request), user=user)
            return redirect(_next_url(request))
        sign_in_event_record(action=AuditAction.OTP_FAILURE, context=audit_context(request), user=user)
        form.add_error("token", _("Koden stämmer inte. Vänta på nästa kod och försök igen."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
def otp_enrol(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect(reverse("accounts:login"))
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        # Replacing a confirmed factor is an administrator's task, never self-service before login.
        return redirect(f"{reverse('accounts:otp')}?next={_next_url(request)}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = totp_device_start_enrolment(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_device_confirm(device=device, token=form.cleaned_data["token"], context=audit_context(request)):
            _second_factor_given(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("Koden stämmer inte. Kontrollera att klockan i telefonen går rätt och försök igen."))
    secret = _base32_secret(device)
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("QR-kod för autentiseringsappen"))
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "next": _next_url(request),
        },
    )


def _base32_secret(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is not None:
        sign_in_event_record(action=AuditAction.LOGOUT, context=audit_context(request), user=user)
    logout(request)
    return redirect(reverse("accounts:login"))


API_TOKEN_PAGE_SIZE = 100


def _back_to_token_list(request: HttpRequest) -> str:
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("accounts:api_tokens")


@page()
def api_token_list(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens."""
    user = current_user(request)
    return render(
        request,
        "accounts/api_tokens.html",
        {"tokens": api_tokens_of(user), "may_manage_all": may_manage_every_api_token(user)},
    )


@page(Permission.USERS_MANAGE)
def api_token_list_all(request: HttpRequest) -> HttpResponse:
    """Every user's API tokens, for the system administrator, optionally for one username."""
    user = current_user(request)
    form = ApiTokenFilterForm(request.GET or None)
    username = form.cleaned_data["anvandare"].strip() if form.is_valid() else ""
    tokens = api_tokens_for_user(user, username=username) if form.is_valid() or not request.GET else None
    page_obj = Paginator(tokens, API_TOKEN_PAGE_SIZE).get_page(request.GET.get("sida")) if tokens is not None else None
    return render(request, "accounts/api_tokens_all.html", {"form": form, "page_obj": page_obj, "username": username})


@page()
def api_token_revoke_view(request: HttpRequest, token_key: str) -> HttpResponse:
    user = current_user(request)
    # The token first: someone it does not belong to gets 404 whatever the method.
    token = get_api_token_for_user(user, token_key)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    api_token_revoke(token=token, actor=user, context=audit_context(request))
    messages.success(request, _("API-nyckeln %(key)s är återkallad.") % {"key": token.token_key})
    return redirect(_back_to_token_list(request))


@require_POST
def language_choose(request: HttpRequest) -> HttpResponse:
    """The language switch in the header: Django's own view sets the cookie and returns to the
    page; a logged-in person's choice is also kept on their account."""
    from django.views.i18n import set_language

    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_set_language(user=current_user(request), language=language)
    return response
