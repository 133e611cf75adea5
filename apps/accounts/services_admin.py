"""User administration's writes: invitation, details, deactivation, second factor, lockout,
sessions and grants. Each checks the actor's reach (apps.accounts.admin_scope), writes in one
transaction with its audit row, and refuses with a Swedish domain error."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.organisations.models import Organisation
from insyn.errors import FieldProblems, NotPermitted, ValidationFailed

from .admin_scope import admin_reach_of, grant_refusal, is_superseded, municipality_slug_of, token_digest
from .language import language_of
from .models import RoleGrant, User, UserInvitation, UserSession
from .roles import Role
from .services import PERIOD_ORDER_MESSAGE, api_tokens_revoke, role_grant, role_grant_withdraw


def _audit(
    action: AuditAction,
    *,
    actor: User | None,
    user: User,
    context: AuditContext | None,
    details: dict[str, object] | None = None,
) -> None:
    audit_record(
        actor=actor,
        action=action,
        context=context,
        object_type="user",
        object_id=user.username,
        municipality_slug=_municipality_slug_of_user(user),
        details=details,
    )


def _municipality_slug_of_user(user: User) -> str:
    grant = RoleGrant.objects.filter(user=user).select_related("organisation").order_by("pk").first()
    return municipality_slug_of(grant.organisation if grant is not None else user.home_organisation)


def _not_oneself(actor: User, user: User, message: str) -> None:
    """Refuse with `message` (a whole sentence) when the actor is acting on their own account."""
    if actor.pk == user.pk:
        raise NotPermitted(message)


def invitation_mail_send(*, user: User, link: str, expires_hours: int) -> None:
    """The invitation e-mail, in the invited person's language (Swedish unless they chose one).
    Kept to this one function so it can move to a background job."""
    from apps.jobs.mail import mail_send  # every e-mail goes out through the mail job

    with translation.override(language_of(user)):
        name = user.get_full_name() or user.username
        after = _(
            "Efter lösenordet loggar du in och kopplar en autentiseringsapp som andra faktor om din roll kräver det."
        )
        lines = [
            _("Hej %(name)s!") % {"name": name},
            "",
            _("Du har bjudits in till Insyn med användarnamnet %(username)s.") % {"username": user.username},
            _("Välj ditt lösenord här inom %(hours)s timmar (länken fungerar en gång):") % {"hours": expires_hours},
            "",
            link,
            "",
            after,
            _("Om du inte väntade dig inbjudan kan du bortse från brevet."),
        ]
        body = "\n".join(lines) + "\n"
        subject = _("Inbjudan till Insyn")
    mail_send(recipients=[user.email], subject=subject, body=body)


def _invitation_create(*, actor: User, user: User, base_url: str, context: AuditContext | None) -> UserInvitation:
    """A new invitation and its e-mail once the transaction commits. Unused earlier ones are kept
    but stop working: their link then says that a newer invitation replaced it."""
    token = secrets.token_urlsafe(32)
    hours = settings.INSYN_INVITATION_HOURS
    invitation = UserInvitation.objects.create(
        user=user,
        token_digest=token_digest(token),
        created_by=actor,
        expires_at=timezone.now() + timedelta(hours=hours),
    )
    link = base_url.rstrip("/") + reverse("accounts:invitation_accept", kwargs={"token": token})
    transaction.on_commit(lambda: invitation_mail_send(user=user, link=link, expires_hours=hours))
    return invitation


SUPERSEDED_MESSAGE = gettext_lazy(
    "Den här inbjudan har ersatts av en nyare. Använd länken i det senaste e-postmeddelandet."
)

EARLIEST_GRANT_DATE = date(2000, 1, 1)
GRANT_YEARS_AHEAD = 10


def latest_grant_date(today: date | None = None) -> date:
    """The last day a grant's period may name: GRANT_YEARS_AHEAD years from today."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + GRANT_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + GRANT_YEARS_AHEAD, day=28)


def grant_date_problem(value: date | None) -> str | None:
    """Why a grant's from or until date is refused (a typing slip like 9999-12-31), or None."""
    if value is None:
        return None
    latest = latest_grant_date()
    if value < EARLIEST_GRANT_DATE or value > latest:
        return _("Ange ett datum mellan %(earliest)s och %(latest)s.") % {
            "earliest": EARLIEST_GRANT_DATE.isoformat(),
            "latest": latest.isoformat(),
        }
    return None


def username_problems(username: str) -> list[str]:
    """What is wrong with a new username. ASCII only: a Cyrillic "а" would make a second
    "handlaggare.lerum" that looks like the first in every list and in the audit log."""
    if not username:
        return [_("Ange ett användarnamn.")]
    problems = []
    try:
        ASCIIUsernameValidator()(username)
    except DjangoValidationError:
        problems.append(
            _("Använd bara bokstäverna a–z, siffror och tecknen . @ + - _ (inga å, ä, ö eller andra tecken).")
        )
    if User.objects.filter(username__iexact=username).exists():
        problems.append(_("Användarnamnet %(username)s är redan upptaget.") % {"username": username})
    return problems


