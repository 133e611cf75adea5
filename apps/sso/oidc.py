"""OpenID Connect through mozilla-django-oidc, its settings taken from the organisation's provider
instead of the global settings. The library makes the state, nonce and PKCE verifier, exchanges
the code and checks the id_token's signature against the provider's JWKS; Insyn adds the issuer
and audience checks (PyJWT) that the library leaves off."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from .crypto import secret_open
from .models import IdentityProvider
from .selectors import get_active_provider

CALLBACK_URL_NAME = "sso:oidc_callback"
# Where the callback finds which provider a state belongs to.
STATES_SESSION_KEY = "sso_oidc_states"
ALLOWED_ALGORITHMS = ("RS256", "PS256", "ES256")
CLOCK_LEEWAY_SECONDS = 60
# amr values (RFC 8176) that always mean a second factor; the provider's mfa_values add to them.
MULTI_FACTOR_AMR = frozenset({"mfa", "otp", "hwk", "sc"})


def provider_settings(provider: IdentityProvider) -> dict[str, Any]:
    """mozilla-django-oidc's settings for one provider."""
    return {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": provider.authorization_endpoint,
        "OIDC_OP_TOKEN_ENDPOINT": provider.token_endpoint,
        "OIDC_OP_USER_ENDPOINT": None,
        "OIDC_OP_JWKS_ENDPOINT": provider.jwks_uri,
        "OIDC_RP_CLIENT_ID": provider.client_id,
        "OIDC_RP_CLIENT_SECRET": secret_open(provider.client_secret_encrypted, provider_slug=provider.slug),
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_IDP_SIGN_KEY": None,
        "OIDC_RP_SCOPES": provider.scopes,
        "OIDC_AUTHENTICATION_CALLBACK_URL": CALLBACK_URL_NAME,
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_STORE_ACCESS_TOKEN": False,
        "OIDC_STORE_ID_TOKEN": False,
    }


class ProviderSettings:
    provider: IdentityProvider

    def get_settings(self, attr: str, *args: Any) -> Any:
        values = provider_settings(self.provider)
        if attr in values:
            return values[attr]
        return import_from_settings(attr, *args)


class ProviderAuthenticationRequestView(ProviderSettings, OIDCAuthenticationRequestView):
    """Sends the browser to the provider's authorisation endpoint for /konto/sso/<slug>/."""

    def __init__(self, **kwargs: Any) -> None:
        # The library reads the endpoint here; it is known only once the request names the provider.
        View.__init__(self, **kwargs)

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.provider = get_active_provider(kwargs["slug"])
        self.OIDC_OP_AUTH_ENDPOINT = self.provider.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = self.provider.client_id

    def get(self, request: HttpRequest, slug: str = "") -> HttpResponse:
        response = super().get(request)
        state = parse_qs(urlparse(response["Location"]).query)["state"][0]
        states = request.session.get(STATES_SESSION_KEY, {})
        states[state] = self.provider.slug
        request.session[STATES_SESSION_KEY] = dict(list(states.items())[-10:])
        return response


class ProviderBackend(ProviderSettings, OIDCAuthenticationBackend):
    """The library's code flow for one provider. It returns the verified id_token's claims; who
    they belong to is Insyn's own decision (apps.sso.flow)."""

    def __init__(self, provider: IdentityProvider) -> None:
        self.provider = provider
        super().__init__()

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        try:
            alg = jwt.get_unverified_header(payload).get("alg")
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation("Malformed id_token.") from exc
        if alg not in ALLOWED_ALGORITHMS:
            raise SuspiciousOperation(f"id_token algorithm {alg!r} is not allowed.")
        try:
            claims: dict[str, Any] = jwt.decode(
                payload,
                key,
                algorithms=[alg],
                audience=self.provider.client_id,
                issuer=self.provider.issuer,
                leeway=CLOCK_LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"id_token refused: {exc}") from exc
        return claims

    def retrieve_matching_jwk(self, token: str) -> Any:
        # The library's own look-up, with the algorithm of the token's header rather than one setting.
        self.OIDC_RP_SIGN_ALGO = jwt.get_unverified_header(token).get("alg", "RS256")
        return super().retrieve_matching_jwk(token)

    def get_or_create_user(self, _access_token: str, _id_token: str, payload: dict[str, Any]) -> dict[str, Any]:
        return payload

    def claims_from_callback(self, request: HttpRequest, *, nonce: str, code_verifier: str | None) -> dict[str, Any]:
        claims = self.authenticate(request, nonce=nonce, code_verifier=code_verifier)
        if not isinstance(claims, dict):
            raise SuspiciousOperation("The callback carried no code.")
        return claims


def claims_multi_factor(provider: IdentityProvider, claims: dict[str, Any]) -> bool:
    """True when the provider says the person gave a second factor: an amr value or the acr that
    the organisation configured as multi-factor (for example "mfa", "otp", "hwk", or SITHS/Freja's acr)."""
    configured = {str(value) for value in provider.mfa_values}
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    acr = claims.get("acr")
    asserted = {str(value) for value in amr}
    return bool((MULTI_FACTOR_AMR | configured) & asserted) or (isinstance(acr, str) and acr in configured)


def claims_groups(provider: IdentityProvider, claims: dict[str, Any]) -> list[str]:
    groups = claims.get(provider.group_claim or "groups") or []
    if isinstance(groups, str):
        groups = [groups]
    return [str(group) for group in groups]
