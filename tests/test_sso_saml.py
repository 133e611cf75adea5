"""Signing on through an organisation's SAML 2.0 provider, against pysaml2's identity provider on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from django.test import Client

from apps.accounts.models import User
from apps.audit.models import AuditAction, AuditEvent
from apps.sso.models import IdentityProvider
from apps.sso.services import external_identity_link, identity_provider_create_saml, identity_provider_update
from tests.conftest import PASSWORD, make_user
from tests.sso_providers import SamlProvider

SP_ENTITY_ID = "https://insyn.example/saml/lerum"
LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"


@pytest.fixture
def idp(tmp_path) -> Iterator[SamlProvider]:
    provider = SamlProvider(directory=tmp_path)
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def lerum_adfs(lerum, idp) -> IdentityProvider:
    provider = identity_provider_create_saml(
        actor=None,
        organisation_slug="lerum",
        slug="lerum-adfs",
        display_name="Lerums kommun (ADFS)",
        sp_entity_id=SP_ENTITY_ID,
        idp_metadata_xml=idp.metadata(),
        mfa_values=[LOA3],
    )
    idp.sp_metadata = Client().get("/konto/sso/lerum-adfs/saml/metadata/").content.decode()
    return provider


@pytest.fixture
def linked_caseworker(lerum_adfs) -> User:
    user = make_user("lars.lerum", "executor_caseworker", "lerum-activera")
    external_identity_link(actor=None, provider=lerum_adfs, subject="ext-1", user=user)
    return user


def sign_on(client: Client, next_url: str = "") -> object:
    start = client.get("/konto/sso/lerum-adfs/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start
    answer = requests.get(start["Location"], timeout=10)
    assert answer.status_code == 200, answer.text
    form = answer.json()
    assert form["action"] == "http://testserver/konto/sso/lerum-adfs/saml/acs/"
    return client.post(
        "/konto/sso/lerum-adfs/saml/acs/", {"SAMLResponse": form["SAMLResponse"], "RelayState": form["RelayState"]}
    )


def refusals(reason: str) -> int:
    return AuditEvent.objects.filter(action=AuditAction.SSO_LOGIN_REFUSED, details__reason=reason).count()


def test_the_service_provider_metadata_names_insyns_entity_id_and_assertion_consumer_service(lerum_adfs):
    metadata = Client().get("/konto/sso/lerum-adfs/saml/metadata/").content.decode()
    assert SP_ENTITY_ID in metadata
    assert "http://testserver/konto/sso/lerum-adfs/saml/acs/" in metadata
    assert 'WantAssertionsSigned="true"' in metadata


def test_a_signed_assertion_with_a_multi_factor_authn_context_lands_on_the_page_asked_for(linked_caseworker, idp):
    client = Client()
    response = sign_on(client, next_url="/deltagare/")
    assert response.status_code == 302
    assert response["Location"] == "/deltagare/"
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_SUCCESS, actor_id=linked_caseworker.pk)
    assert event.details == {"method": "saml", "provider": "lerum-adfs", "multi_factor": True}


def test_an_authn_context_without_a_second_factor_sends_the_person_on_to_insyns_own_code(linked_caseworker, idp):
    idp.class_ref = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
    client = Client()
    response = sign_on(client)
    assert response["Location"].startswith("/konto/tvafaktor/")
    assert client.get("/").status_code == 302


def test_an_unknown_name_id_is_refused_in_swedish(linked_caseworker, idp):
    idp.subject = "someone-else"
    response = sign_on(Client())
    assert response.status_code == 403
    assert "inte kopplat till något konto i Insyn" in response.content.decode()
    assert refusals("unknown_subject") == 1


def test_an_employee_number_attribute_can_identify_the_person(lerum_adfs, idp):
    user = make_user("lars.lerum", "executor_caseworker", "lerum-activera")
    external_identity_link(actor=None, provider=lerum_adfs, subject="4711", user=user)
    IdentityProvider.objects.filter(pk=lerum_adfs.pk).update(match_claim="employeeNumber")
    idp.attributes = {"employeeNumber": ["4711"]}
    client = Client()
    assert sign_on(client)["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_user_without_grants_is_refused_with_the_swedish_message(lerum_adfs, idp):
    user = User.objects.create_user(username="utan.uppdrag", password=PASSWORD)
    external_identity_link(actor=None, provider=lerum_adfs, subject="ext-1", user=user)
    response = sign_on(Client())
    assert response.status_code == 403
    assert "Du har inget uppdrag i Insyn – kontakta din administratör." in response.content.decode()


def test_an_assertion_signed_with_a_key_outside_the_metadata_is_refused(linked_caseworker, idp):
    idp.sign_with_stranger_key = True
    client = Client()
    response = sign_on(client)
    assert response.status_code == 403
    assert refusals("assertion_invalid") == 1
    assert client.get("/").status_code == 302


def test_an_unsigned_assertion_is_refused(linked_caseworker, idp):
    idp.sign_assertion = False
    assert sign_on(Client()).status_code == 403
    assert refusals("assertion_invalid") == 1


def test_a_response_cannot_be_replayed(linked_caseworker, idp):
    client = Client()
    start = client.get("/konto/sso/lerum-adfs/")
    form = requests.get(start["Location"], timeout=10).json()
    data = {"SAMLResponse": form["SAMLResponse"], "RelayState": form["RelayState"]}
    assert client.post("/konto/sso/lerum-adfs/saml/acs/", data).status_code == 302
    client.logout()
    assert client.post("/konto/sso/lerum-adfs/saml/acs/", data).status_code == 403


def test_a_switched_off_provider_starts_no_login(lerum_adfs):
    identity_provider_update(actor=None, provider=lerum_adfs, active=False)
    assert Client().get("/konto/sso/lerum-adfs/").status_code == 404
