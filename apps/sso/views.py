"""The public steps of signing on through an organisation's identity provider."""

from __future__ import annotations

import logging

import jwt
import requests
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .errors import SignOnRefused
from .flow import next_target, refused, sign_on_finish
from .models import Protocol
from .oidc import (
    STATES_SESSION_KEY,
    ProviderAuthenticationRequestView,
    ProviderBackend,
    claims_groups,
    claims_multi_factor,
)
from .saml import saml_login_start
from .selectors import get_active_provider

logger = logging.getLogger(__name__)

NEXT_SESSION_KEY = "sso_next"
_oidc_request = ProviderAuthenticationRequestView.as_view()


@never_cache
@require_GET
def sign_on_start(request: HttpRequest, slug: str) -> HttpResponse:
    """/konto/sso/<slug>/: off to the provider, remembering where the person was going."""
    provider = get_active_provider(slug)
    target = next_target(request)
    if provider.protocol == Protocol.SAML:
        return saml_login_start(request, provider, target)
    request.session[NEXT_SESSION_KEY] = target
    return _oidc_request(request, slug=slug)


@never_cache
@require_GET
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back here with a code (or an error) and the state."""
    state = request.GET.get("state", "")
    slug = request.session.get(STATES_SESSION_KEY, {}).get(state)
    if not slug:
        raise Http404
    provider = get_active_provider(slug)
    states = request.session.get("oidc_states", {})
    entry = states.pop(state, None)
    del request.session[STATES_SESSION_KEY][state]
    request.session.modified = True
    if entry is None:
        raise Http404
    if request.GET.get("error") or "code" not in request.GET:
        return refused(request, provider, SignOnRefused("provider_error"))
    try:
        claims = ProviderBackend(provider).claims_from_callback(
            request, nonce=entry["nonce"], code_verifier=entry.get("code_verifier")
        )
    except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError, KeyError, ValueError) as exc:
        # A bad or forged answer, or a provider that cannot be reached: never a user-visible traceback.
        logger.warning("OIDC sign-on through %s refused: %s", provider.slug, exc)
        return refused(request, provider, SignOnRefused("assertion_invalid"))
    subject = claims.get(provider.match_claim)
    return sign_on_finish(
        request,
        provider,
        subject=str(subject) if isinstance(subject, str | int) else "",
        multi_factor=claims_multi_factor(provider, claims),
        groups=claims_groups(provider, claims),
        target=request.session.pop(NEXT_SESSION_KEY, ""),
    )
