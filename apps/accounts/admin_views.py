"""User administration pages: the list, a user's page, invitation, details, grants, and the
actions that need a confirmation first (deactivate, reset the second factor, revoke …). Every
page is gated by USERS_MANAGE and reaches users through get_user_for_admin (404 outside)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from apps.audit.context import audit_context
from apps.audit.models import AuditAction
from apps.core.forms import apply_domain_error, submit_form
from insyn.errors import InsynError

from . import services_admin as admin
from .access import current_user, page
from .admin_forms import AcceptInvitationForm, GrantForm, InviteForm, UserEditForm, UserSearchForm
from .admin_scope import (
    account_state_label,
    contact_advice,
    get_grant_for_admin,
    get_user_for_admin,
    invitation_by_token,
    is_locked_out,
    live_sessions_of,
    pending_invitation_of,
    search_managed_users,
    session_rows,
)
from .history import history_of
from .models import User
from .roles import Permission, Role
from .selectors import api_tokens_of
from .services import api_token_revoke

PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 100


def _detail(user: User) -> HttpResponse:
    return redirect(reverse("accounts:user_detail", kwargs={"username": user.username}))


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@page(Permission.USERS_MANAGE)
def user_list(request: HttpRequest) -> HttpResponse:
    actor = current_user(request)
    form = UserSearchForm(request.GET or None)
    query, status = "", ""
    if form.is_valid():
        query, status = form.cleaned_data["q"].strip(), form.cleaned_data["status"]
    active = {"aktiva": True, "inaktiva": False}.get(status)
    users = search_managed_users(actor, query=query, active=active)
    page_obj = Paginator(users, PAGE_SIZE).get_page(request.GET.get("sida"))
    admin.user_read_record(actor=actor, action=AuditAction.USER_LIST, context=audit_context(request), query=query)
    paging = request.GET.copy()
    paging.pop("sida", None)
    people = [(person, account_state_label(person)) for person in page_obj.object_list]
    return render(
        request,
        "accounts/admin/user_list.html",
        {"form": form, "page_obj": page_obj, "people": people, "paging": paging.urlencode()},
    )


@page(Permission.USERS_MANAGE)
def user_invite_view(request: HttpRequest) -> HttpResponse:
    actor = current_user(request)
    form = InviteForm(request.POST or None, actor=actor)
    if request.method == "POST":
        done = submit_form(
            form,
            lambda: admin.user_invite(
                actor=actor,
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                organisation=form.cleaned_data["organisation"],
                base_url=_base_url(request),
                context=audit_context(request),
            ),
        )
        if done.saved:
            user: User = done.value
            messages.success(request, _("Inbjudan till %(email)s är skickad.") % {"email": user.email})
            return _detail(user)
    return render(request, "accounts/admin/invite.html", {"form": form})


@page(Permission.USERS_MANAGE)
def user_detail(request: HttpRequest, username: str) -> HttpResponse:
    actor = current_user(request)
    user = get_user_for_admin(actor, username)
    admin.user_read_record(actor=actor, action=AuditAction.USER_VIEW, context=audit_context(request), user=user)
    return render(
        request,
        "accounts/admin/user_detail.html",
        {
            "subject": user,
            "grants": list(user.role_grants.all()),
            "sessions": session_rows(user),
            "status": account_state_label(user),
            "tokens": list(api_tokens_of(user)),
            "locked": is_locked_out(user),
            "invitation": pending_invitation_of(user),
            "has_password": user.has_usable_password(),
            "is_self": user.pk == actor.pk,
        },
    )


@page(Permission.USERS_MANAGE)
def user_edit(request: HttpRequest, username: str) -> HttpResponse:
    actor = current_user(request)
    user = get_user_for_admin(actor, username)
    initial = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email}
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST":
        done = submit_form(
            form,
            lambda: admin.user_update(actor=actor, user=user, context=audit_context(request), **form.cleaned_data),
        )
        if done.saved:
            messages.success(request, _("Uppgifterna är sparade."))
            return _detail(user)
    return render(request, "accounts/admin/user_edit.html", {"form": form, "subject": user})


@page(Permission.USERS_MANAGE)
def user_grant_add(request: HttpRequest, username: str) -> HttpResponse:
    actor = current_user(request)
    user = get_user_for_admin(actor, username)
    form = GrantForm(request.POST or None, actor=actor)
    if request.method == "POST":
        done = submit_form(
            form,
            lambda: admin.grant_give(
                actor=actor,
                user=user,
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
                valid_from=form.cleaned_data["valid_from"],
                valid_until=form.cleaned_data["valid_until"],
                context=audit_context(request),
            ),
        )
        if done.saved:
            messages.success(request, _("Rollen är tilldelad."))
            return _detail(user)
    return render(request, "accounts/admin/grant_form.html", {"form": form, "subject": user})


def _confirm(
    request: HttpRequest,
    user: User,
    *,
    title: str,
    question: str,
    button: str,
    done_message: str,
    action: Callable[[], Any],
    hidden: dict[str, str] | None = None,
) -> HttpResponse:
    """GET asks; POST does `action` and returns to the user's page (a domain error is shown on
    the confirmation page instead)."""
    errors: list[str] = []
    if request.method == "POST":
        try:
            action()
        except InsynError as error:
            errors = [error.message, *[m for ms in error.fields.values() for m in ms if m != error.message]]
        else:
            messages.success(request, done_message)
            return _detail(user)
    return render(
        request,
        "accounts/admin/confirm.html",
        {
            "subject": user,
            "title": title,
            "question": question,
            "button": button,
            "errors": errors,
            "hidden": hidden or {},
        },
        status=400 if errors else 200,
    )


@page(Permission.USERS_MANAGE)
def user_grant_revoke(request: HttpRequest, username: str, grant_id: int) -> HttpResponse:
    actor = current_user(request)
    user = get_user_for_admin(actor, username)
    grant = get_grant_for_admin(actor, grant_id)
    if grant.user_id != user.pk:
        raise Http404
    words = {"role": Role(grant.role).label, "org": grant.organisation.name, "user": user.username}
    return _confirm(
        request,
        user,
        title=_("Ta bort roll"),
        question=_("Ta bort rollen %(role)s i %(org)s från %(user)s?") % words,
        button=_("Ta bort rollen"),
        done_message=_("Rollen %(role)s i %(org)s är borttagen.") % words,
        action=lambda: admin.grant_take_away(actor=actor, grant=grant, context=audit_context(request)),
    )


ACTIONS: dict[str, dict[str, Any]] = {
    "deactivate": {
        "title": gettext_lazy("Inaktivera konto"),
        "question": gettext_lazy("Inaktivera %(user)s? Personen loggas ut överallt och alla API-nycklar återkallas."),
        "button": gettext_lazy("Inaktivera"),
        "done": gettext_lazy("%(user)s är inaktiverad."),
        "service": admin.user_deactivate,
    },
    "reactivate": {
        "title": gettext_lazy("Aktivera konto igen"),
        "question": gettext_lazy("Aktivera %(user)s igen? Rollerna gäller som förut."),
        "button": gettext_lazy("Aktivera"),
        "done": gettext_lazy("%(user)s är aktiv igen."),
        "service": admin.user_reactivate,
    },
    "otp_reset": {
        "title": gettext_lazy("Återställ andra faktorn"),
        "question": gettext_lazy(
            "Återställ andra faktorn för %(user)s? Personen loggas ut och kopplar en ny "
            "autentiseringsapp vid nästa inloggning."
        ),
        "button": gettext_lazy("Återställ"),
        "done": gettext_lazy("Andra faktorn för %(user)s är återställd."),
        "service": admin.user_second_factor_reset,
    },
    "lockout_release": {
        "title": gettext_lazy("Häv spärr"),
        "question": gettext_lazy("Häv inloggningsspärren för %(user)s och glöm de misslyckade försöken?"),
        "button": gettext_lazy("Häv spärren"),
        "done": gettext_lazy("Spärren för %(user)s är hävd."),
        "service": admin.user_lockout_release,
    },
}


def _user_action(request: HttpRequest, username: str, key: str) -> HttpResponse:
    actor = current_user(request)
    user = get_user_for_admin(actor, username)
    spec = ACTIONS[key]
    words = {"user": user.username}
    return _confirm(
        request,
        user,
        title=str(spec["title"]),
        question=str(spec["question"]) % words,
        button=str(spec["button"]),
        done_message=str(spec["done"]) % words,
        action=lambda: spec["service"](actor=actor, user=user, context=audit_context(request)),
    )


@page(Permission.USERS_MANAGE)
def user_deactivate_view(request: HttpRequest, username: str) -> HttpResponse:
    return _user_action(request, username, "deactivate")


@page(Permission.USERS_MANAGE)
def user_reactivate_view(request: HttpRequest, username: str) -> HttpResponse:
    return _user_action(request, username, "reactivate")


@page(Permission.USERS_MANAGE)
def user_otp_reset_view(request: HttpRequest, username: str) -> HttpResponse:
    return _user_action(request, username, "otp_reset")


@page(Permission.USERS_MANAGE)
def user_lockout_release_view(request: HttpRequest, username: str) -> HttpResponse:
    return _user_action(request, username, "lockout_release")


@page(Permission.USERS_MANAGE)
def user_invitation_resend_view(request: HttpRequest, username: str) -> HttpResponse:
    actor = current_user(request)
    user = get_user_for_admin(actor, username)
    if user.has_usable_password():
        # Nothing to confirm: the person has already chosen a password (and there is no
        # password reset by e-mail), so the page says so and offers no button.
        return render(
            request,
            "accounts/admin/confirm.html",
            {
                "subject": user,
                "title": _("Ny inbjudan behövs inte"),
                "question": _("%(user)s har redan valt lösenord; en ny inbjudan behövs inte.")
                % {"user": user.username},
                "button": None,
                "errors": [],
                "hidden": {},
            },
            status=409 if request.method == "POST" else 200,
        )
    return _confirm(
        request,
        user,
        title=_("Skicka ny inbjudan"),
        question=_("Skicka en ny inbjudan till %(email)s? Den tidigare länken slutar fungera.") % {"email": user.email},
        button=_("Skicka"),
        done_message=_("En ny inbjudan är skickad till %(email)s.") % {"email": user.email},
        action=lambda: admin.invitation_resend(
            actor=actor, user=user, base_url=_base_url(request), context=audit_context(request)
        ),
    )


@page(Permission.USERS_MANAGE)
def user_session_revoke_view(request: HttpRequest, username: str) -> HttpResponse:
    actor = current_user(request)
    user = get_user_for_admin(actor, username)
    raw = request.POST.get("session") or request.GET.get("session") or ""
    session = live_sessions_of(user).filter(pk=int(raw)).first() if raw.isdigit() else None
    if session is None:
        raise Http404
    started = f"{session.started_at:%Y-%m-%d %H:%M}"
    return _confirm(
        request,
        user,
        title=_("Avsluta session"),
        question=_("Logga ut %(user)s från sessionen som började %(when)s?") % {"user": user.username, "when": started},
        button=_("Avsluta sessionen"),
        done_message=_("Sessionen är avslutad."),
        action=lambda: admin.user_session_revoke(
            actor=actor, user=user, session_id=session.pk, context=audit_context(request)
        ),
        hidden={"session": str(session.pk)},
    )


@page(Permission.USERS_MANAGE)
def user_token_revoke_view(request: HttpRequest, username: str) -> HttpResponse:
    actor = current_user(request)
    user = get_user_for_admin(actor, username)
    key = request.POST.get("token") or request.GET.get("token") or ""
    token = api_tokens_of(user).filter(token_key=key).first() if key else None
    if token is None:
        raise Http404
    return _confirm(
        request,
        user,
        title=_("Återkalla API-nyckel"),
        question=_("Återkalla API-nyckeln %(key)s för %(user)s?") % {"key": token.token_key, "user": user.username},
        button=_("Återkalla"),
        done_message=_("API-nyckeln %(key)s är återkallad.") % {"key": token.token_key},
        action=lambda: api_token_revoke(token=token, actor=actor, context=audit_context(request)),
        hidden={"token": token.token_key},
    )


@page(Permission.USERS_MANAGE)
def user_history(request: HttpRequest, username: str) -> HttpResponse:
    """What the audit log says about the user and what they did, newest first."""
    actor = current_user(request)
    user = get_user_for_admin(actor, username)
    history = history_of(user)
    page_obj = Paginator(history.events, HISTORY_PAGE_SIZE).get_page(request.GET.get("sida"))
    rows = history.details_rows(page_obj.object_list)
    admin.user_read_record(
        actor=actor, action=AuditAction.USER_VIEW, context=audit_context(request), user=user, query="historik"
    )
    return render(
        request,
        "accounts/admin/user_history.html",
        {"subject": user, "page_obj": page_obj, "rows": rows, "views": history.views},
    )


INVITATION_STATES = {
    "unknown": (
        404,
        gettext_lazy("Länken fungerar inte"),
        gettext_lazy("Länken finns inte. Kontrollera att du har kopierat hela länken."),
    ),
    "used": (
        410,
        gettext_lazy("Länken är redan använd"),
        gettext_lazy("Du har redan valt lösenord med den här länken. Logga in som vanligt."),
    ),
    "superseded": (
        410,
        gettext_lazy("Inbjudan har ersatts"),
        gettext_lazy("Den här inbjudan har ersatts av en nyare. Använd länken i det senaste e-postmeddelandet."),
    ),
    "expired": (
        410,
        gettext_lazy("Länken har gått ut"),
        gettext_lazy("Inbjudan gäller inte längre och behöver skickas på nytt."),
    ),
}


@sensitive_post_parameters("password", "password_again")
@never_cache
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """The public page behind an invitation link: choose a password, then log in as usual."""
    invitation, state = invitation_by_token(token)
    if invitation is None or state != "valid":
        status, title, text = INVITATION_STATES[state]
        advice = contact_advice(invitation.user) if invitation is not None and state == "expired" else ""
        return render(
            request,
            "accounts/admin/invitation_gone.html",
            {"title": str(title), "text": str(text), "advice": advice},
            status=status,
        )
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            admin.invitation_accept(
                invitation=invitation,
                password=form.cleaned_data["password"],
                password_again=form.cleaned_data["password_again"],
                context=audit_context(request),
            )
        except InsynError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Lösenordet är sparat. Logga in med ditt användarnamn och det nya lösenordet."))
            return redirect(reverse("accounts:login"))
    return render(request, "accounts/admin/invitation_accept.html", {"form": form, "invited": invitation.user})
