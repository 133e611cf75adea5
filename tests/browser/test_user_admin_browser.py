"""In Debian's Chromium: Lerum's local administrator invites a caseworker, gives a role with an
end date, resets someone's second factor and cannot reach an Alingsås user (404); the invited
person sets a password through the link. Every new page passes axe-core."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import RoleGrant, User
from apps.organisations.models import Organisation
from tests.browser.test_login_and_accessibility import _code, assert_accessible, error_summary
from tests.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lerum_local_administrator_invites_grants_resets_and_cannot_touch_alingsas(
    page, browser, live_server, caseworker_lerum, caseworker_alingsas
):
    admin = make_user("admin.lerum", "local_admin", "lerum")
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    TOTPDevice.objects.create(user=caseworker_lerum, name="app", confirmed=True)
    unit = Organisation.objects.get(slug="lerum-activera")
    end = timezone.localdate() + datetime.timedelta(days=90)

    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(admin.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/konto/tvafaktor/**")
    page.get_by_label("Engångskod").fill(_code(device))
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url(lambda url: "/konto/" not in url)

    page.get_by_role("link", name="Användare", exact=True).click()
    page.wait_for_url("**/konto/anvandare/")
    assert "lars.lerum" in page.content() and "ann.alingsas" not in page.content()
    assert_accessible(page)

    # Invite a caseworker; the form first shows every problem at once.
    page.get_by_role("link", name="Bjud in en användare").click()
    page.wait_for_url("**/konto/anvandare/bjud-in/")
    assert_accessible(page)
    page.get_by_role("button", name="Skicka inbjudan").click()
    assert error_summary(page).locator("li").count() >= 3
    assert_accessible(page)
    page.get_by_label("Användarnamn").fill("nora.ny")
    page.get_by_label("Förnamn").fill("Nora")
    page.get_by_label("Efternamn").fill("Nyström")
    page.get_by_label("E-postadress").fill("nora@lerum.example")
    page.get_by_label("Organisation").select_option(value=str(unit.pk))
    page.get_by_role("button", name="Skicka inbjudan").click()
    page.wait_for_url("**/konto/anvandare/nora.ny/")
    assert "Inbjudan till nora@lerum.example är skickad." in page.content()
    assert_accessible(page)

    # Give the caseworker role with an end date.
    page.get_by_role("link", name="Ge en roll").click()
    page.wait_for_url("**/konto/anvandare/nora.ny/roller/ny/")
    assert_accessible(page)
    page.get_by_label("Roll").select_option(value="executor_caseworker")
    page.get_by_label("Organisation").select_option(value=str(unit.pk))
    page.get_by_label("Gäller till").fill(end.isoformat())
    page.get_by_role("button", name="Ge rollen").click()
    page.wait_for_url("**/konto/anvandare/nora.ny/")
    assert end.isoformat() in page.locator("table").inner_text()
    grant = RoleGrant.objects.get(user__username="nora.ny")
    assert grant.role == "executor_caseworker" and grant.valid_until == end

    # Reset Lars's second factor, after a confirmation.
    page.goto("/konto/anvandare/lars.lerum/")
    assert_accessible(page)
    page.get_by_role("link", name="Återställ andra faktorn").click()
    page.wait_for_url("**/aterstall-tvafaktor/")
    assert_accessible(page)
    assert TOTPDevice.objects.filter(user=caseworker_lerum).exists()
    page.get_by_role("button", name="Återställ").click()
    page.wait_for_url("**/konto/anvandare/lars.lerum/")
    assert not TOTPDevice.objects.filter(user=caseworker_lerum).exists()

    page.goto("/konto/anvandare/lars.lerum/historik/")
    assert "admin.lerum" in page.content()
    assert_accessible(page)
    page.goto("/konto/behorighetsgranskning/")
    assert "nora.ny" in page.content()
    assert_accessible(page)

    # An Alingsås user is not there for a Lerum administrator.
    for path in ("/konto/anvandare/ann.alingsas/", "/konto/anvandare/ann.alingsas/aterstall-tvafaktor/"):
        assert page.goto(path).status == 404, path
    assert User.objects.get(username="ann.alingsas").is_active

    # The invited person follows the link and sets a password.
    link = re.search(r"https?://\S+/konto/inbjudan/\S+/", mail.outbox[-1].body).group(0)
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    invited = context.new_page()
    invited.goto("/" + link.split("/", 3)[3])
    assert_accessible(invited)
    invited.get_by_label("Nytt lösenord").fill("ett-langt-nytt-losenord-7")
    invited.get_by_label("Lösenordet igen").fill("ett-langt-nytt-losenord-7")
    invited.get_by_role("button", name="Spara lösenordet").click()
    invited.wait_for_url("**/konto/logga-in/")
    assert_accessible(invited)
    context.close()
    assert User.objects.get(username="nora.ny").check_password("ett-langt-nytt-losenord-7")
