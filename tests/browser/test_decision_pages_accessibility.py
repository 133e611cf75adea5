"""The registrar's pages in Chromium, each checked with axe-core."""

from __future__ import annotations

import datetime

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.decisions.services import report_prepare
from lib.quarters import Quarter
from tests.browser.test_login_and_accessibility import assert_accessible, submit
from tests.conftest import PASSWORD
from tests.decisions_helpers import FAR_FUTURE, decide, event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_register_and_report_pages_pass_axe(page, registrar_alingsas, alingsas):
    decision = decide(
        alingsas,
        "2022.301 SN",
        "Kontaktfamilj",
        datetime.date(2022, 7, 25),
        reason="Lämplig kontaktfamilj har inte hittats",
    )
    ended = decide(alingsas, "2022.210 SN", "Daglig sysselsättning", datetime.date(2022, 6, 21), reason="Plats saknas")
    event(ended, "ended", datetime.date(2022, 12, 1), end_reason="need_ceased")
    report = report_prepare(
        actor=None, municipality=alingsas, quarter=Quarter(2022, 4), as_of=datetime.date(2023, 1, 11), today=FAR_FUTURE
    )
    device = TOTPDevice.objects.create(user=registrar_alingsas, name="app", confirmed=True)

    page.goto("/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(registrar_alingsas.username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/konto/tvafaktor/**")
    page.get_by_label("Engångskod").fill(f"{totp(device.bin_key):06d}")
    submit(page.get_by_role("button", name="Fortsätt"))
    page.wait_for_url(lambda url: url.endswith("/"))
    assert "Nästa rapportering till IVO" in page.content()
    assert_accessible(page)

    for path in [
        "/beslut/",
        f"/beslut/{decision.pk}/",
        "/beslut/ny/",
        "/beslut/import/",
        "/beslut/rapporter/",
        f"/beslut/rapporter/{report.pk}/",
        f"/beslut/rapporter/{report.pk}/tjansteskrivelse/",
        f"/beslut/rapporter/{report.pk}/ivo/",
    ]:
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)

    page.goto(f"/beslut/{decision.pk}/")
    page.get_by_label("Händelse", exact=True).select_option("resumed")
    page.get_by_label("Datum", exact=True).fill("2022-09-01")
    submit(page.get_by_role("button", name="Spara händelsen"))
    assert "Ett återupptagande kräver ett avbrott" in page.content()
    assert_accessible(page)
