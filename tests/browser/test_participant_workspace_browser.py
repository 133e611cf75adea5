"""The participant workspace in Chromium: the state, the timeline and the links to the focused forms,
at 1280 px and on a 390 px phone with no sideways scrolling; axe checks every page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.activera.services import measurement_add, programme_load, referral_accept
from tests.activera_helpers import FAR_FUTURE, refer, unit
from tests.browser.test_login_and_accessibility import assert_accessible, error_summary
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> None:
    width, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert width <= inner, (page.url, width, inner)


def test_the_workspace_and_a_focused_form_at_1280_and_390_px(page, caseworker_alingsas, insjoriket):
    programme = programme_load(name="insjoriket")
    today = timezone.localdate()
    start = today - datetime.timedelta(weeks=3)
    enrolment = referral_accept(
        actor=caseworker_alingsas,
        referral=refer(unit(), serial=81, received_on=start - datetime.timedelta(days=4)),
        start_date=start,
        planned_end_date=start + datetime.timedelta(weeks=12),
        extent_percent=50,
        leader=caseworker_alingsas,
        today=FAR_FUTURE,
    )
    measurement_add(
        actor=caseworker_alingsas,
        enrolment=enrolment,
        date=start + datetime.timedelta(days=2),
        kind="first",
        answers={i.code: 2 for i in programme.indicators.all()},
        today=FAR_FUTURE,
    )
    device = TOTPDevice.objects.create(user=caseworker_alingsas, name="app", confirmed=True)
    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(caseworker_alingsas.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_label("Engångskod").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url(lambda url: "tvafaktor" not in url)

    workspace = f"/deltagare/{enrolment.code}/"
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(workspace)
        assert page.locator("h1").count() == 1
        assert page.get_by_role("region", name="Läget just nu").is_visible()
        assert page.get_by_role("region", name="Vad som har hänt").is_visible()
        assert "Vecka 4 av planerade 12" in page.content()
        _fits(page)
        assert_accessible(page)

    page.get_by_role("link", name="Skriv ut deltagaren").click()
    page.wait_for_url(f"**{workspace}avslut/")
    form = page.get_by_role("region", name="Skriv ut deltagaren")
    assert "Det finns ingen slutmätning" in form.inner_text()
    _fits(page)
    assert_accessible(page)
    form.get_by_role("button", name="Skriv ut").click()  # no date: every error, on the same page
    error_summary(page)
    _fits(page)
    assert_accessible(page)
    form = page.get_by_role("region", name="Skriv ut deltagaren")
    form.get_by_label("Slutdatum").fill(today.isoformat())
    form.get_by_label("Sysselsättning efter").select_option("arbete")
    form.get_by_role("button", name="Skriv ut").click()
    page.wait_for_url(f"**{workspace}")
    assert "avslutsdokumentet saknar progressionen vid avslut" in page.content()
    assert page.get_by_role("link", name="Avslutsdokumentation lämnad och skickad").is_visible()
    _fits(page)
    assert_accessible(page)
