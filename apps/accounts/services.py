from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.organisations.models import Organisation
from apps.organisations.selectors import municipality_of
from insyn.errors import Conflict, ValidationFailed

from .models import RoleGrant, User
from .roles import Role
from .selectors import forget_grants


def _organisation(slug: str) -> Organisation:
    try:
        return Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist as exc:
        raise ValidationFailed(
            f"Det finns ingen organisation med kortnamnet {slug!r}.", fields={"org": ["Okänd organisation."]}
        ) from exc


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError as exc:
        allowed = ", ".join(role.value for role in Role)
        raise ValidationFailed(f"Okänd roll {value!r}. Tillåtna: {allowed}.", fields={"role": ["Okänd roll."]}) from exc


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
        raise Conflict(f"Användarnamnet {username!r} är redan upptaget.", fields={"username": ["Upptaget."]})
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    if password:
        try:
            validate_password(password, user)
        except DjangoValidationError as exc:
            raise ValidationFailed(
                "Lösenordet duger inte: " + " ".join(exc.messages), fields={"password": exc.messages}
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
    action: AuditAction, *, user: User, role: Role, organisation: Organisation, actor: User | None
) -> None:
    municipality = municipality_of(organisation)
    audit_record(
        actor=actor,
        action=action,
        object_type="user",
        object_id=user.username,
        municipality_slug=municipality.slug if municipality else "",
        details={"role": role.value, "organisation": organisation.slug},
    )


def role_grant(*, user: User, role: str, organisation_slug: str, actor: User | None = None) -> RoleGrant:
    parsed_role = _role(role)
    organisation = _organisation(organisation_slug)
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(user=user, role=parsed_role, organisation=organisation, granted_by=actor)
            _audit_role_change(
                AuditAction.ROLE_GRANT, user=user, role=parsed_role, organisation=organisation, actor=actor
            )
    except IntegrityError as exc:
        raise Conflict(f"{user.username} har redan rollen {parsed_role.value} i {organisation.slug}.") from exc
    forget_grants(user)
    return grant


def role_revoke(*, user: User, role: str, organisation_slug: str, actor: User | None = None) -> None:
    parsed_role = _role(role)
    organisation = _organisation(organisation_slug)
    with transaction.atomic():
        deleted, _ = RoleGrant.objects.filter(user=user, role=parsed_role, organisation=organisation).delete()
        if not deleted:
            raise ValidationFailed(f"{user.username} har inte rollen {parsed_role.value} i {organisation.slug}.")
        _audit_role_change(AuditAction.ROLE_REVOKE, user=user, role=parsed_role, organisation=organisation, actor=actor)
    forget_grants(user)


def api_token_create(*, user: User, actor: User | None = None) -> str:
    """Create an API token and return it in clear text, once. Only its digest is stored."""
    with transaction.atomic():
        instance, token = AuthToken.objects.create(user=user, expiry=None)
        audit_record(
            actor=actor,
            action=AuditAction.TOKEN_CREATE,
            object_type="user",
            object_id=user.username,
            details={"token_key": instance.token_key},
        )
    return token


def api_tokens_revoke(*, user: User, actor: User | None = None) -> int:
    with transaction.atomic():
        count, _ = AuthToken.objects.filter(user=user).delete()
        audit_record(
            actor=actor,
            action=AuditAction.TOKEN_REVOKE,
            object_type="user",
            object_id=user.username,
            details={"revoked": count},
        )
    return count


def totp_device_start_enrolment(*, user: User) -> TOTPDevice:
    """An unconfirmed device whose secret the user adds to an authenticator app."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Autentiseringsapp", confirmed=False)


def totp_device_confirm(*, device: TOTPDevice, token: str, request: HttpRequest) -> bool:
    if not device.verify_token(token):
        audit_record(
            actor=device.user,
            action=AuditAction.OTP_FAILURE,
            request=request,
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
            request=request,
            object_type="user",
            object_id=device.user.username,
        )
    return True
