"""The executor's own pages in Debian's Chromium: the delivery page with what is due and the period
list, and the executor's agreement, each checked with axe-core at desktop and phone width.
With INSYN_SCREENSHOTS=<dir> each page is also saved there as a PNG."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.activera.services import programme_load
from tests.browser.test_login_and_accessibility import assert_accessible
from tests.conftest import PASSWORD
from tests.forbund_helpers import agreement_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": 1280, "phone": 390}


def _shoot(page, name: str) -> None:
    folder = os.environ.get("INSYN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_the_executors_delivery_and_agreement_pages_pass_axe(page, manager_alingsas, forbund_officer):
    programme_load(name="insjoriket")
    year = timezone.localdate().year
    agreement_for("alingsas", year=year - 1, actor=forbund_officer)
    agreement = agreement_for("alingsas", year=year, actor=forbund_officer, reference="DNR 17")
    device = TOTPDevice.objects.create(user=manager_alingsas, name="app", confirmed=True)
    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(manager_alingsas.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_label("Engångskod").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url(lambda url: "/konto/" not in url)

    page.get_by_role("link", name="Vår överenskommelse").click()
    page.wait_for_url("**/forbund/var-overenskommelse/")
    page.get_by_role("link", name=f"Överenskommelse {year}").click()
    page.wait_for_url(f"**/forbund/var-overenskommelse/{agreement.pk}/")
    assert "DNR 17" in page.content()

    for path, name in [
        ("/deltagare/leveranser/", "leveranser"),
        ("/forbund/var-overenskommelse/", "overenskommelser"),
        (f"/forbund/var-overenskommelse/{agreement.pk}/", "overenskommelse"),
    ]:
        for label, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(path)
            assert page.locator("h1").count() == 1, path
            assert_accessible(page)
            _shoot(page, f"{name}-{label}")
            # Wide tables scroll inside their own region; the page itself never scrolls sideways.
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (path, width)

    # The list chooses the period; the form opens that delivery's preview.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/deltagare/leveranser/")
    assert page.get_by_role("region", name="Att lämna", exact=True).get_by_text("Försenad").count() > 0
    page.get_by_label("Period").select_option(label=f"Helår {year - 1}")
    page.get_by_role("button", name="Visa leveransen").click()
    page.wait_for_url("**/leveranser/forhandsvisning/**")
    assert f"helåret {year - 1}" in page.content()
    assert_accessible(page)
    # A due item's link prepares that delivery.
    page.goto("/deltagare/leveranser/")
    first = page.get_by_role("region", name="Att lämna", exact=True).get_by_role("link").first
    first.click()
    page.wait_for_url("**/leveranser/forhandsvisning/**")
    assert page.locator("h1").count() == 1
    assert_accessible(page)
