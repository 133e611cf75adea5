"""Single sign-on: an organisation's identity provider and the links from its subjects to users.

A person is matched by a stable identifier the provider asserts (the subject, an object id or an
employee number), never by name or e-mail: the organisation's administrator links it to the user.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


class Protocol(models.TextChoices):
    OIDC = "oidc", _("OpenID Connect")
    SAML = "saml", _("SAML 2.0")


def _empty_list() -> list[str]:
    return []


def _empty_mapping() -> dict[str, str]:
    return {}


class IdentityProvider(models.Model):
    """One organisation's identity provider (Entra ID, ADFS, Keycloak …)."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="identity_providers",
        verbose_name=_("organisation"),
    )
    slug = models.SlugField(_("kortnamn"), max_length=64, unique=True)
    display_name = models.CharField(_("namn på knappen"), max_length=120)
    protocol = models.CharField(_("protokoll"), max_length=8, choices=Protocol.choices)
    active = models.BooleanField(_("aktiv"), default=True)
    # The claim (OIDC) or attribute (SAML; empty: the NameID) that identifies the person.
    match_claim = models.CharField(_("identifierande claim eller attribut"), max_length=120, default="sub", blank=True)
    local_passwords_allowed = models.BooleanField(_("lokala lösenord tillåts"), default=True)
    # acr/amr values (OIDC) or AuthnContextClassRefs (SAML) that count as a second factor.
    mfa_values = models.JSONField(_("värden som betyder flerfaktorsinloggning"), default=_empty_list, blank=True)
    # Roles are granted in Insyn. When on, the provider's groups map to roles: {"group": "role"}.
    group_mapping_enabled = models.BooleanField(_("roller från grupper"), default=False)
    group_mapping = models.JSONField(_("grupp → roll"), default=_empty_mapping, blank=True)
    group_claim = models.CharField(_("claim eller attribut med grupper"), max_length=120, default="groups", blank=True)
    # OpenID Connect.
    issuer = models.URLField(_("utfärdare (issuer)"), max_length=400, blank=True)
    authorization_endpoint = models.URLField(_("auktoriseringsadress"), max_length=400, blank=True)
    token_endpoint = models.URLField(_("token-adress"), max_length=400, blank=True)
    jwks_uri = models.URLField(_("adress till nycklarna (JWKS)"), max_length=400, blank=True)
    client_id = models.CharField(_("klient-id"), max_length=200, blank=True)
    client_secret_encrypted = models.TextField(_("klienthemlighet (krypterad)"), blank=True)
    scopes = models.CharField(_("scopes"), max_length=300, default="openid", blank=True)
    # SAML 2.0.
    idp_metadata_xml = models.TextField(_("identitetsleverantörens metadata (XML)"), blank=True)
    idp_metadata_url = models.URLField(_("adress till identitetsleverantörens metadata"), max_length=400, blank=True)
    sp_entity_id = models.CharField(_("Insyns entity id"), max_length=400, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("identitetsleverantör")
        verbose_name_plural = _("identitetsleverantörer")
        ordering = ["display_name"]
        constraints = [
            models.CheckConstraint(name="identity_provider_protocol_valid", condition=Q(protocol__in=["oidc", "saml"])),
            models.CheckConstraint(
                name="identity_provider_oidc_complete",
                condition=~Q(protocol="oidc")
                | (
                    ~Q(issuer="")
                    & ~Q(authorization_endpoint="")
                    & ~Q(token_endpoint="")
                    & ~Q(jwks_uri="")
                    & ~Q(client_id="")
                    & ~Q(match_claim="")
                ),
            ),
            models.CheckConstraint(
                name="identity_provider_saml_complete",
                condition=~Q(protocol="saml")
                | ((~Q(idp_metadata_xml="") | ~Q(idp_metadata_url="")) & ~Q(sp_entity_id="")),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name


class ExternalIdentity(models.Model):
    """The link from a provider's subject to an Insyn user, made by an administrator."""

    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="identities", verbose_name=_("identitetsleverantör")
    )
    subject = models.CharField(_("identifierare hos leverantören"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="external_identities",
        verbose_name=_("användare"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("senast inloggad"), null=True, blank=True)

    class Meta:
        verbose_name = _("extern identitet")
        verbose_name_plural = _("externa identiteter")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="external_identity_subject_unique"),
            models.UniqueConstraint(fields=["provider", "user"], name="external_identity_user_unique"),
            models.CheckConstraint(name="external_identity_subject_present", condition=~Q(subject="")),
        ]

    def __str__(self) -> str:
        return f"{self.provider.slug}:{self.subject}"


class SsoAssertionDevice(Device):
    """The provider's assertion of a second factor, as a django-otp device: logging a session in
    with it marks the session verified, so Insyn does not ask for its own code. It verifies no
    token itself; only the sign-on flow uses it, after checking the assertion."""

    user: models.ForeignKey[Any, Any] = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The user that this device belongs to.",
    )
    provider: models.ForeignKey[IdentityProvider, IdentityProvider] = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="+", verbose_name=_("identitetsleverantör")
    )

    class Meta:
        verbose_name = _("flerfaktorsintyg från identitetsleverantör")
        verbose_name_plural = _("flerfaktorsintyg från identitetsleverantör")
        constraints = [models.UniqueConstraint(fields=["user", "provider"], name="sso_assertion_device_unique")]

    def verify_token(self, token: str) -> bool:
        return False
