"""The local administrator's pages for the municipality's identity provider."""

from __future__ import annotations

import pytest

from apps.accounts.models import User
from apps.audit.models import AuditAction, AuditEvent
from apps.sso.models import ExternalIdentity, IdentityProvider
from apps.sso.services import external_identity_link, identity_provider_create_saml
from insyn.errors import ValidationFailed
from tests.conftest import make_user, verified_client


def _provider(org: str) -> IdentityProvider:
    return identity_provider_create_saml(
        actor=None,
        organisation_slug=org,
        slug=f"{org}-adfs",
        display_name=f"{org.title()} ADFS",
        sp_entity_id=f"https://insyn.example/saml/{org}",
        idp_metadata_url=f"https://adfs.{org}.example/metadata.xml",
    )


@pytest.fixture
def lerum_admin(lerum):
    return make_user("admin.lerum", "local_admin", "lerum")


def test_a_local_administrator_sees_only_their_own_municipalitys_providers(lerum_admin, alingsas):
    _provider("lerum")
    _provider("alingsas")
    client = verified_client(lerum_admin)
    page = client.get("/konto/sso/installningar/leverantorer/").content.decode()
    assert "Lerum ADFS" in page
    assert "Alingsas ADFS" not in page
    assert client.get("/konto/sso/installningar/leverantorer/alingsas-adfs/").status_code == 404


def test_a_local_administrator_links_a_person_of_the_municipality_and_it_is_audited(lerum_admin):
    provider = _provider("lerum")
    make_user("lars.lerum", "executor_caseworker", "lerum-activera")
    client = verified_client(lerum_admin)
    response = client.post(
        "/konto/sso/installningar/leverantorer/lerum-adfs/", {"subject": "4711", "username": "lars.lerum"}
    )
    assert response.status_code == 302
    assert ExternalIdentity.objects.get(provider=provider).user.username == "lars.lerum"
    event = AuditEvent.objects.get(action=AuditAction.SSO_CONFIG_CHANGE, details__change="link")
    assert event.actor_username == "admin.lerum"
    assert "4711" in client.get("/konto/sso/installningar/leverantorer/lerum-adfs/").content.decode()


def test_a_person_with_grants_elsewhere_cannot_be_linked_from_the_web(lerum_admin, alingsas):
    provider = _provider("lerum")
    make_user("ann.alingsas", "executor_caseworker", "alingsas-activera")
    client = verified_client(lerum_admin)
    response = client.post(
        "/konto/sso/installningar/leverantorer/lerum-adfs/", {"subject": "4711", "username": "ann.alingsas"}
    )
    assert response.status_code == 200
    assert "som bara har uppdrag inom Lerums kommun" in response.content.decode()
    assert not ExternalIdentity.objects.filter(provider=provider).exists()
    with pytest.raises(ValidationFailed):
        external_identity_link(
            actor=lerum_admin, provider=provider, subject="4711", user=User.objects.get(username="ann.alingsas")
        )


def test_the_local_administrator_turns_local_passwords_off(lerum_admin):
    provider = _provider("lerum")
    client = verified_client(lerum_admin)
    url = "/konto/sso/installningar/leverantorer/lerum-adfs/losenord/"
    assert client.get(url).status_code == 405
    assert client.post(url, {"local_passwords_allowed": "off"}).status_code == 302
    provider.refresh_from_db()
    assert not provider.local_passwords_allowed
    event = AuditEvent.objects.get(action=AuditAction.SSO_CONFIG_CHANGE, details__change="update")
    assert event.details["local_passwords_allowed"] is False


def test_a_caseworker_has_no_provider_pages(lerum):
    _provider("lerum")
    client = verified_client(make_user("lars.lerum", "executor_caseworker", "lerum-activera"))
    assert client.get("/konto/sso/installningar/leverantorer/").status_code == 403
    assert client.get("/konto/sso/installningar/leverantorer/lerum-adfs/").status_code == 404
