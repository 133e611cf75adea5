"""The language switch: Swedish by default, English when the browser asks or the person chooses it;
the choice is kept in a cookie and, for a logged-in person, on the account (it follows them to
another browser and into the e-mails they get)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from apps.accounts.models import User
from tests.conftest import make_user, verified_client

pytestmark = pytest.mark.django_db

LOGIN = "/konto/logga-in/"
SWITCH = "/konto/sprak/"


def _language(response) -> str:
    return response["Content-Language"]


def test_a_visitor_reads_swedish_when_the_browser_asks_for_nothing_in_particular():
    response = Client().get(LOGIN)
    assert _language(response) == "sv"
    assert b'lang="sv"' in response.content
    assert "Logga in" in response.content.decode()


def test_a_visitor_whose_browser_prefers_english_reads_english():
    response = Client().get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9,sv;q=0.5")
    assert _language(response) == "en"
    assert "Sign in" in response.content.decode()


def test_the_switch_returns_to_the_page_and_its_choice_outweighs_the_browser():
    client = Client()
    response = client.post(SWITCH, {"language": "en", "next": LOGIN}, HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert _language(client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="sv")) == "en"
    client.post(SWITCH, {"language": "sv", "next": LOGIN})
    assert _language(client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en")) == "sv"


def test_the_switch_never_sends_anyone_to_another_site():
    response = Client().post(SWITCH, {"language": "en", "next": "https://angripare.example/"})
    assert response.status_code == 302
    assert "angripare" not in response["Location"]


def test_the_switch_only_accepts_a_post():
    response = Client().get(SWITCH, {"language": "en"})
    assert response.status_code in (302, 405)
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_a_logged_in_persons_choice_is_kept_on_the_account_and_follows_them_to_another_browser(insjoriket):
    user = make_user("sara.sprak", "executor_caseworker", "alingsas")
    verified_client(user).post(SWITCH, {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
    other_browser = verified_client(user)
    response = other_browser.get("/", HTTP_ACCEPT_LANGUAGE="sv")
    assert _language(response) == "en"
    assert b'lang="en"' in response.content


def test_an_unknown_language_changes_neither_the_account_nor_the_cookie(insjoriket):
    user = make_user("sara.sprak", "executor_caseworker", "alingsas")
    response = verified_client(user).post(SWITCH, {"language": "klingon", "next": "/"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    user.refresh_from_db()
    assert user.language == ""


def test_an_invitation_is_written_in_the_language_of_the_person_it_goes_to(
    insjoriket, django_capture_on_commit_callbacks
):
    from apps.accounts.services_admin import invitation_resend, user_invite
    from apps.organisations.models import Organisation

    admin = make_user("admin.lerum", "local_admin", "lerum")
    with django_capture_on_commit_callbacks(execute=True):
        invited = user_invite(
            actor=admin,
            username="nya.lerum",
            email="nya.lerum@lerum.example",
            organisation=Organisation.objects.get(slug="lerum-activera"),
            base_url="https://insyn.example/",
            first_name="Nora",
        )
    assert mail.outbox[-1].body.startswith("Hej Nora!")
    User.objects.filter(pk=invited.pk).update(language="en")
    invited.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(actor=admin, user=invited, base_url="https://insyn.example/")
    assert mail.outbox[-1].body.startswith("Hello Nora,")
    assert "/konto/inbjudan/" in mail.outbox[-1].body
