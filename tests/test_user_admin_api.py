"""User administration in the API: the pages' rules, outsiders 404, errors in the one shape."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.models import RoleGrant, User
from apps.accounts.services import api_token_create
from apps.audit.models import AuditAction, AuditEvent
from tests.conftest import make_user


@pytest.fixture
def admin_lerum(insjoriket) -> User:
    return make_user("admin.lerum", "local_admin", "lerum")


def _api(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
    return client


def test_the_list_holds_the_administrators_users_only(admin_lerum, caseworker_lerum, caseworker_alingsas):
    response = _api(admin_lerum).get("/api/v1/users/")
    assert response.status_code == 200
    names = {row["username"] for row in response.json()["results"]}
    assert "lars.lerum" in names and "ann.alingsas" not in names
    assert AuditEvent.objects.filter(action=AuditAction.USER_LIST, actor_username="admin.lerum").exists()


def test_an_alingsas_user_and_grant_are_404_for_a_lerum_administrator(admin_lerum, caseworker_alingsas):
    api = _api(admin_lerum)
    grant = caseworker_alingsas.role_grants.get()
    assert api.get("/api/v1/users/ann.alingsas/").status_code == 404
    assert api.patch("/api/v1/users/ann.alingsas/", {"is_active": False}, format="json").status_code == 404
    response = api.post(
        "/api/v1/users/ann.alingsas/grants/", {"role": "auditor", "organisation": "lerum"}, format="json"
    )
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert api.delete(f"/api/v1/grants/{grant.pk}/").status_code == 404
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


def test_inviting_through_the_api_mails_the_link(admin_lerum, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _api(admin_lerum).post(
            "/api/v1/users/",
            {"username": "nora.ny", "email": "nora@lerum.example", "organisation": "lerum-activera"},
            format="json",
        )
    assert response.status_code == 201, response.json()
    assert response.json()["home_organisation"] == "lerum-activera"
    assert "/konto/inbjudan/" in mail.outbox[-1].body


def test_an_invitation_outside_the_reach_is_refused_in_the_one_error_shape(admin_lerum):
    response = _api(admin_lerum).post(
        "/api/v1/users/", {"username": "x.y", "email": "x@example.org", "organisation": "alingsas"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "organisation" in response.json()["error"]["fields"]


def test_a_grant_with_dates_is_given_and_revoked(admin_lerum, caseworker_lerum):
    api = _api(admin_lerum)
    until = (timezone.localdate() + datetime.timedelta(days=2 * 365)).isoformat()
    response = api.post(
        "/api/v1/users/lars.lerum/grants/",
        {"role": "auditor", "organisation": "lerum", "valid_from": "2026-01-01", "valid_until": until},
        format="json",
    )
    assert response.status_code == 201, response.json()
    grant_id = response.json()["id"]
    assert response.json()["valid_until"] == until
    listed = api.get("/api/v1/users/lars.lerum/grants/").json()
    assert {row["role"] for row in listed} == {"executor_caseworker", "auditor"}
    assert api.delete(f"/api/v1/grants/{grant_id}/").status_code == 204
    assert not RoleGrant.objects.filter(pk=grant_id).exists()


def test_the_system_administrator_role_is_refused_to_a_local_administrator(admin_lerum, caseworker_lerum):
    response = _api(admin_lerum).post(
        "/api/v1/users/lars.lerum/grants/", {"role": "system_admin", "organisation": "lerum"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["role"] == [
        "Bara en systemadministratör kan ge rollen systemadministratör."
    ]


def test_patching_deactivates_and_changes_the_name(admin_lerum, caseworker_lerum):
    response = _api(admin_lerum).patch(
        "/api/v1/users/lars.lerum/", {"first_name": "Lars", "is_active": False}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["first_name"] == "Lars" and response.json()["is_active"] is False
    assert not caseworker_lerum.auth_token_set.exists()


def test_a_caseworker_gets_403_on_the_list_and_404_on_a_user(caseworker_lerum, admin_lerum):
    api = _api(caseworker_lerum)
    assert api.get("/api/v1/users/").status_code == 403
    assert api.get("/api/v1/users/admin.lerum/").status_code == 404


def test_the_user_endpoints_are_in_the_openapi_schema(admin_lerum):
    paths = _api(admin_lerum).get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/users/",
        "/api/v1/users/{username}/",
        "/api/v1/users/{username}/grants/",
        "/api/v1/grants/{grant_id}/",
    } <= set(paths)


def test_implausible_grant_dates_are_refused_with_the_pages_message(admin_lerum, caseworker_lerum):
    latest = timezone.localdate().replace(year=timezone.localdate().year + 10).isoformat()
    message = f"Ange ett datum mellan 2000-01-01 och {latest}."
    api = _api(admin_lerum)
    for field, value in (("valid_until", "9999-12-31"), ("valid_from", "1999-12-31")):
        body = {"role": "auditor", "organisation": "lerum", field: value}
        response = api.post("/api/v1/users/lars.lerum/grants/", body, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["fields"][field] == [message]
    assert not RoleGrant.objects.filter(user=caseworker_lerum, role="auditor").exists()
