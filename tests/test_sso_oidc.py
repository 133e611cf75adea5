"""Signing on through an organisation's OpenID Connect provider, against a real provider on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
import requests
from django.core.management import call_command
from django.test import Client

from apps.accounts.models import RoleGrant, User
from apps.audit.models import AuditAction, AuditEvent
from apps.sso.models import ExternalIdentity, IdentityProvider
from apps.sso.services import external_identity_link, identity_provider_create_oidc, identity_provider_update
from tests.conftest import PASSWORD, make_user
from tests.sso_providers import CLIENT_ID, CLIENT_SECRET, OidcProvider


@pytest.fixture
def idp() -> Iterator[OidcProvider]:
    provider = OidcProvider()
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def lerum_entra(lerum, idp) -> IdentityProvider:
    return identity_provider_create_oidc(
        actor=None,
        organisation_slug="lerum",
        slug="lerum-entra",
        display_name="Lerums kommun",
        discovery_url=idp.discovery_url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )


@pytest.fixture
def linked_caseworker(lerum_entra) -> User:
    user = make_user("lars.lerum", "executor_caseworker", "lerum-activera")
    external_identity_link(actor=None, provider=lerum_entra, subject="ext-1", user=user)
    return user


def sign_on(client: Client, slug: str = "lerum-entra", next_url: str = "") -> object:
    """Start at Insyn, let the provider answer over HTTP, bring its answer back to Insyn."""
    start = client.get(f"/konto/sso/{slug}/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start
    answer = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    callback = urlparse(answer.headers["Location"])
    assert callback.netloc == "testserver"
    return client.get(f"{callback.path}?{callback.query}")


def refusals(reason: str) -> int:
    return AuditEvent.objects.filter(action=AuditAction.SSO_LOGIN_REFUSED, details__reason=reason).count()


def test_a_person_whose_provider_asserts_a_second_factor_lands_on_the_start_page_without_insyns_code(
    linked_caseworker, idp
):
    client = Client()
    response = sign_on(client)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_SUCCESS, actor_id=linked_caseworker.pk)
    assert event.details == {"method": "oidc", "provider": "lerum-entra", "multi_factor": True}


def test_a_provider_without_a_second_factor_sends_the_person_on_to_insyns_own_code(linked_caseworker, idp):
    idp.person = {"sub": "ext-1", "amr": ["pwd"]}
    client = Client()
    response = sign_on(client, next_url="/deltagare/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/tvafaktor/")
    assert "next=%2Fdeltagare%2F" in response["Location"]
    # Logged in, but every page still waits for the code.
    assert client.get("/").status_code == 302


def test_an_acr_the_organisation_counts_as_multi_factor_is_enough(linked_caseworker, lerum_entra, idp):
    identity_provider_update(actor=None, provider=lerum_entra, mfa_values=["http://id.sambi.se/loa/loa3"])
    idp.person = {"sub": "ext-1", "acr": "http://id.sambi.se/loa/loa3"}
    client = Client()
    assert sign_on(client)["Location"] == "/"


def test_an_unknown_subject_is_refused_in_swedish_and_logged(linked_caseworker, idp):
    idp.person = {"sub": "someone-else", "amr": ["mfa"]}
    client = Client()
    response = sign_on(client)
    assert response.status_code == 403
    assert "inte kopplat till något konto i Insyn" in response.content.decode()
    assert refusals("unknown_subject") == 1
    assert client.get("/").status_code == 302


def test_a_person_is_never_matched_by_name_or_email(linked_caseworker, idp):
    linked_caseworker.email = "lars@lerum.se"
    linked_caseworker.save()
    idp.person = {"sub": "ext-2", "email": "lars@lerum.se", "name": "Lars Lerum", "preferred_username": "lars.lerum"}
    assert sign_on(Client()).status_code == 403
    assert refusals("unknown_subject") == 1


def test_a_user_without_grants_is_refused_with_the_swedish_message(lerum_entra, idp):
    user = User.objects.create_user(username="utan.uppdrag", password=PASSWORD)
    external_identity_link(actor=None, provider=lerum_entra, subject="ext-1", user=user)
    response = sign_on(Client())
    assert response.status_code == 403
    assert "Du har inget uppdrag i Insyn – kontakta din administratör." in response.content.decode()
    assert AuditEvent.objects.get(action=AuditAction.SSO_LOGIN_REFUSED).actor_username == "utan.uppdrag"


def test_an_inactive_user_is_refused(linked_caseworker, idp):
    linked_caseworker.is_active = False
    linked_caseworker.save()
    assert sign_on(Client()).status_code == 403
    assert refusals("inactive_user") == 1


def test_a_provider_of_another_municipality_does_not_let_in_a_user_whose_grants_lie_elsewhere(lerum_entra, idp):
    user = make_user("ann.alingsas", "executor_caseworker", "alingsas-activera")
    external_identity_link(actor=None, provider=lerum_entra, subject="ext-1", user=user)
    assert sign_on(Client()).status_code == 403
    assert refusals("other_organisation") == 1


def test_an_id_token_signed_with_another_key_is_refused(linked_caseworker, idp):
    idp.sign_with_stranger_key = True
    client = Client()
    response = sign_on(client)
    assert response.status_code == 403
    assert "kunde inte kontrolleras" in response.content.decode()
    assert refusals("assertion_invalid") == 1
    assert client.get("/").status_code == 302


def test_an_id_token_from_another_issuer_is_refused(linked_caseworker, idp):
    idp.issuer_claim = "https://login.example.invalid/"
    assert sign_on(Client()).status_code == 403
    assert refusals("assertion_invalid") == 1


def test_the_providers_refusal_is_shown_and_logged(linked_caseworker, idp):
    idp.refuse = True
    response = sign_on(Client())
    assert response.status_code == 403
    assert refusals("provider_error") == 1


def test_a_callback_cannot_be_replayed(linked_caseworker, idp):
    client = Client()
    start = client.get("/konto/sso/lerum-entra/")
    answer = requests.get(start["Location"], allow_redirects=False, timeout=10)
    callback = urlparse(answer.headers["Location"])
    assert client.get(f"{callback.path}?{callback.query}").status_code == 302
    client.logout()
    assert client.get(f"{callback.path}?{callback.query}").status_code == 404


def test_signing_on_gives_the_session_a_new_id(linked_caseworker, idp):
    client = Client()
    client.get("/konto/sso/lerum-entra/")
    before = client.session.session_key
    start = client.get("/konto/sso/lerum-entra/")
    answer = requests.get(start["Location"], allow_redirects=False, timeout=10)
    callback = urlparse(answer.headers["Location"])
    client.get(f"{callback.path}?{callback.query}")
    assert client.session.session_key != before


def test_the_login_page_offers_the_organisations_provider(lerum_entra):
    page = Client().get("/konto/logga-in/").content.decode()
    assert "Logga in via Lerums kommun" in page
    assert "/konto/sso/lerum-entra/" in page


def test_an_organisation_that_disallows_local_passwords_refuses_its_users_password(linked_caseworker, lerum_entra):
    identity_provider_update(actor=None, provider=lerum_entra, local_passwords_allowed=False)
    make_user("ann.alingsas", "executor_caseworker", "alingsas-activera")
    client = Client()
    response = client.post("/konto/logga-in/", {"username": "lars.lerum", "password": PASSWORD})
    assert response.status_code == 200
    assert "loggar in via sin egen identitetsleverantör" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert refusals("local_password_disallowed") == 1
    # A wrong password gets the usual answer: nobody learns from it that the account signs on elsewhere.
    wrong = Client().post("/konto/logga-in/", {"username": "lars.lerum", "password": "fel-losenord-123"})
    assert "loggar in via sin egen identitetsleverantör" not in wrong.content.decode()
    assert refusals("local_password_disallowed") == 1
    # Another municipality's users keep their passwords.
    other = Client().post("/konto/logga-in/", {"username": "ann.alingsas", "password": PASSWORD})
    assert other.status_code == 302


def test_groups_give_no_roles_unless_the_organisation_turns_the_mapping_on(lerum_entra, idp):
    user = User.objects.create_user(username="ny.medarbetare", password=PASSWORD)
    external_identity_link(actor=None, provider=lerum_entra, subject="ext-1", user=user)
    idp.person = {"sub": "ext-1", "amr": ["mfa"], "groups": ["insyn-revisorer"]}
    identity_provider_update(actor=None, provider=lerum_entra, group_mapping={"insyn-revisorer": "auditor"})
    assert sign_on(Client()).status_code == 403
    assert not RoleGrant.objects.filter(user=user).exists()
    identity_provider_update(actor=None, provider=lerum_entra, group_mapping_enabled=True)
    assert sign_on(Client())["Location"] == "/"
    assert RoleGrant.objects.get(user=user).role == "auditor"


def test_the_command_configures_a_provider_from_its_discovery_document_and_links_a_user(lerum, idp, monkeypatch):
    user = make_user("lars.lerum", "executor_caseworker", "lerum-activera")
    monkeypatch.setenv("LERUM_CLIENT_SECRET", CLIENT_SECRET)
    call_command(
        "sso",
        "add-oidc",
        "--org=lerum",
        "--slug=lerum-entra",
        "--name=Lerums kommun",
        f"--discovery-url={idp.discovery_url}",
        f"--client-id={CLIENT_ID}",
        "--client-secret-env=LERUM_CLIENT_SECRET",
        "--no-local-passwords",
    )
    call_command("sso", "link", "lerum-entra", "ext-1", "lars.lerum")
    provider = IdentityProvider.objects.get(slug="lerum-entra")
    assert provider.token_endpoint == f"{idp.base_url}/token"
    assert CLIENT_SECRET not in provider.client_secret_encrypted
    assert not provider.local_passwords_allowed
    assert ExternalIdentity.objects.get(provider=provider).user == user
    assert AuditEvent.objects.filter(action=AuditAction.SSO_CONFIG_CHANGE).count() == 2
    assert sign_on(Client())["Location"] == "/"


def test_a_group_can_map_to_a_role_in_a_unit_inside_the_organisation_but_not_outside_it(lerum_entra, idp):
    from insyn.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        identity_provider_update(
            actor=None, provider=lerum_entra, group_mapping={"handlaggare": "executor_caseworker@alingsas-activera"}
        )
    assert "finns inte inom lerum" in refused.value.fields["group_mapping"][0]
    identity_provider_update(
        actor=None,
        provider=lerum_entra,
        group_mapping_enabled=True,
        group_mapping={"handlaggare": "executor_caseworker@lerum-activera"},
    )
    user = User.objects.create_user(username="ny.handlaggare", password=PASSWORD)
    external_identity_link(actor=None, provider=lerum_entra, subject="ext-1", user=user)
    idp.person = {"sub": "ext-1", "amr": ["mfa"], "groups": ["handlaggare", "okand-grupp"]}
    assert sign_on(Client())["Location"] == "/"
    grant = RoleGrant.objects.get(user=user)
    assert (grant.role, grant.organisation.slug) == ("executor_caseworker", "lerum-activera")
    event = AuditEvent.objects.get(action=AuditAction.ROLE_GRANT, object_id="ny.handlaggare")
    assert event.details["source"] == "lerum-entra"
