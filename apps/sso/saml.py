"""SAML 2.0 through djangosaml2 and pysaml2. djangosaml2's config loader (SAML_CONFIG_LOADER)
builds the service provider's configuration per request from the provider the URL names;
pysaml2 checks the response: signed assertion, audience, our outstanding request, lifetime."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import saml2
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from djangosaml2.cache import IdentityCache, OutstandingQueriesCache, StateCache
from djangosaml2.conf import get_config
from djangosaml2.utils import available_idps
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor
from saml2.response import StatusError

from .errors import SignOnRefused
from .flow import refused, sign_on_finish
from .models import IdentityProvider, Protocol
from .selectors import get_active_provider

logger = logging.getLogger(__name__)


def _saml_provider(slug: str) -> IdentityProvider:
    provider = get_active_provider(slug)
    if provider.protocol != Protocol.SAML:
        raise Http404
    return provider


def _saml_session(request: HttpRequest) -> Any:
    """djangosaml2's session (SamlSessionMiddleware): its cookie reaches the cross-site POST."""
    return getattr(request, "saml_session")  # noqa: B009 - set by middleware, unknown to the stubs


def sp_config_dict(provider: IdentityProvider, *, acs_url: str) -> dict[str, Any]:
    """pysaml2's service-provider configuration for one organisation's provider."""
    metadata: dict[str, Any] = (
        {"inline": [provider.idp_metadata_xml]}
        if provider.idp_metadata_xml
        else {"remote": [{"url": provider.idp_metadata_url}]}
    )
    config: dict[str, Any] = {
        "entityid": provider.sp_entity_id,
        "xmlsec_binary": settings.INSYN_XMLSEC_BINARY,
        "allow_unknown_attributes": True,
        "metadata": metadata,
        "service": {
            "sp": {
                "name": "Insyn",
                "endpoints": {"assertion_consumer_service": [(acs_url, saml2.BINDING_HTTP_POST)]},
                "allow_unsolicited": False,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "only_use_keys_in_metadata": True,
            }
        },
    }
    key_file, cert_file = Path(settings.INSYN_SAML_KEY_FILE), Path(settings.INSYN_SAML_CERT_FILE)
    if key_file.exists() and cert_file.exists():
        # Insyn's own key pair: signed requests, and encrypted assertions the provider may send.
        config["key_file"], config["cert_file"] = str(key_file), str(cert_file)
        config["encryption_keypairs"] = [{"key_file": str(key_file), "cert_file": str(cert_file)}]
        config["service"]["sp"]["authn_requests_signed"] = True
    return config


def saml_config_for_request(request: HttpRequest) -> SPConfig:
    """djangosaml2's config loader: the provider is the one the URL (/konto/sso/<slug>/…) names."""
    match = request.resolver_match
    slug = match.kwargs.get("slug", "") if match is not None else ""
    provider = _saml_provider(slug)
    conf = SPConfig()
    conf.load(sp_config_dict(provider, acs_url=request.build_absolute_uri(reverse("sso:saml_acs", args=[slug]))))
    return conf


def saml_login_start(request: HttpRequest, provider: IdentityProvider, target: str) -> HttpResponse:
    """Send an AuthnRequest (HTTP-Redirect binding) and remember it, with where to go after."""
    conf = get_config(request=request)
    client = Saml2Client(
        conf, state_cache=StateCache(_saml_session(request)), identity_cache=IdentityCache(_saml_session(request))
    )
    idp_entity_id = next(iter(available_idps(conf)))
    session_id, info = client.prepare_for_authenticate(
        entityid=idp_entity_id, relay_state=target, binding=saml2.BINDING_HTTP_REDIRECT
    )
    OutstandingQueriesCache(_saml_session(request)).set(session_id, target)
    return HttpResponseRedirect(dict(info["headers"])["Location"])


def _first(values: Any) -> str:
    if isinstance(values, list | tuple):
        return str(values[0]) if values else ""
    return str(values or "")


@csrf_exempt  # The provider posts from its own site; the response is signed and answers our request.
@never_cache
@require_POST
def saml_acs(request: HttpRequest, slug: str) -> HttpResponse:
    provider = _saml_provider(slug)
    if "SAMLResponse" not in request.POST:
        return refused(request, provider, SignOnRefused("assertion_invalid"))
    conf = get_config(request=request)
    client = Saml2Client(conf, identity_cache=IdentityCache(_saml_session(request)))
    outstanding = OutstandingQueriesCache(_saml_session(request))
    outstanding.sync()
    queries = outstanding.outstanding_queries()
    try:
        response = client.parse_authn_request_response(request.POST["SAMLResponse"], saml2.BINDING_HTTP_POST, queries)
    except StatusError as exc:
        logger.info("SAML sign-on through %s refused by the provider: %s", provider.slug, exc)
        return refused(request, provider, SignOnRefused("provider_error"))
    except Exception as exc:  # pysaml2 signals a bad response with many exception types.
        logger.warning("SAML sign-on through %s refused: %r", provider.slug, exc)
        return refused(request, provider, SignOnRefused("assertion_invalid"))
    if response is None or response.assertion is None:
        return refused(request, provider, SignOnRefused("assertion_invalid"))
    target = queries.get(response.in_response_to, "")
    outstanding.delete(response.session_id())
    info = response.session_info()
    attributes: dict[str, Any] = info.get("ava", {})
    name_id = info.get("name_id")
    subject = _first(attributes.get(provider.match_claim)) if provider.match_claim else getattr(name_id, "text", "")
    class_refs = {str(ref) for ref, *_ in response.authn_info()}
    groups_value = attributes.get(provider.group_claim or "groups") or []
    return sign_on_finish(
        request,
        provider,
        subject=subject or "",
        multi_factor=bool(class_refs & {str(value) for value in provider.mfa_values}),
        groups=[str(group) for group in groups_value],
        target=target,
    )


def saml_metadata(request: HttpRequest, slug: str) -> HttpResponse:
    """Insyn's service-provider metadata for this provider: give its address to ADFS or Keycloak."""
    conf = get_config(request=request)
    return HttpResponse(str(entity_descriptor(conf)).encode("utf-8"), content_type="text/xml; charset=utf-8")
