"""Writes of single sign-on: providers and links (each with its SSO_CONFIG_CHANGE row), and the
audit rows of a sign-on that succeeded or was refused."""

from __future__ import annotations

from typing import Any

import requests
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import RoleGrant, User
from apps.accounts.roles import Role
from apps.accounts.selectors import forget_grants
from apps.audit.context import AuditContext
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.organisations.models import Organisation
from apps.organisations.selectors import municipality_of
from insyn.errors import Conflict, FieldProblems, ValidationFailed
from lib.swedish import quoted

from .crypto import secret_seal
from .models import ExternalIdentity, IdentityProvider, Protocol, SsoAssertionDevice
from .selectors import user_linkable

DISCOVERY_TIMEOUT_SECONDS = 10


def _organisation(slug: str) -> Organisation:
    try:
        return Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist as exc:
        raise ValidationFailed(
            _("Det finns ingen organisation med kortnamnet %(slug)s.") % {"slug": quoted(slug)},
            fields={"org": [_("Okänd organisation.")]},
        ) from exc


def _municipality_slug(provider: IdentityProvider) -> str:
    municipality = municipality_of(provider.organisation)
    return municipality.slug if municipality else ""


def _audit_config(
    *, actor: User | None, provider: IdentityProvider, change: str, context: AuditContext | None, **details: Any
) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.SSO_CONFIG_CHANGE,
        context=context,
        object_type="identity_provider",
        object_id=provider.slug,
        municipality_slug=_municipality_slug(provider),
        details={"change": change, "organisation": provider.organisation.slug, **details},
    )


def _mapped_grant(value: str, provider_organisation: Organisation) -> tuple[str, Organisation]:
    """A mapping's value, "role" (in the provider's organisation) or "role@organisation-slug"
    (a unit inside it), as the role and organisation it grants; ValueError with a Swedish reason."""
    role, _at, slug = value.partition("@")
    if role not in Role.values:
        raise ValueError(_("okänd roll %(role)s") % {"role": quoted(role)})
    if not slug:
        return role, provider_organisation
    organisation = Organisation.objects.filter(slug=slug).select_related("parent__parent__parent").first()
    node = organisation
    while node is not None and node.pk != provider_organisation.pk:
        node = node.parent
    if organisation is None or node is None:
        raise ValueError(
            _("organisationen %(slug)s finns inte inom %(within)s")
            % {"slug": quoted(slug), "within": provider_organisation.slug}
        )
    return role, organisation


def _check_mapping(mapping: dict[str, str], organisation: Organisation, problems: FieldProblems) -> None:
    for group, value in mapping.items():
        try:
            _mapped_grant(value, organisation)
        except ValueError as exc:
            problems.add(
                "group_mapping",
                _("Gruppen %(group)s pekar på %(value)s: %(reason)s.")
                % {"group": quoted(group), "value": quoted(value), "reason": exc},
            )