def user_invite(
    *,
    actor: User,
    username: str,
    email: str,
    organisation: Organisation | None,
    base_url: str,
    first_name: str = "",
    last_name: str = "",
    context: AuditContext | None = None,
) -> User:
    """Create an account without a password, invited from `organisation` (which must be in the
    actor's reach), and e-mail a one-time link to set one. Every problem is reported at once."""
    problems = FieldProblems()
    username = username.strip()
    for problem in username_problems(username):
        problems.add("username", problem)
    try:
        validate_email(email)
    except DjangoValidationError:
        problems.add("email", _("Ange en giltig e-postadress; inbjudan skickas dit."))
    if organisation is None:
        problems.add("organisation", _("Välj organisation."))
    elif not admin_reach_of(actor).covers(organisation.pk):
        problems.add("organisation", _("Du kan bara bjuda in till din egen organisation och enheterna under den."))
    problems.raise_if_any(_("Inbjudan kunde inte skickas."))
    assert organisation is not None
    user = User(
        username=username,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        home_organisation=organisation,
    )
    user.set_unusable_password()
    with transaction.atomic():
        user.save()
        invitation = _invitation_create(actor=actor, user=user, base_url=base_url, context=context)
        _audit(
            AuditAction.USER_INVITE,
            actor=actor,
            user=user,
            context=context,
            details={"organisation": organisation.slug, "expires_at": invitation.expires_at.isoformat()},
        )
    return user


def invitation_resend(*, actor: User, user: User, base_url: str, context: AuditContext | None = None) -> None:
    """A new link for someone who has not set a password yet; the old link stops working."""
    if user.has_usable_password():
        raise ValidationFailed(
            _("%(username)s har redan valt lösenord; en ny inbjudan behövs inte.") % {"username": user.username}
        )
    with transaction.atomic():
        invitation = _invitation_create(actor=actor, user=user, base_url=base_url, context=context)
        _audit(
            AuditAction.USER_INVITE,
            actor=actor,
            user=user,
            context=context,
            details={"resent": True, "expires_at": invitation.expires_at.isoformat()},
        )


def invitation_accept(*, invitation: UserInvitation, password: str, password_again: str, context: AuditContext) -> User:
    """Set the invited person's password and use up the link. The invitation is one the caller has
    found valid (selectors: invitation_by_token); it is locked and checked again here."""
    user = invitation.user
    problems = FieldProblems()
    if password != password_again:
        problems.add("password_again", _("Lösenorden är inte lika."))
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        for message in exc.messages:
            problems.add("password", message)
    problems.raise_if_any(_("Lösenordet kunde inte sparas."))
    with transaction.atomic():
        locked = UserInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None or locked.expires_at <= timezone.now():
            raise ValidationFailed(_("Länken har redan använts eller gått ut."))
        if is_superseded(locked):
            raise ValidationFailed(str(SUPERSEDED_MESSAGE))
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
        user.set_password(password)
        user.save(update_fields=["password"])
        _audit(AuditAction.USER_INVITATION_ACCEPT, actor=user, user=user, context=context)
    return user


def user_update(
    *,
    actor: User,
    user: User,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    context: AuditContext | None = None,
) -> User:
    """Change a user's name or e-mail address; the audit row names the fields that changed."""
    if email is not None:
        try:
            validate_email(email)
        except DjangoValidationError as exc:
            message = _("Ange en giltig e-postadress.")
            raise ValidationFailed(message, fields={"email": [message]}) from exc
    given = {"first_name": first_name, "last_name": last_name, "email": email}
    wanted = {name: value.strip() for name, value in given.items() if value is not None}
    changed = [name for name, value in wanted.items() if getattr(user, name) != value]
    if not changed:
        return user
    with transaction.atomic():
        for name in changed:
            setattr(user, name, wanted[name])
        user.save(update_fields=changed)
        _audit(AuditAction.USER_UPDATE, actor=actor, user=user, context=context, details={"fields": changed})
    return user


def _end_sessions(user: User) -> int:
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


def user_deactivate(*, actor: User, user: User, context: AuditContext | None = None) -> None:
    """The account can no longer log in: its sessions end and its API tokens are revoked."""
    _not_oneself(actor, user, _("Du kan inte inaktivera kontot för ditt eget konto; be en annan administratör."))
    if not user.is_active:
        raise ValidationFailed(_("%(username)s är redan inaktiverad.") % {"username": user.username})
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        sessions = _end_sessions(user)
        tokens = api_tokens_revoke(user=user, actor=actor, context=context)
        _audit(
            AuditAction.USER_DEACTIVATE,
            actor=actor,
            user=user,
            context=context,
            details={"sessions_ended": sessions, "tokens_revoked": tokens},
        )


