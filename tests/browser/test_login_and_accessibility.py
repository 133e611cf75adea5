"""End to end in Debian's Chromium: log in with the second factor, reach the start page and a
person page, and check each page with axe-core for WCAG 2.1 A/AA violations."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.conftest import PASSWORD, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def assert_accessible(page) -> None:
    results = Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def submit(control) -> None:  # type: ignore[no-untyped-def]
    """Click a button or link and wait until the page the server answers with has loaded. A bare
    click only starts the navigation: reading the page, the database or the next form right after
    it races the server, and a slow machine loses the race."""
    with control.page.expect_navigation():
        control.click()


def error_summary(page):  # type: ignore[no-untyped-def]
    """The error summary of the page a submit leads to. A click only starts the navigation, so
    wait for the new page's summary instead of reading whichever document is there."""
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    return summary


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_caseworker_logs_in_with_the_second_factor_and_every_page_passes_axe(page, caseworker_alingsas, alingsas):
    person = make_person(alingsas, first_name="Greta", last_name="Grönberg")
    device = TOTPDevice.objects.create(user=caseworker_alingsas, name="app", confirmed=True)

    page.goto("/tillganglighet/")
    assert page.locator("h1").inner_text() == "Tillgänglighetsredogörelse för Insyn"
    assert_accessible(page)

    page.goto("/personer/")
    assert "/konto/logga-in/" in page.url
    assert_accessible(page)
    page.get_by_label("Användarnamn").fill(caseworker_alingsas.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()

    page.wait_for_url("**/konto/tvafaktor/**")
    assert_accessible(page)
    page.get_by_label("Engångskod").fill(_code(device))
    submit(page.get_by_role("button", name="Fortsätt"))

    page.wait_for_url("**/personer/")
    submit(page.get_by_role("link", name="Start", exact=True))
    page.wait_for_url(lambda url: url.endswith("/"))
    assert page.locator("h1").count() == 1
    assert_accessible(page)

    submit(page.get_by_role("link", name="Personregister"))
    assert_accessible(page)
    page.get_by_role("link", name=person.code).click()
    page.wait_for_url(f"**/personer/{person.code}/")
    assert "Greta Grönberg" in page.locator("h1").inner_text()
    assert_accessible(page)


def test_the_error_summary_links_to_the_field_and_passes_axe(page, caseworker_alingsas):
    page.goto("/konto/logga-in/")
    page.get_by_role("button", name="Logga in").click()
    summary = error_summary(page)
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_username"


def test_first_login_shows_the_enrolment_page_which_passes_axe(page, caseworker_alingsas):
    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(caseworker_alingsas.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/konto/tvafaktor/registrera/**")
    assert page.locator(".qr svg").is_visible()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=caseworker_alingsas, confirmed=False)
    page.get_by_label("Engångskod").fill(_code(device))
    submit(page.get_by_role("button", name="Aktivera"))
    page.wait_for_url(lambda url: url.endswith("/"))
    assert "Välkommen" in page.locator("h1").inner_text()


def test_the_axe_check_does_catch_a_violation(page):
    # Proves the check above can fail: an image without alt text and an unlabelled input.
    page.set_content('<html lang="sv"><body><main><h1>x</h1><img src="x.png"><input type="text"></main></body></html>')
    assert Axe().run(page, options=WCAG_21_AA).violations_count >= 2
