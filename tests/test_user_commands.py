import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
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


def _robot() -> User:
    _run("create", "--username", "robot", "--role", "executor_caseworker", "--org", "alingsas-activera")
    return User.objects.get(username="robot")


def test_token_says_the_expiry_on_stderr_and_only_the_token_on_stdout(insjoriket):
    robot = _robot()
    out, err = _run("token", "robot")
    token = out.removesuffix("\n")
    assert "\n" not in token and len(token) >= 40
    stored = AuthToken.objects.get(user=robot)
    assert stored.token_key == token[: len(stored.token_key)]
    assert abs(stored.expiry - (timezone.now() + datetime.timedelta(days=90))) < datetime.timedelta(minutes=1)
    assert timezone.localtime(stored.expiry).strftime("%Y-%m-%d %H:%M") in err
    assert token not in err


def test_token_days_gives_another_term_within_one_to_365_days(insjoriket):
    robot = _robot()
    _run("token", "robot", "--days", "7")
    stored = AuthToken.objects.get(user=robot)
    assert abs(stored.expiry - (timezone.now() + datetime.timedelta(days=7))) < datetime.timedelta(minutes=1)
    for days in ("0", "366"):
        with pytest.raises(CommandError, match="1–365 dagar"):
            _run("token", "robot", "--days", days)
    assert AuthToken.objects.filter(user=robot).count() == 1


def test_tokens_lists_one_token_a_line_with_key_created_and_expiry(insjoriket):
    robot = _robot()
    tokens = [_run("token", "robot")[0].strip(), _run("token", "robot", "--days", "3")[0].strip()]
    out, _err = _run("tokens", "robot")
    lines = out.splitlines()
    assert len(lines) == 2
    stored = {token.token_key: token for token in AuthToken.objects.filter(user=robot)}
    for line in lines:
        key, created, expires = line.split("\t")
        assert created == timezone.localtime(stored[key].created).strftime("%Y-%m-%d %H:%M")
        assert expires == timezone.localtime(stored[key].expiry).strftime("%Y-%m-%d %H:%M")
    for token in tokens:
        assert token not in out


def test_revoke_key_revokes_that_token_only_and_is_logged(insjoriket):
    robot = _robot()
    gone = _run("token", "robot")[0].strip()
    kept = _run("token", "robot")[0].strip()
    key = AuthToken.objects.get(user=robot, token_key=gone[:15]).token_key
    _run("token", "robot", "--revoke-key", key)
    client = APIClient()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {gone}").status_code == 401
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {kept}").status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKE)
    assert event.details == {"token_key": key} and event.channel == "cli"
    with pytest.raises(CommandError, match="ingen API-nyckel"):
        _run("token", "robot", "--revoke-key", key)


def test_revoke_key_does_not_reach_another_users_token(insjoriket):
    _robot()
    _run("create", "--username", "other", "--role", "auditor", "--org", "alingsas")
    token = _run("token", "other")[0].strip()
    with pytest.raises(CommandError, match="ingen API-nyckel"):
        _run("token", "robot", "--revoke-key", token[:15])
    assert AuthToken.objects.filter(user__username="other").exists()