def user_reactivate(*, actor: User, user: User, context: AuditContext | None = None) -> None:
    if user.is_active:
        raise ValidationFailed(_("%(username)s är redan aktiv.") % {"username": user.username})
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        _audit(AuditAction.USER_REACTIVATE, actor=actor, user=user, context=context)


def user_second_factor_reset(*, actor: User, user: User, context: AuditContext | None = None) -> int:
    """Remove the user's authenticator devices: at the next login they enrol a new one. Their
    sessions end too, so a session verified with the old device is worth nothing."""
    _not_oneself(actor, user, _("Du kan inte återställa andra faktorn för ditt eget konto; be en annan administratör."))
    with transaction.atomic():
        removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
        _end_sessions(user)
        _audit(AuditAction.OTP_RESET, actor=actor, user=user, context=context, details={"devices": removed})
    return removed


def user_lockout_release(*, actor: User, user: User, context: AuditContext | None = None) -> int:
    """Forget the failed logins that lock the account (django-axes); returns how many records went."""
    from axes.utils import reset

    with transaction.atomic():
        released = reset(username=user.username)
        _audit(AuditAction.LOCKOUT_RELEASE, actor=actor, user=user, context=context, details={"records": released})
    return released


def user_session_revoke(*, actor: User, user: User, session_id: int, context: AuditContext | None = None) -> None:
    """End one of the user's sessions (the index row's id, as the session list shows)."""
    entry = UserSession.objects.filter(pk=session_id, user=user).first()
    if entry is None:
        message = _("Sessionen finns inte längre.")
        raise ValidationFailed(message, fields={"session": [message]})
    with transaction.atomic():
        Session.objects.filter(session_key=entry.session_key).delete()
        entry.delete()
        _audit(
            AuditAction.SESSION_REVOKE,
            actor=actor,
            user=user,
            context=context,
            details={"started_at": entry.started_at.isoformat()},
        )


def user_session_record(*, user: User, session_key: str, ip_address: str | None, user_agent: str) -> None:
    """Index a session the user has just logged in with (signals: user_logged_in)."""
    UserSession.objects.update_or_create(
        session_key=session_key, defaults={"user": user, "ip_address": ip_address, "user_agent": user_agent[:200]}
    )


def user_session_rekey(*, old_key: str, new_key: str) -> None:
    """The session got a new id (after the second factor): the index follows it."""
    UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def grant_give(
    *,
    actor: User,
    user: User,
    role: str,
    organisation: Organisation | None,
    valid_from: date | None = None,
    valid_until: date | None = None,
    context: AuditContext | None = None,
) -> RoleGrant:
    """Give `user` (in the actor's reach) a role inside the actor's reach, for a period."""
    problems = FieldProblems()
    parsed: Role | None = None
    try:
        parsed = Role(role)
    except ValueError:
        problems.add("role", _("Välj en roll."))
    if organisation is None:
        problems.add("organisation", _("Välj organisation."))
    for field, value in (("valid_from", valid_from), ("valid_until", valid_until)):
        problem = grant_date_problem(value)
        if problem is not None:
            problems.add(field, problem)
    if valid_from is not None and valid_until is not None and valid_until < valid_from:
        problems.add("valid_until", str(PERIOD_ORDER_MESSAGE))
    if valid_until is not None and valid_until < timezone.localdate():
        problems.add("valid_until", _("Slutdatum har redan passerat."))
    if parsed is not None and organisation is not None:
        for field, messages in grant_refusal(actor, role=parsed, organisation=organisation).items():
            for message in messages:
                problems.add(field, message)
    if actor.pk == user.pk and not admin_reach_of(actor).everything:
        problems.add("role", _("Du kan inte ge dig själv roller; be en annan administratör."))
    problems.raise_if_any(_("Rollen kunde inte ges."))
    assert parsed is not None and organisation is not None
    return role_grant(
        user=user,
        role=parsed.value,
        organisation_slug=organisation.slug,
        actor=actor,
        valid_from=valid_from,
        valid_until=valid_until,
        context=context,
    )


def grant_take_away(*, actor: User, grant: RoleGrant, context: AuditContext | None = None) -> None:
    """Revoke a grant that get_grant_for_admin let the actor reach."""
    _not_oneself(actor, grant.user, _("Du kan inte ta bort roller för ditt eget konto; be en annan administratör."))
    role_grant_withdraw(grant=grant, actor=actor, context=context)


def user_read_record(
    *, actor: User, action: AuditAction, context: AuditContext | None, user: User | None = None, query: str = ""
) -> None:
    """Log a read of staff data: a user's page (USER_VIEW) or the user list (USER_LIST)."""
    audit_record(
        actor=actor,
        action=action,
        context=context,
        object_type="user",
        object_id=user.username if user is not None else "",
        municipality_slug=_municipality_slug_of_user(user) if user is not None else "",
        details={"query": query} if query else {},
    )
