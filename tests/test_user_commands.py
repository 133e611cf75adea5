import io

import pytest
from django.core.management import CommandError, call_command
from knox.models import AuthToken
from rest_framework.test import APIClient

from apps.accounts.models import RoleGrant, User
from apps.audit.models import AuditAction, AuditEvent


def _run(*args, stdin: str | None = None):
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        import sys

        old = sys.stdin
        sys.stdin = io.StringIO(stdin)
        try:
            call_command("user", *args, stdout=out, stderr=err)
        finally:
            sys.stdin = old
    else:
        call_command("user", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_creates_a_user_with_a_role_and_a_password_from_stdin(insjoriket):
    _run(
        "create",
        "--username",
        "kalle",
        "--role",
        "executor_caseworker",
        "--org",
        "alingsas-activera",
        "--password-stdin",
        stdin="ett-riktigt-langt-losenord\n",
    )
    user = User.objects.get(username="kalle")
    assert user.check_password("ett-riktigt-langt-losenord")
    assert RoleGrant.objects.filter(
        user=user, role="executor_caseworker", organisation__slug="alingsas-activera"
    ).exists()
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_GRANT, object_id="kalle").exists()


def test_it_refuses_an_unknown_role_or_organisation(insjoriket):
    with pytest.raises(CommandError, match="Okänd roll"):
        _run("create", "--username", "x", "--role", "king", "--org", "alingsas")
    with pytest.raises(CommandError, match="ingen organisation"):
        _run("create", "--username", "x", "--role", "auditor", "--org", "narnia")
    assert not User.objects.filter(username="x").exists()


def test_it_grants_and_revokes_roles_and_logs_both(insjoriket):
    _run("create", "--username", "kim", "--role", "auditor", "--org", "alingsas")
    _run("grant", "kim", "--role", "auditor", "--org", "lerum")
    assert RoleGrant.objects.filter(user__username="kim").count() == 2
    _run("revoke", "kim", "--role", "auditor", "--org", "alingsas")
    assert list(RoleGrant.objects.filter(user__username="kim").values_list("organisation__slug", flat=True)) == [
        "lerum"
    ]
    assert AuditEvent.objects.filter(action=AuditAction.ROLE_REVOKE, object_id="kim").count() == 1
    with pytest.raises(CommandError):
        _run("revoke", "kim", "--role", "auditor", "--org", "alingsas")


def test_token_prints_only_the_token_which_is_stored_hashed_and_works(insjoriket):
    _run("create", "--username", "robot", "--role", "executor_caseworker", "--org", "alingsas-activera")
    out, _err = _run("token", "robot")
    token = out.strip()
    assert "\n" not in token and " " not in token and len(token) >= 40
    stored = AuthToken.objects.get(user__username="robot")
    assert stored.digest != token and token not in stored.digest
    client = APIClient()
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert response.json()["username"] == "robot"


def test_a_revoked_token_no_longer_works(insjoriket):
    _run("create", "--username", "robot", "--role", "executor_caseworker", "--org", "alingsas-activera")
    token = _run("token", "robot")[0].strip()
    _run("token", "robot", "--revoke")
    response = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_script_account_still_needs_the_second_factor_for_pages(insjoriket):
    _run(
        "create",
        "--username",
        "robot",
        "--role",
        "executor_caseworker",
        "--org",
        "alingsas-activera",
        "--password-stdin",
        stdin="ett-riktigt-langt-losenord\n",
    )
    from django.test import Client

    client = Client()
    response = client.post("/konto/logga-in/", {"username": "robot", "password": "ett-riktigt-langt-losenord"})
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/tvafaktor/registrera/")
    assert client.get("/personer/")["Location"].startswith("/konto/tvafaktor/")
