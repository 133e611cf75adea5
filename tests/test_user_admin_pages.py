"""User administration pages: a Lerum local administrator invites, grants with an end date,
resets a second factor and deactivates, with confirmation first; Alingsås users are 404."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import RoleGrant, User, UserSession
from apps.accounts.services import role_grant
from apps.audit.models import AuditAction, AuditEvent
from tests.conftest import PASSWORD, make_user, verified_client


@pytest.fixture
def admin_lerum(insjoriket) -> User:
    return make_user("admin.lerum", "local_admin", "lerum")


@pytest.fixture
def web(admin_lerum) -> Client:
    return verified_client(admin_lerum)


def test_the_user_list_shows_lerum_users_and_not_alingsas_ones(web, caseworker_lerum, caseworker_alingsas):
    response = web.get("/konto/anvandare/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "lars.lerum" in body and "ann.alingsas" not in body
    assert AuditEvent.objects.filter(action=AuditAction.USER_LIST, actor_username="admin.lerum").exists()


def test_the_user_list_searches_by_name(web, caseworker_lerum, controller_lerum):
    body = web.get("/konto/anvandare/?q=lukas").content.decode()
    assert "lukas.controller" in body and "lars.lerum" not in body


def test_the_user_list_does_not_grow_in_queries_with_users(web, admin_lerum):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert web.get("/konto/anvandare/").status_code == 200
        return len(queries)

    make_user("en.lerum", "executor_caseworker", "lerum-activera")
    first = count()
    for n in range(5):
        user = make_user(f"fler{n}.lerum", "executor_caseworker", "lerum-activera")
        role_grant(user=user, role="auditor", organisation_slug="lerum")
    assert count() == first


def test_an_alingsas_user_is_404_on_every_page_for_a_lerum_administrator(web, caseworker_alingsas):
    grant = caseworker_alingsas.role_grants.get()
    for url in (
        "/konto/anvandare/ann.alingsas/",
        "/konto/anvandare/ann.alingsas/andra/",
        "/konto/anvandare/ann.alingsas/historik/",
        "/konto/anvandare/ann.alingsas/roller/ny/",
        f"/konto/anvandare/ann.alingsas/roller/{grant.pk}/ta-bort/",
        "/konto/anvandare/ann.alingsas/inaktivera/",
        "/konto/anvandare/ann.alingsas/aterstall-tvafaktor/",
    ):
        assert web.get(url).status_code == 404, url
        assert web.post(url, {}).status_code == 404, url
    caseworker_alingsas.refresh_from_db()
    assert caseworker_alingsas.is_active


def test_inviting_sends_a_link_that_sets_the_password_once(web, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(
            "/konto/anvandare/bjud-in/",
            {
                "username": "nora.ny",
                "email": "nora@lerum.example",
                "first_name": "Nora",
                "organisation": _pk("lerum-activera"),
            },
        )
    assert response.status_code == 302 and response["Location"] == "/konto/anvandare/nora.ny/"
    link = re.search(r"https?://\S+/konto/inbjudan/\S+/", mail.outbox[-1].body).group(0)
    path = "/" + link.split("/", 3)[3]
    anonymous = Client()
    assert "Välj ett lösenord" in anonymous.get(path).content.decode()
    response = anonymous.post(path, {"password": "kort", "password_again": "annat"})
    body = response.content.decode()
    assert response.status_code == 200 and "Lösenorden är inte lika" in body and "för kort" in body
    response = anonymous.post(
        path, {"password": "ett-langt-nytt-losenord-7", "password_again": "ett-langt-nytt-losenord-7"}
    )
    assert response.status_code == 302 and response["Location"] == "/konto/logga-in/"
    assert User.objects.get(username="nora.ny").check_password("ett-langt-nytt-losenord-7")
    again = anonymous.get(path)
    assert again.status_code == 410 and "redan använd" in again.content.decode()


def test_an_invitation_form_shows_every_problem_at_once(web, caseworker_lerum, alingsas):
    response = web.post(
        "/konto/anvandare/bjud-in/", {"username": "lars.lerum", "email": "nej", "organisation": alingsas.pk}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ange en giltig e-postadress" in body and "Välj en organisation i listan" in body
    assert "Användarnamnet lars.lerum är redan upptaget" in body


def test_a_username_that_only_looks_like_another_is_refused(web, caseworker_lerum):
    # A Cyrillic "а" in place of the Latin "a".
    response = web.post(
        "/konto/anvandare/bjud-in/",
        {"username": "l\u0430rs.lerum", "email": "lars@example.se", "organisation": _pk("lerum")},
    )
    assert response.status_code == 200
    assert "Använd bara bokstäverna a–z" in response.content.decode()


def _pk(slug: str) -> int:
    from apps.organisations.models import Organisation

    return Organisation.objects.get(slug=slug).pk


def test_granting_a_role_with_an_end_date_shows_on_the_users_page(web, caseworker_lerum):
    end = timezone.localdate() + datetime.timedelta(days=30)
    response = web.post(
        "/konto/anvandare/lars.lerum/roller/ny/",
        {"role": "auditor", "organisation": _pk("lerum"), "valid_until": end.isoformat()},
    )
    assert response.status_code == 302
    assert RoleGrant.objects.get(user=caseworker_lerum, role="auditor").valid_until == end
    assert end.isoformat() in web.get("/konto/anvandare/lars.lerum/").content.decode()


def test_the_grant_form_refuses_the_system_administrator_role_and_a_neighbour(web, caseworker_lerum):
    response = web.post(
        "/konto/anvandare/lars.lerum/roller/ny/", {"role": "system_admin", "organisation": _pk("alingsas")}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Välj en roll i listan" in body and "Välj en organisation i listan" in body


def test_resetting_the_second_factor_asks_first_then_removes_the_device(web, caseworker_lerum):
    TOTPDevice.objects.create(user=caseworker_lerum, name="app", confirmed=True)
    url = "/konto/anvandare/lars.lerum/aterstall-tvafaktor/"
    assert "Återställ andra faktorn för lars.lerum?" in web.get(url).content.decode()
    assert TOTPDevice.objects.filter(user=caseworker_lerum).exists()
    assert web.post(url).status_code == 302
    assert not TOTPDevice.objects.filter(user=caseworker_lerum).exists()


def test_deactivating_ends_the_users_sessions(web, caseworker_lerum):
    theirs = verified_client(caseworker_lerum)
    assert UserSession.objects.filter(user=caseworker_lerum).exists()
    assert web.post("/konto/anvandare/lars.lerum/inaktivera/").status_code == 302
    assert not UserSession.objects.filter(user=caseworker_lerum).exists()
    assert theirs.get("/").status_code == 302


def test_the_users_page_lists_sessions_and_one_can_be_ended(web, caseworker_lerum):
    verified_client(caseworker_lerum)
    session = UserSession.objects.get(user=caseworker_lerum)
    page = web.get("/konto/anvandare/lars.lerum/").content.decode()
    assert f"?session={session.pk}" in page
    assert web.post("/konto/anvandare/lars.lerum/avsluta-session/", {"session": session.pk}).status_code == 302
    assert not UserSession.objects.filter(pk=session.pk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_REVOKE, object_id="lars.lerum").exists()


def test_the_history_shows_what_was_done_to_the_user(web, caseworker_lerum):
    web.post("/konto/anvandare/lars.lerum/roller/ny/", {"role": "auditor", "organisation": _pk("lerum")})
    body = web.get("/konto/anvandare/lars.lerum/historik/").content.decode()
    assert "admin.lerum" in body and "Roll: Revisor" in body


def test_a_caseworker_without_the_permission_cannot_reach_the_pages(caseworker_lerum, admin_lerum):
    client = verified_client(caseworker_lerum)
    assert client.get("/konto/anvandare/").status_code == 403
    assert client.get("/konto/anvandare/admin.lerum/").status_code == 404


# --- Findings of the walkthrough (issue 18) ----------------------------------------------------


def _invite_nora(web, django_capture_on_commit_callbacks, organisation: str = "lerum-activera") -> str:
    """Invite nora.ny; the path of the link in the e-mail."""
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(
            "/konto/anvandare/bjud-in/",
            {"username": "nora.ny", "email": "nora@lerum.example", "organisation": _pk(organisation)},
        )
    assert response.status_code == 302
    return _last_link()


def _last_link() -> str:
    link = re.search(r"https?://\S+/konto/inbjudan/\S+/", mail.outbox[-1].body).group(0)
    return "/" + link.split("/", 3)[3]


def _expire_invitations() -> None:
    from apps.accounts.models import UserInvitation

    UserInvitation.objects.update(
        created_at=timezone.now() - datetime.timedelta(hours=100),
        expires_at=timezone.now() - datetime.timedelta(hours=1),
    )


def test_the_history_sums_up_the_administrators_views_instead_of_listing_them(web, caseworker_lerum):
    for _ in range(3):
        assert web.get("/konto/anvandare/lars.lerum/").status_code == 200
    body = web.get("/konto/anvandare/lars.lerum/historik/").content.decode()
    assert "Användare visad" not in body
    assert "Visad 3 gånger, senast " in body


def test_the_history_shows_details_under_swedish_labels(web, caseworker_lerum):
    end = timezone.localdate() + datetime.timedelta(days=30)
    web.post(
        "/konto/anvandare/lars.lerum/roller/ny/",
        {"role": "auditor", "organisation": _pk("lerum"), "valid_until": end.isoformat()},
    )
    web.post("/konto/anvandare/lars.lerum/andra/", {"first_name": "Lars", "last_name": "Nytt", "email": "l@x.se"})
    body = web.get("/konto/anvandare/lars.lerum/historik/").content.decode()
    assert "Roll: Revisor" in body and "Organisation: Lerums kommun" in body
    assert f"Gäller till: {end.isoformat()}" in body
    assert re.search(r"Ändrade uppgifter: [^<]*efternamn, e-postadress<", body)
    assert "role:" not in body and "organisation:" not in body and "valid_until" not in body


def test_a_session_at_the_second_factor_step_is_marked_as_waiting_for_the_code(web, caseworker_lerum):
    TOTPDevice.objects.create(user=caseworker_lerum, name="app", confirmed=True)
    halfway = Client()
    response = halfway.post("/konto/logga-in/", {"username": "lars.lerum", "password": PASSWORD})
    assert response["Location"].startswith("/konto/tvafaktor/")
    page = web.get("/konto/anvandare/lars.lerum/").content.decode()
    assert "Väntar på engångskod" in page


def test_a_session_that_completed_login_is_not_marked_as_waiting(web, caseworker_lerum):
    verified_client(caseworker_lerum)
    page = web.get("/konto/anvandare/lars.lerum/").content.decode()
    assert "?session=" in page and "Väntar på engångskod" not in page


def test_an_invited_user_shows_as_invited_not_active(web, django_capture_on_commit_callbacks):
    _invite_nora(web, django_capture_on_commit_callbacks)
    listing = web.get("/konto/anvandare/?q=nora").content.decode()
    detail = web.get("/konto/anvandare/nora.ny/").content.decode()
    for body in (listing, detail):
        assert "Inbjuden, har inte svarat" in body and ">Aktiv<" not in body
    _expire_invitations()
    listing = web.get("/konto/anvandare/?q=nora").content.decode()
    detail = web.get("/konto/anvandare/nora.ny/").content.decode()
    for body in (listing, detail):
        assert "Inbjudan har gått ut" in body and ">Aktiv<" not in body


def test_an_invited_user_who_set_a_password_is_active(web, django_capture_on_commit_callbacks):
    path = _invite_nora(web, django_capture_on_commit_callbacks)
    Client().post(path, {"password": "ett-langt-nytt-losenord-7", "password_again": "ett-langt-nytt-losenord-7"})
    assert "<td>Aktiv</td>" in web.get("/konto/anvandare/?q=nora").content.decode()


def test_an_earlier_invitation_link_says_a_newer_one_replaced_it(web, django_capture_on_commit_callbacks):
    first = _invite_nora(web, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert web.post("/konto/anvandare/nora.ny/ny-inbjudan/").status_code == 302
    second = _last_link()
    assert second != first
    anonymous = Client()
    for response in (anonymous.get(first), anonymous.post(first, {"password": "x", "password_again": "x"})):
        assert response.status_code == 410
        assert (
            "Den här inbjudan har ersatts av en nyare. Använd länken i det senaste e-postmeddelandet."
            in response.content.decode()
        )
    assert anonymous.get(second).status_code == 200


def test_a_new_invitation_is_not_offered_to_someone_who_has_a_password(web, caseworker_lerum):
    url = "/konto/anvandare/lars.lerum/ny-inbjudan/"
    response = web.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "har redan valt lösenord; en ny inbjudan behövs inte" in body
    assert "<button" not in body.split("<main", 1)[-1]
    sent = len(mail.outbox)
    assert web.post(url).status_code == 409
    assert len(mail.outbox) == sent


def test_an_expired_link_names_the_local_administrator_where_there_is_one(web, django_capture_on_commit_callbacks):
    path = _invite_nora(web, django_capture_on_commit_callbacks)
    _expire_invitations()
    body = Client().get(path).content.decode()
    assert "Kontakta din lokala administratör eller systemadministratören" in body
    assert "systemadministratör." not in body


def test_an_expired_link_without_a_local_administrator_gives_the_neutral_contact(
    system_admin, django_capture_on_commit_callbacks
):
    path = _invite_nora(verified_client(system_admin), django_capture_on_commit_callbacks, "alingsas-activera")
    _expire_invitations()
    body = Client().get(path).content.decode()
    assert "Kontakta den som administrerar Insyn i din kommun" in body
    assert "lokala administratör" not in body


@pytest.mark.parametrize(("field", "value"), [("valid_until", "9999-12-31"), ("valid_from", "1999-12-31")])
def test_the_grant_form_refuses_implausible_dates(web, caseworker_lerum, field, value):
    response = web.post(
        "/konto/anvandare/lars.lerum/roller/ny/", {"role": "auditor", "organisation": _pk("lerum"), field: value}
    )
    body = response.content.decode()
    latest = timezone.localdate().replace(year=timezone.localdate().year + 10).isoformat()
    assert response.status_code == 200
    assert f"Ange ett datum mellan 2000-01-01 och {latest}." in body
    assert not RoleGrant.objects.filter(user=caseworker_lerum, role="auditor").exists()