def oidc_discovery_read(discovery_url: str) -> dict[str, str]:
    """The provider's endpoints from its discovery document (…/.well-known/openid-configuration)."""
    try:
        response = requests.get(discovery_url, timeout=DISCOVERY_TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        message = _("Kunde inte läsa identitetsleverantörens discovery-dokument på %(url)s.") % {"url": discovery_url}
        raise ValidationFailed(message, fields={"discovery_url": [message]}) from exc
    problems = FieldProblems()
    found = {}
    for key in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
        value = document.get(key) if isinstance(document, dict) else None
        if not isinstance(value, str) or not value.startswith(("https://", "http://")):
            problems.add("discovery_url", _("Discovery-dokumentet saknar %(key)s.") % {"key": key})
        else:
            found[key] = value
    problems.raise_if_any(_("Discovery-dokumentet är ofullständigt."))
    return found


def identity_provider_create_oidc(
    *,
    actor: User | None,
    organisation_slug: str,
    slug: str,
    display_name: str,
    discovery_url: str,
    client_id: str,
    client_secret: str,
    scopes: str = "openid",
    match_claim: str = "sub",
    mfa_values: list[str] | None = None,
    local_passwords_allowed: bool = True,
    group_mapping: dict[str, str] | None = None,
    context: AuditContext | None = None,
) -> IdentityProvider:
    organisation = _organisation(organisation_slug)
    problems = FieldProblems()
    if not client_id:
        problems.add("client_id", _("Klient-id saknas."))
    if not client_secret:
        problems.add("client_secret", _("Klienthemligheten saknas."))
    if "openid" not in scopes.split():
        problems.add("scopes", _("Scopes måste innehålla openid."))
    _check_mapping(group_mapping or {}, organisation, problems)
    problems.raise_if_any(_("Identitetsleverantören kunde inte sparas."))
    endpoints = oidc_discovery_read(discovery_url)
    provider = IdentityProvider(
        organisation=organisation,
        slug=slug,
        display_name=display_name,
        protocol=Protocol.OIDC,
        client_id=client_id,
        client_secret_encrypted=secret_seal(client_secret, provider_slug=slug),
        scopes=scopes,
        match_claim=match_claim,
        mfa_values=mfa_values or [],
        local_passwords_allowed=local_passwords_allowed,
        group_mapping=group_mapping or {},
        **endpoints,
    )
    return _provider_save_new(provider, actor=actor, context=context)


def identity_provider_create_saml(
    *,
    actor: User | None,
    organisation_slug: str,
    slug: str,
    display_name: str,
    sp_entity_id: str,
    idp_metadata_xml: str = "",
    idp_metadata_url: str = "",
    match_claim: str = "",
    mfa_values: list[str] | None = None,
    local_passwords_allowed: bool = True,
    group_mapping: dict[str, str] | None = None,
    context: AuditContext | None = None,
) -> IdentityProvider:
    organisation = _organisation(organisation_slug)
    problems = FieldProblems()
    if not idp_metadata_xml and not idp_metadata_url:
        problems.add("idp_metadata", _("Identitetsleverantörens metadata saknas (XML eller adress)."))
    if not sp_entity_id:
        problems.add("sp_entity_id", _("Insyns entity id saknas."))
    _check_mapping(group_mapping or {}, organisation, problems)
    problems.raise_if_any(_("Identitetsleverantören kunde inte sparas."))
    provider = IdentityProvider(
        organisation=organisation,
        slug=slug,
        display_name=display_name,
        protocol=Protocol.SAML,
        sp_entity_id=sp_entity_id,
        idp_metadata_xml=idp_metadata_xml,
        idp_metadata_url=idp_metadata_url,
        match_claim=match_claim,
        mfa_values=mfa_values or [],
        local_passwords_allowed=local_passwords_allowed,
        group_mapping=group_mapping or {},
    )
    return _provider_save_new(provider, actor=actor, context=context)


def _provider_save_new(
    provider: IdentityProvider, *, actor: User | None, context: AuditContext | None
) -> IdentityProvider:
    if IdentityProvider.objects.filter(slug=provider.slug).exists():
        raise Conflict(
            _("Kortnamnet %(slug)s är redan upptaget.") % {"slug": quoted(provider.slug)},
            fields={"slug": [_("Upptaget.")]},
        )
    with transaction.atomic():
        provider.save()
        _audit_config(
            actor=actor,
            provider=provider,
            change="create",
            context=context,
            protocol=provider.protocol,
            local_passwords_allowed=provider.local_passwords_allowed,
            mfa_values=provider.mfa_values,
        )
    return provider


def identity_provider_update(
    *,
    actor: User | None,
    provider: IdentityProvider,
    local_passwords_allowed: bool | None = None,
    active: bool | None = None,
    mfa_values: list[str] | None = None,
    group_mapping_enabled: bool | None = None,
    group_mapping: dict[str, str] | None = None,
    context: AuditContext | None = None,
) -> IdentityProvider:
    """Change the switches of a provider; only what is given changes, and the audit row says what."""
    problems = FieldProblems()
    _check_mapping(group_mapping or {}, provider.organisation, problems)
    problems.raise_if_any(_("Identitetsleverantören kunde inte sparas."))
    changes: dict[str, Any] = {}
    for field, value in (
        ("local_passwords_allowed", local_passwords_allowed),
        ("active", active),
        ("mfa_values", mfa_values),
        ("group_mapping_enabled", group_mapping_enabled),
        ("group_mapping", group_mapping),
    ):
        if value is not None and getattr(provider, field) != value:
            setattr(provider, field, value)
            changes[field] = value
    if not changes:
        return provider
    with transaction.atomic():
        provider.save(update_fields=[*changes, "updated_at"])
        _audit_config(actor=actor, provider=provider, change="update", context=context, **changes)
    return provider


def external_identity_link(
    *,
    actor: User | None,
    provider: IdentityProvider,
    subject: str,
    user: User,
    context: AuditContext | None = None,
) -> ExternalIdentity:
    """Link the provider's identifier of a person (subject, object id or employee number) to a user.
    The operator on the command line (no actor) may link anyone; see docs/operations.md, "Single sign-on"."""
    subject = subject.strip()
    if not subject:
        message = _("Identifieraren saknas.")
        raise ValidationFailed(message, fields={"subject": [message]})
    if actor is not None and user_linkable(provider, user.get_username()) is None:
        # An administrator links only people whose every grant lies inside the provider's
        # organisation: a link must never open an account that also works elsewhere.
        message = _("%(username)s har uppdrag utanför %(organisation)s och kan inte kopplas här.") % {
            "username": user.get_username(),
            "organisation": provider.organisation.name,
        }
        raise ValidationFailed(message, fields={"username": [message]})
    try:
        with transaction.atomic():
            identity = ExternalIdentity.objects.create(provider=provider, subject=subject, user=user)
            _audit_config(actor=actor, provider=provider, change="link", context=context, user=user.get_username())
    except IntegrityError as exc:
        raise Conflict(
            _("Identifieraren eller användaren %(username)s är redan kopplad hos %(provider)s.")
            % {"username": user.get_username(), "provider": provider.slug},
            fields={"subject": [_("Redan kopplad.")]},
        ) from exc
    return identity


def sign_on_refusal_record(
    *, provider: IdentityProvider, reason: str, context: AuditContext | None, username: str = "", subject: str = ""
) -> None:
    audit_record(
        actor=None,
        actor_username=username,
        action=AuditAction.SSO_LOGIN_REFUSED,
        context=context,
        object_type="identity_provider",
        object_id=provider.slug,
        municipality_slug=_municipality_slug(provider),
        details={"reason": reason, "protocol": provider.protocol, **({"subject": subject} if subject else {})},
    )


def sign_on_success_record(
    *, user: User, provider: IdentityProvider, multi_factor: bool, context: AuditContext | None
) -> SsoAssertionDevice | None:
    """Log the sign-on and return the device that stands for the provider's second factor, when
    the provider asserted one."""
    with transaction.atomic():
        ExternalIdentity.objects.filter(provider=provider, user=user).update(last_login_at=timezone.now())
        audit_record(
            actor=user,
            action=AuditAction.LOGIN_SUCCESS,
            context=context,
            object_type="user",
            object_id=user.get_username(),
            details={"method": provider.protocol, "provider": provider.slug, "multi_factor": multi_factor},
        )
        if not multi_factor:
            return None
        device, _created = SsoAssertionDevice.objects.get_or_create(
            user=user, provider=provider, defaults={"name": provider.display_name[:64], "confirmed": True}
        )
    return device


def roles_from_groups_sync(
    *, user: User, provider: IdentityProvider, groups: list[str], context: AuditContext | None
) -> list[str]:
    """Grant the roles the provider's groups map to, in the provider's organisation, when the
        organisation turned the mapping on (off by default). Grants are added, never taken away here:
        an administrator revokes in Insyn. A mapping's value is "role" or "role@unit-slug" for a unit
    inside the provider's organisation. Returns the grants made now, as "role@organisation"."""
    if not provider.group_mapping_enabled or not provider.group_mapping:
        return []
    wanted: dict[tuple[str, int], tuple[str, Organisation]] = {}
    for group in groups:
        if group in provider.group_mapping:
            try:
                role, organisation = _mapped_grant(provider.group_mapping[group], provider.organisation)
            except ValueError:
                continue  # An organisation removed since the mapping was saved grants nothing.
            wanted[(role, organisation.pk)] = (role, organisation)
    held = set(RoleGrant.objects.filter(user=user).values_list("role", "organisation_id"))
    granted = [wanted[key] for key in sorted(set(wanted) - held)]
    with transaction.atomic():
        for role, organisation in granted:
            RoleGrant.objects.create(user=user, role=role, organisation=organisation, granted_by=None)
            audit_record(
                actor=None,
                action=AuditAction.ROLE_GRANT,
                context=context,
                object_type="user",
                object_id=user.get_username(),
                municipality_slug=_municipality_slug(provider),
                details={"role": role, "organisation": organisation.slug, "source": provider.slug},
            )
    if granted:
        forget_grants(user)
    return [f"{role}@{organisation.slug}" for role, organisation in granted]
