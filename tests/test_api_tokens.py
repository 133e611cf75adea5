"""API tokens expire, and their owners and system administrators list and revoke them, on pages and
in the API. Everyone else learns nothing of someone else's token (404)."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from apps.accounts.models import User
from apps.accounts.services import api_token_create, api_token_issue, api_token_revoke, api_tokens_revoke
from apps.audit.models import AuditAction, AuditEvent
from insyn.errors import ValidationFailed
from tests.conftest import verified_client


def _api(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _issue(user: User, **kwargs) -> tuple[AuthToken, str]:
    return api_token_issue(user=user, **kwargs)


def _expire(instance: AuthToken) -> None:
    AuthToken.objects.filter(digest=instance.digest).update(expiry=timezone.now() - datetime.timedelta(seconds=1))


def _keys(response) -> list[str]:
    return [row["token_key"] for row in response.json()["results"]]


def _close_to(moment: datetime.datetime, expected: datetime.datetime) -> bool:
    return abs(moment - expected) < datetime.timedelta(minutes=1)


# Expiry


def test_a_new_token_expires_after_ninety_days_unless_configured_otherwise(caseworker_alingsas):
    assert django_settings.INSYN_API_TOKEN_DAYS == 90
    assert django_settings.REST_KNOX["TOKEN_TTL"] == datetime.timedelta(days=90)
    instance, _token = _issue(caseworker_alingsas)
    assert _close_to(instance.expiry, timezone.now() + datetime.timedelta(days=90))
    assert AuthToken.objects.get(digest=instance.digest).expiry == instance.expiry


def test_insyn_api_token_days_sets_the_term_of_new_tokens(caseworker_alingsas, settings):
    settings.INSYN_API_TOKEN_DAYS = 7
    instance, _token = _issue(caseworker_alingsas)
    assert _close_to(instance.expiry, timezone.now() + datetime.timedelta(days=7))


def test_a_token_can_be_given_another_term_of_one_to_365_days(caseworker_alingsas):
    short, _ = _issue(caseworker_alingsas, days=1)
    long, _ = _issue(caseworker_alingsas, days=365)
    assert _close_to(short.expiry, timezone.now() + datetime.timedelta(days=1))
    assert _close_to(long.expiry, timezone.now() + datetime.timedelta(days=365))
    for days in (0, -3, 366):
        with pytest.raises(ValidationFailed, match="1–365 dagar"):
            _issue(caseworker_alingsas, days=days)
    assert AuthToken.objects.filter(user=caseworker_alingsas).count() == 2


@pytest.mark.parametrize("value", ["nittio", "0", "366", "-1", "1.5"])
def test_nonsense_in_insyn_api_token_days_stops_the_application_from_starting(value, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSYN_")}
    env.update(INSYN_API_TOKEN_DAYS=value, INSYN_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="insyn.settings")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "INSYN_API_TOKEN_DAYS" in result.stderr


def test_a_sensible_insyn_api_token_days_is_accepted_at_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSYN_")}
    env.update(INSYN_API_TOKEN_DAYS="30", INSYN_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="insyn.settings")
    script = "import django; django.setup(); from django.conf import settings; print(settings.REST_KNOX['TOKEN_TTL'])"
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "30 days, 0:00:00"


def test_a_token_works_until_it_expires_and_then_gets_401_in_the_one_error_shape(caseworker_alingsas):
    instance, token = _issue(caseworker_alingsas, days=1)
    assert _api(token).get("/api/v1/me/").status_code == 200
    _expire(instance)
    response = _api(token).get("/api/v1/me/")
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == "authentication_failed"
    assert body["error"]["message"] and body["error"]["fields"] == {}


def test_tokens_made_before_expiry_existed_get_a_full_term_from_the_upgrade(caseworker_alingsas):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("apps.accounts.migrations.0003_api_tokens_expire")
    old, _ = AuthToken.objects.create(user=caseworker_alingsas, expiry=None)
    migration.give_every_token_an_expiry(apps, None)
    old.refresh_from_db()
    assert old.expiry is not None
    assert _close_to(old.expiry, timezone.now() + datetime.timedelta(days=90))


# Audit


def test_creating_and_revoking_a_token_is_audited_with_the_key_prefix_never_the_token(
    caseworker_alingsas, system_admin
):
    instance, token = _issue(caseworker_alingsas, actor=system_admin)
    api_token_revoke(token=AuthToken.objects.get(digest=instance.digest), actor=caseworker_alingsas)
    created = AuditEvent.objects.get(action=AuditAction.TOKEN_CREATE, object_id=caseworker_alingsas.username)
    revoked = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKE, object_id=caseworker_alingsas.username)
    assert created.actor_username == system_admin.username
    assert revoked.actor_username == caseworker_alingsas.username
    assert created.details["token_key"] == revoked.details["token_key"] == instance.token_key
    assert len(instance.token_key) < len(token)
    for event in AuditEvent.objects.all():
        assert token not in json.dumps(event.details)


def test_revoking_all_of_a_users_tokens_audits_each_key(caseworker_alingsas):
    first, _ = _issue(caseworker_alingsas)
    second, _ = _issue(caseworker_alingsas)
    assert api_tokens_revoke(user=caseworker_alingsas) == 2
    assert not AuthToken.objects.filter(user=caseworker_alingsas).exists()
    logged = AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKE).values_list("details__token_key", flat=True)
    assert sorted(logged) == sorted([first.token_key, second.token_key])


# Pages


def test_the_owner_sees_their_tokens_with_created_expiry_and_state(caseworker_alingsas, caseworker_lerum):
    current, token = _issue(caseworker_alingsas)
    old, _ = _issue(caseworker_alingsas, days=1)
    _expire(old)
    others, _ = _issue(caseworker_lerum)
    response = verified_client(caseworker_alingsas).get("/konto/api-nycklar/")
    assert response.status_code == 200
    body = response.content.decode()
    assert current.token_key in body and old.token_key in body
    assert others.token_key not in body
    assert token not in body
    assert timezone.localtime(current.expiry).strftime("%Y-%m-%d") in body
    assert timezone.localtime(current.created).strftime("%Y-%m-%d") in body
    assert "Utgången" in body and "Gäller" in body
    assert '<th scope="col">' in body
    assert f'Återkalla<span class="visually-hidden"> nyckel {current.token_key}</span>' in body


def test_the_start_page_links_to_the_users_tokens(caseworker_alingsas):
    body = verified_client(caseworker_alingsas).get("/").content.decode()
    assert 'href="/konto/api-nycklar/"' in body
    assert 'href="/konto/api-nycklar/alla/"' not in body


def test_the_owner_revokes_a_token_with_the_button(caseworker_alingsas):
    kept, kept_token = _issue(caseworker_alingsas)
    gone, gone_token = _issue(caseworker_alingsas)
    client = verified_client(caseworker_alingsas)
    response = client.post(f"/konto/api-nycklar/{gone.token_key}/aterkalla/")
    assert response.status_code == 302 and response["Location"] == "/konto/api-nycklar/"
    assert not AuthToken.objects.filter(digest=gone.digest).exists()
    assert AuthToken.objects.filter(digest=kept.digest).exists()
    assert _api(gone_token).get("/api/v1/me/").status_code == 401
    assert _api(kept_token).get("/api/v1/me/").status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKE)
    assert event.channel == "web" and event.details == {"token_key": gone.token_key}
    assert "är återkallad" in client.get("/konto/api-nycklar/").content.decode()


def test_the_revoke_button_is_a_post_with_a_csrf_token(caseworker_alingsas):
    instance, _ = _issue(caseworker_alingsas)
    strict = verified_client(caseworker_alingsas)
    strict.handler.enforce_csrf_checks = True
    assert strict.post(f"/konto/api-nycklar/{instance.token_key}/aterkalla/").status_code == 403
    assert strict.get(f"/konto/api-nycklar/{instance.token_key}/aterkalla/").status_code == 405
    assert AuthToken.objects.filter(digest=instance.digest).exists()
    page = strict.get("/konto/api-nycklar/").content.decode()
    assert 'name="csrfmiddlewaretoken"' in page and 'method="post"' in page


def test_a_system_administrator_sees_every_users_tokens_and_filters_by_username(
    caseworker_alingsas, caseworker_lerum, system_admin
):
    alingsas, _ = _issue(caseworker_alingsas)
    lerum, _ = _issue(caseworker_lerum)
    client = verified_client(system_admin)
    everyone = client.get("/konto/api-nycklar/alla/").content.decode()
    assert alingsas.token_key in everyone and lerum.token_key in everyone
    assert caseworker_lerum.username in everyone
    only = client.get("/konto/api-nycklar/alla/", {"anvandare": "ANN.alingsas"}).content.decode()
    assert alingsas.token_key in only and lerum.token_key not in only
    nobody = client.get("/konto/api-nycklar/alla/", {"anvandare": "ingen.alls"}).content.decode()
    assert "ingen.alls har inga API-nycklar" in nobody
    own_page = client.get("/konto/api-nycklar/").content.decode()
    assert alingsas.token_key not in own_page and 'href="/konto/api-nycklar/alla/"' in own_page


def test_a_system_administrator_revokes_anyones_token_and_returns_to_the_filtered_list(
    caseworker_alingsas, system_admin
):
    instance, _ = _issue(caseworker_alingsas)
    back = "/konto/api-nycklar/alla/?anvandare=ann.alingsas"
    response = verified_client(system_admin).post(f"/konto/api-nycklar/{instance.token_key}/aterkalla/", {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert not AuthToken.objects.filter(digest=instance.digest).exists()
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKE)
    assert event.actor_username == system_admin.username and event.object_id == caseworker_alingsas.username


def test_the_revoke_button_never_sends_anyone_to_another_site(caseworker_alingsas):
    instance, _ = _issue(caseworker_alingsas)
    response = verified_client(caseworker_alingsas).post(
        f"/konto/api-nycklar/{instance.token_key}/aterkalla/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/konto/api-nycklar/"


def test_another_user_gets_404_for_someone_elses_token_on_the_pages(caseworker_alingsas, caseworker_lerum):
    instance, _ = _issue(caseworker_alingsas)
    client = verified_client(caseworker_lerum)
    assert client.post(f"/konto/api-nycklar/{instance.token_key}/aterkalla/").status_code == 404
    assert client.get(f"/konto/api-nycklar/{instance.token_key}/aterkalla/").status_code == 404
    assert AuthToken.objects.filter(digest=instance.digest).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKE).exists()


def test_only_a_system_administrator_reaches_every_users_tokens(caseworker_alingsas, auditor_alingsas):
    for user in (caseworker_alingsas, auditor_alingsas):
        assert verified_client(user).get("/konto/api-nycklar/alla/").status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in_from_the_token_pages(caseworker_alingsas):
    instance, _ = _issue(caseworker_alingsas)
    client = Client()
    for url in (
        "/konto/api-nycklar/",
        "/konto/api-nycklar/alla/",
        f"/konto/api-nycklar/{instance.token_key}/aterkalla/",
    ):
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 302, url
            assert response["Location"].startswith("/konto/logga-in/?next="), url
    assert AuthToken.objects.filter(digest=instance.digest).exists()


def test_the_token_pages_ask_for_the_second_factor_first(system_admin):
    client = Client()
    client.force_login(system_admin)
    for url in ("/konto/api-nycklar/", "/konto/api-nycklar/alla/"):
        assert client.get(url)["Location"].startswith("/konto/tvafaktor/"), url


# API


def test_the_owner_lists_their_own_tokens_in_the_api(caseworker_alingsas, caseworker_lerum):
    current, token = _issue(caseworker_alingsas)
    spare, _ = _issue(caseworker_alingsas, days=1)
    others, _ = _issue(caseworker_lerum)
    response = _api(token).get("/api/v1/tokens/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"results", "next"} and body["next"] is None
    rows = {row["token_key"]: row for row in body["results"]}
    assert set(rows) == {current.token_key, spare.token_key}
    assert rows[current.token_key]["username"] == caseworker_alingsas.username
    assert rows[current.token_key]["expired"] is False
    assert datetime.datetime.fromisoformat(rows[current.token_key]["expires"]) == current.expiry
    assert datetime.datetime.fromisoformat(rows[spare.token_key]["created"]) == spare.created
    assert token not in response.content.decode()
    # Another user's name as a filter finds nothing outside the user's reach.
    assert _keys(_api(token).get("/api/v1/tokens/", {"user": caseworker_lerum.username})) == []
    assert others.token_key not in response.content.decode()


def test_a_system_administrator_lists_every_token_and_narrows_with_user(
    caseworker_alingsas, caseworker_lerum, system_admin
):
    alingsas, _ = _issue(caseworker_alingsas)
    lerum, _ = _issue(caseworker_lerum)
    _expire(lerum)
    admin, admin_token = _issue(system_admin)
    client = _api(admin_token)
    rows = {row["token_key"]: row for row in client.get("/api/v1/tokens/").json()["results"]}
    assert set(rows) == {alingsas.token_key, lerum.token_key, admin.token_key}
    assert rows[lerum.token_key]["expired"] is True and rows[alingsas.token_key]["expired"] is False
    assert rows[lerum.token_key]["username"] == caseworker_lerum.username
    assert _keys(client.get("/api/v1/tokens/", {"user": caseworker_lerum.username})) == [lerum.token_key]


def test_the_api_token_list_comes_a_page_at_a_time(caseworker_alingsas):
    _instance, token = _issue(caseworker_alingsas)
    for _ in range(2):
        _issue(caseworker_alingsas)
    client = _api(token)
    first = client.get("/api/v1/tokens/", {"limit": 2}).json()
    assert len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    seen = [row["token_key"] for row in first["results"] + second["results"]]
    assert sorted(seen) == sorted(AuthToken.objects.values_list("token_key", flat=True))
    assert client.get("/api/v1/tokens/", {"limit": 0}).json()["error"]["code"] == "invalid"


def test_the_owner_reads_and_revokes_a_token_in_the_api(caseworker_alingsas):
    _current, token = _issue(caseworker_alingsas)
    other, other_token = _issue(caseworker_alingsas)
    client = _api(token)
    read = client.get(f"/api/v1/tokens/{other.token_key}/")
    assert read.status_code == 200 and read.json()["token_key"] == other.token_key
    response = client.delete(f"/api/v1/tokens/{other.token_key}/")
    assert response.status_code == 204
    assert _api(other_token).get("/api/v1/me/").status_code == 401
    assert client.get(f"/api/v1/tokens/{other.token_key}/").status_code == 404
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKE)
    assert event.channel == "api" and event.details == {"token_key": other.token_key}


def test_a_token_revoked_with_itself_stops_working_at_once(caseworker_alingsas):
    current, token = _issue(caseworker_alingsas)
    assert _api(token).delete(f"/api/v1/tokens/{current.token_key}/").status_code == 204
    assert _api(token).get("/api/v1/tokens/").status_code == 401


def test_a_system_administrator_revokes_anyones_token_in_the_api(caseworker_alingsas, system_admin):
    instance, _ = _issue(caseworker_alingsas)
    _admin, admin_token = _issue(system_admin)
    client = _api(admin_token)
    assert client.get(f"/api/v1/tokens/{instance.token_key}/").json()["username"] == caseworker_alingsas.username
    assert client.delete(f"/api/v1/tokens/{instance.token_key}/").status_code == 204
    assert not AuthToken.objects.filter(digest=instance.digest).exists()
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKE)
    assert event.actor_username == system_admin.username and event.object_id == caseworker_alingsas.username


def test_another_user_gets_404_for_someone_elses_token_in_the_api(
    caseworker_alingsas, caseworker_lerum, auditor_alingsas
):
    instance, _ = _issue(caseworker_alingsas)
    for user in (caseworker_lerum, auditor_alingsas):
        client = _api(api_token_create(user=user))
        for response in (
            client.get(f"/api/v1/tokens/{instance.token_key}/"),
            client.delete(f"/api/v1/tokens/{instance.token_key}/"),
        ):
            assert response.status_code == 404, user.username
            assert response.json()["error"]["code"] == "not_found"
    assert AuthToken.objects.filter(digest=instance.digest).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKE).exists()


def test_an_anonymous_client_gets_401_from_the_token_api(caseworker_alingsas):
    instance, _ = _issue(caseworker_alingsas)
    client = APIClient()
    for response in (
        client.get("/api/v1/tokens/"),
        client.get(f"/api/v1/tokens/{instance.token_key}/"),
        client.delete(f"/api/v1/tokens/{instance.token_key}/"),
    ):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
    assert AuthToken.objects.filter(digest=instance.digest).exists()


def test_the_token_routes_are_in_the_openapi_schema_with_their_operation_ids(caseworker_alingsas):
    schema = _api(api_token_create(user=caseworker_alingsas)).get("/api/v1/openapi.json").json()
    assert schema["paths"]["/api/v1/tokens/"]["get"]["operationId"] == "tokens_list"
    detail = schema["paths"]["/api/v1/tokens/{token_key}/"]
    assert detail["get"]["operationId"] == "tokens_retrieve"
    assert detail["delete"]["operationId"] == "tokens_destroy"
