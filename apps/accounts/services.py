from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.organisations.models import Organisation
from apps.organisations.selectors import municipality_of
from insyn.errors import Conflict, ValidationFailed
from lib.swedish import quoted

from .models import RoleGrant, User
from .roles import Role
from .selectors import forget_grants


def _organisation(slug: str) -> Organisation:
    try:
        return Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist as exc:
        raise ValidationFailed(
            _("Det finns ingen organisation med kortnamnet %(slug)s.") % {"slug": quoted(slug)},
            fields={"org": [_("Okänd organisation.")]},
        ) from exc


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError as exc:
        allowed = ", ".join(role.value for role in Role)
        raise ValidationFailed(
            _("Okänd roll %(role)s. Tillåtna: %(allowed)s.") % {"role": quoted(value), "allowed": allowed},
            fields={"role": [_("Okänd roll.")]},
        ) from exc


def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    organisation_slug: str,
    actor: User | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create an account with its first role grant. Without a password the account can only use
    API tokens until a password is set."""
    parsed_role = _role(role)
    organisation = _organisation(organisation_slug)
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(
            _("Användarnamnet %(username)s är redan upptaget.") % {"username": quoted(username)},
            fields={"username": [_("Upptaget.")]},
        )
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    if password:
        try:
            validate_password(password, user)
        except DjangoValidationError as exc:
            raise ValidationFailed(
                _("Lösenordet duger inte: %(reasons)s") % {"reasons": " ".join(exc.messages)},
                fields={"password": exc.messages},
            ) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    with transaction.atomic():
        user.save()
        audit_record(actor=actor, action=AuditAction.USER_CREATE, object_type="user", object_id=username)
        RoleGrant.objects.create(user=user, role=parsed_role, organisation=organisation, granted_by=actor)
        _audit_role_change(AuditAction.ROLE_GRANT, user=user, role=parsed_role, organisation=organisation, actor=actor)
    return user


def _audit_role_change(
    action: AuditAction,
    *,
    user: User,
    role: Role,
    organisation: Organisation,
    actor: User | None,
    context: AuditContext | None = None,
    period: tuple[date | None, date | None] = (None, None),
) -> None:
    municipality = municipality_of(organisation)
    details: dict[str, str] = {"role": role.value, "organisation": organisation.slug}
    if period[0] is not None:
        details["valid_from"] = period[0].isoformat()
    if period[1] is not None:
        details["valid_until"] = period[1].isoformat()
    audit_record(
        actor=actor,
        action=action,
        context=context,
        object_type="user",
        object_id=user.username,
        municipality_slug=municipality.slug if municipality else "",
        details=details,
    )


PERIOD_ORDER_MESSAGE = gettext_lazy("Slutdatum kan inte vara före startdatum.")


def role_grant(
    *,
    user: User,
    role: str,
    organisation_slug: str,
    actor: User | None = None,
    valid_from: date | None = None,
    valid_until: date | None = None,
    context: AuditContext | None = None,
) -> RoleGrant:
    """Give `user` a role at an organisation, from `valid_from` to `valid_until` (both included,
    both optional). A grant of the same role there that has already ended is replaced."""
    parsed_role = _role(role)
    organisation = _organisation(organisation_slug)
    if valid_from is not None and valid_until is not None and valid_until < valid_from:
        message = str(PERIOD_ORDER_MESSAGE)
        raise ValidationFailed(message, fields={"valid_until": [message]})
    try:
        with transaction.atomic():
            RoleGrant.objects.filter(
                user=user, role=parsed_role, organisation=organisation, valid_until__lt=timezone.localdate()
            ).delete()
            grant = RoleGrant.objects.create(
                user=user,
                role=parsed_role,
                organisation=organisation,
                granted_by=actor,
                valid_from=valid_from,
                valid_until=valid_until,
            )
            _audit_role_change(
                AuditAction.ROLE_GRANT,
                user=user,
                role=parsed_role,
                organisation=organisation,
                actor=actor,
                context=context,
                period=(valid_from, valid_until),
            )
    except IntegrityError as exc:
        message = _("%(username)s har redan rollen %(role)s i %(organisation)s.") % {
            "username": user.username,
            "role": parsed_role.label,
            "organisation": organisation.name,
        }
        raise Conflict(message, fields={"role": [message]}) from exc
    forget_grants(user)
    return grant


def role_revoke(*, user: User, role: str, organisation_slug: str, actor: User | None = None) -> None:
    parsed_role = _role(role)
    organisation = _organisation(organisation_slug)
    with transaction.atomic():
        deleted, _by_model = RoleGrant.objects.filter(user=user, role=parsed_role, organisation=organisation).delete()
        if not deleted:
            raise ValidationFailed(
                _("%(username)s har inte rollen %(role)s i %(organisation)s.")
                % {"username": user.username, "role": parsed_role.value, "organisation": organisation.slug}
            )
        _audit_role_change(AuditAction.ROLE_REVOKE, user=user, role=parsed_role, organisation=organisation, actor=actor)
    forget_grants(user)


def role_grant_withdraw(*, grant: RoleGrant, actor: User | None, context: AuditContext | None = None) -> None:
    """Take one grant away (the row goes; the audit log keeps what it was). Access is the caller's
    check (get_grant_for_user); a grant someone removed a moment before is left without a second row."""
    with transaction.atomic():
        deleted, _by_model = RoleGrant.objects.filter(pk=grant.pk).delete()
        if deleted:
            _audit_role_change(
                AuditAction.ROLE_REVOKE,
                user=grant.user,
                role=Role(grant.role),
                organisation=grant.organisation,
                actor=actor,
                context=context,
                period=(grant.valid_from, grant.valid_until),
            )
    forget_grants(grant.user)


API_TOKEN_MAX_DAYS = 365


def api_token_issue(
    *, user: User, actor: User | None = None, days: int | None = None, context: AuditContext | None = None
) -> tuple[AuthToken, str]:
    """Create an API token that expires after `days` (INSYN_API_TOKEN_DAYS unless given) and return
    it with the token in clear text, shown this once. Only its digest is stored; the audit row holds
    the key prefix, never the token."""
    term = settings.INSYN_API_TOKEN_DAYS if days is None else days
    if not 1 <= term <= API_TOKEN_MAX_DAYS:
        message = _("En API-nyckel kan gälla 1–%(max)s dagar, inte %(days)s.") % {
            "max": API_TOKEN_MAX_DAYS,
            "days": term,
        }
        raise ValidationFailed(message, fields={"days": [message]})
    with transaction.atomic():
        instance, token = AuthToken.objects.create(user=user, expiry=timedelta(days=term))
        audit_record(
            actor=actor,
            action=AuditAction.TOKEN_CREATE,
            context=context,
            object_type="user",
            object_id=user.username,
            details={"token_key": instance.token_key, "expiry": instance.expiry.isoformat()},
        )
    return instance, token


def api_token_create(
    *, user: User, actor: User | None = None, days: int | None = None, context: AuditContext | None = None
) -> str:
    """Like api_token_issue, the token in clear text only."""
    return api_token_issue(user=user, actor=actor, days=days, context=context)[1]


def _audit_token_revoke(*, owner: User, token_key: str, actor: User | None, context: AuditContext | None) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.TOKEN_REVOKE,
        context=context,
        object_type="user",
        object_id=owner.username,
        details={"token_key": token_key},
    )


def api_token_revoke(*, token: AuthToken, actor: User | None = None, context: AuditContext | None = None) -> None:
    """Revoke one token. Access is the caller's check (get_api_token_for_user); a token someone else
    revoked a moment before is left as it is, without a second audit row."""
    with transaction.atomic():
        deleted, _by_model = AuthToken.objects.filter(digest=token.digest).delete()
        if deleted:
            _audit_token_revoke(owner=token.user, token_key=token.token_key, actor=actor, context=context)


def api_tokens_revoke(*, user: User, actor: User | None = None, context: AuditContext | None = None) -> int:
    """Revoke every token of `user`, one audit row per token; returns how many."""
    with transaction.atomic():
        keys = dict(AuthToken.objects.select_for_update().filter(user=user).values_list("digest", "token_key"))
        AuthToken.objects.filter(digest__in=list(keys)).delete()
        for token_key in sorted(keys.values()):
            _audit_token_revoke(owner=user, token_key=token_key, actor=actor, context=context)
    return len(keys)


def totp_device_start_enrolment(*, user: User) -> TOTPDevice:
    """An unconfirmed device whose secret the user adds to an authenticator app."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=False)  # i18n: data


def totp_device_confirm(*, device: TOTPDevice, token: str, context: AuditContext) -> bool:
    if not device.verify_token(token):
        audit_record(
            actor=device.user,
            action=AuditAction.OTP_FAILURE,
            context=context,
            object_type="user",
            object_id=device.user.username,
            details={"stage": "enrolment"},
        )
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        audit_record(
            actor=device.user,
            action=AuditAction.OTP_ENROLLED,
            context=context,
            object_type="user",
            object_id=device.user.username,
        )
    return True


def sign_in_event_record(
    *, action: AuditAction, context: AuditContext | None, user: User | None = None, username: str = ""
) -> None:
    """Log a step of signing in or out (password, second factor, lockout, logout). A failed
    password has no user: the name that was tried is logged instead."""
    name = user.get_username() if user is not None else username
    audit_record(
        actor=user,
        actor_username=name,
        action=action,
        context=context,
        object_type="user",
        object_id=name,
    )


def user_set_language(*, user: User, language: str) -> None:
    """Remembers the person's language on their account, so it follows them to another browser
    and into the e-mails they get. A setting of the account, not personal data about anyone."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(language)
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
